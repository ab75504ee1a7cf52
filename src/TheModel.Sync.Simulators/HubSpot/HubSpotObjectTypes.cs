namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>The four object types the simulator holds, by the names HubSpot accepts for them.</summary>
internal static class HubSpotObjectTypes
{
    public const string Contacts = "contacts";
    public const string Companies = "companies";
    public const string Deals = "deals";
    public const string Tasks = "tasks";

    public static IReadOnlyList<string> All { get; } = [Contacts, Companies, Deals, Tasks];

    /// <summary>The plural path name for a plural, singular or numeric (<c>0-1</c>) object type name; null when unknown.</summary>
    public static string? Normalize(string? name) => name?.ToLowerInvariant() switch
    {
        "contacts" or "contact" or "0-1" => Contacts,
        "companies" or "company" or "0-2" => Companies,
        "deals" or "deal" or "0-3" => Deals,
        "tasks" or "task" or "0-27" => Tasks,
        _ => null,
    };

    public static string TypeId(string type) => type switch
    {
        Contacts => "0-1",
        Companies => "0-2",
        Deals => "0-3",
        _ => "0-27",
    };

    /// <summary>The singular name used in messages and association labels: <c>contact</c>, <c>task</c>.</summary>
    public static string Singular(string type) => type switch
    {
        Contacts => "contact",
        Companies => "company",
        Deals => "deal",
        _ => "task",
    };

    /// <summary>The webhook subscription prefix; tasks have none (facts H-7).</summary>
    public static string? WebhookName(string type) => type is Tasks ? null : Singular(type);

    public static string? FromWebhookName(string name) => name switch
    {
        "contact" => Contacts,
        "company" => Companies,
        "deal" => Deals,
        _ => null,
    };

    /// <summary>The property polls filter on (facts H-3): <c>lastmodifieddate</c> for contacts, <c>hs_lastmodifieddate</c> otherwise.</summary>
    public static string ModifiedProperty(string type) => type is Contacts ? "lastmodifieddate" : "hs_lastmodifieddate";

    public static string CreatedProperty(string type) => type is Tasks ? "hs_createdate" : "createdate";
}
