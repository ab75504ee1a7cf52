namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>A copy of one CRM object as the simulated portal holds it. Property values are strings or null.</summary>
public sealed record HubSpotRecord(
    string Type,
    string Id,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Archived,
    DateTimeOffset? ArchivedAt)
{
    public string? this[string property] => Properties.TryGetValue(property, out var value) ? value : null;
}

/// <summary>One directed association; HubSpot keeps both directions, each with its own type id.</summary>
public sealed record HubSpotAssociation(string FromType, string FromId, string ToType, string ToId, int TypeId, string Category = "HUBSPOT_DEFINED");

public sealed record HubSpotTeam(string Id, string Name, bool Primary);

/// <summary>A CRM owner. <see cref="Id"/> goes into <c>hubspot_owner_id</c>; <see cref="UserId"/> is a different number (facts H-4, H-5).</summary>
public sealed record HubSpotOwner(
    string Id,
    long UserId,
    string? Email,
    string? FirstName,
    string? LastName,
    bool Archived,
    IReadOnlyList<HubSpotTeam> Teams,
    string Type,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One API request as received, with the status it was answered with.</summary>
public sealed record HubSpotLoggedRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status);

/// <summary>A snapshot of the simulator's counters.</summary>
/// <param name="CallsByEndpoint">Requests per endpoint, keyed like <c>POST /crm/v3/objects/tasks/batch/create</c> (ids shown as <c>{id}</c>).</param>
/// <param name="CountedCalls">Requests counted against the daily limit since start.</param>
/// <param name="DailyUsage">Requests counted against today's limit (see <see cref="HubSpotSimulator.SetDailyUsage"/>).</param>
/// <param name="RateLimited">429s sent, all kinds (fault-plan ones included).</param>
public sealed record HubSpotCounters(
    IReadOnlyDictionary<string, int> CallsByEndpoint,
    long CountedCalls,
    long DailyUsage,
    int RateLimited,
    int BurstRateLimited,
    int DailyRateLimited,
    int SearchRateLimited,
    int Unauthorized,
    int WebhookRequests,
    int WebhookEventsDelivered,
    int WebhookFailedAttempts,
    int WebhookRetries,
    int WebhookDuplicates,
    int WebhookEventsAbandoned);

/// <summary>The outcome of one webhook request.</summary>
public enum HubSpotWebhookOutcome : byte
{
    /// <summary>The target answered 2xx within the timeout.</summary>
    Delivered,

    /// <summary>The target answered something other than 2xx.</summary>
    Rejected,

    /// <summary>The target took longer than the response timeout.</summary>
    TimedOut,

    /// <summary>The connection failed.</summary>
    ConnectionFailed,
}

/// <summary>One webhook request the simulator sent.</summary>
public sealed record HubSpotWebhookDelivery(
    DateTimeOffset At,
    Uri Target,
    int AttemptNumber,
    int EventCount,
    bool IsDuplicate,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    int? Status,
    HubSpotWebhookOutcome Outcome);

/// <summary>HUBSPOT_DEFINED association type ids (facts H-6, from-object to to-object).</summary>
public static class HubSpotAssociationTypes
{
    public const int PrimaryContactToCompany = 1;
    public const int PrimaryCompanyToContact = 2;
    public const int DealToContact = 3;
    public const int ContactToDeal = 4;
    public const int PrimaryDealToCompany = 5;
    public const int PrimaryCompanyToDeal = 6;
    public const int CompanyToTask = 191;
    public const int TaskToCompany = 192;
    public const int ContactToTask = 203;
    public const int TaskToContact = 204;
    public const int DealToTask = 215;
    public const int TaskToDeal = 216;
    public const int ContactToCompany = 279;
    public const int CompanyToContact = 280;
    public const int DealToCompany = 341;
    public const int CompanyToDeal = 342;

    // (from, to, type id, inverse type id, is the pair's default unlabelled type)
    private static readonly (string From, string To, int TypeId, int Inverse, bool IsDefault)[] Table =
    [
        (HubSpotObjectTypes.Contacts, HubSpotObjectTypes.Companies, PrimaryContactToCompany, PrimaryCompanyToContact, false),
        (HubSpotObjectTypes.Companies, HubSpotObjectTypes.Contacts, PrimaryCompanyToContact, PrimaryContactToCompany, false),
        (HubSpotObjectTypes.Deals, HubSpotObjectTypes.Contacts, DealToContact, ContactToDeal, true),
        (HubSpotObjectTypes.Contacts, HubSpotObjectTypes.Deals, ContactToDeal, DealToContact, true),
        (HubSpotObjectTypes.Deals, HubSpotObjectTypes.Companies, PrimaryDealToCompany, PrimaryCompanyToDeal, false),
        (HubSpotObjectTypes.Companies, HubSpotObjectTypes.Deals, PrimaryCompanyToDeal, PrimaryDealToCompany, false),
        (HubSpotObjectTypes.Companies, HubSpotObjectTypes.Tasks, CompanyToTask, TaskToCompany, true),
        (HubSpotObjectTypes.Tasks, HubSpotObjectTypes.Companies, TaskToCompany, CompanyToTask, true),
        (HubSpotObjectTypes.Contacts, HubSpotObjectTypes.Tasks, ContactToTask, TaskToContact, true),
        (HubSpotObjectTypes.Tasks, HubSpotObjectTypes.Contacts, TaskToContact, ContactToTask, true),
        (HubSpotObjectTypes.Deals, HubSpotObjectTypes.Tasks, DealToTask, TaskToDeal, true),
        (HubSpotObjectTypes.Tasks, HubSpotObjectTypes.Deals, TaskToDeal, DealToTask, true),
        (HubSpotObjectTypes.Contacts, HubSpotObjectTypes.Companies, ContactToCompany, CompanyToContact, true),
        (HubSpotObjectTypes.Companies, HubSpotObjectTypes.Contacts, CompanyToContact, ContactToCompany, true),
        (HubSpotObjectTypes.Deals, HubSpotObjectTypes.Companies, DealToCompany, CompanyToDeal, true),
        (HubSpotObjectTypes.Companies, HubSpotObjectTypes.Deals, CompanyToDeal, DealToCompany, true),
    ];

    /// <summary>The object type a HUBSPOT_DEFINED type id points to from <paramref name="fromType"/>; null when the id does not start there.</summary>
    internal static string? TargetOf(string fromType, int typeId) =>
        Table.Where(row => row.From == fromType && row.TypeId == typeId).Select(row => row.To).FirstOrDefault();

    internal static bool IsValid(string fromType, string toType, int typeId) =>
        Table.Any(row => row.From == fromType && row.To == toType && row.TypeId == typeId);

    internal static int? Inverse(string fromType, string toType, int typeId) =>
        Table.Where(row => row.From == fromType && row.To == toType && row.TypeId == typeId).Select(row => (int?)row.Inverse).FirstOrDefault();

    internal static int? Default(string fromType, string toType) =>
        Table.Where(row => row.From == fromType && row.To == toType && row.IsDefault).Select(row => (int?)row.TypeId).FirstOrDefault();
}
