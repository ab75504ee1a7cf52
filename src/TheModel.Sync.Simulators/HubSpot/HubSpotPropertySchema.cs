using TheModel.Sync.Application.Crm;

namespace TheModel.Sync.Simulators.HubSpot;

internal enum HubSpotPropertyType : byte
{
    Text,
    Number,
    DateTime,
}

/// <summary>One property of one object type.</summary>
/// <param name="ReadOnly">The API refuses to write it (the simulator's seeding may).</param>
/// <param name="Unique">HubSpot's "unique value" setting: two live records may not share a value.</param>
internal sealed record HubSpotProperty(string Name, HubSpotPropertyType Type, bool ReadOnly = false, bool Unique = false);

/// <summary>
/// The properties each object type knows: the facts file's defaults (H-2, H-4, H-6), the ones the worker's
/// default field maps use (<see cref="CrmSchema"/>), configured extras, and any name starting <c>themodel_</c>
/// (the worker's own custom properties; those ending <c>_at</c> hold date-times).
/// </summary>
internal sealed class HubSpotPropertySchema
{
    private const string CustomPrefix = "themodel_";

    private static readonly string[] ContactText =
    [
        "email", "firstname", "lastname", "company", "country", "state", "city", "zip", "address", "jobtitle",
        "phone", "mobilephone", "website", "industry", "numemployees", "hs_analytics_source", "hubspot_owner_id",
        "lifecyclestage", "hs_lead_status",
    ];

    private static readonly string[] CompanyText =
    [
        "name", "domain", "website", "industry", "country", "state", "city", "zip", "phone", "type",
        "hubspot_owner_id", "lifecyclestage", "description",
    ];

    private static readonly string[] DealText =
    [
        "dealname", "pipeline", "dealstage", "dealtype", "hubspot_owner_id", "closed_lost_reason", "description",
    ];

    private static readonly string[] TaskText =
    [
        "hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", "hs_task_type", "hubspot_owner_id",
    ];

    private readonly Dictionary<string, Dictionary<string, HubSpotProperty>> _byType = new(StringComparer.Ordinal);

    public HubSpotPropertySchema(IReadOnlyDictionary<string, IReadOnlyList<string>> additional)
    {
        var contacts = Start(HubSpotObjectTypes.Contacts, ContactText);
        Add(contacts, new HubSpotProperty("email", HubSpotPropertyType.Text, Unique: true));
        Add(contacts, new HubSpotProperty("annualrevenue", HubSpotPropertyType.Number));
        Add(contacts, new HubSpotProperty("num_contacted_notes", HubSpotPropertyType.Number));
        Add(contacts, new HubSpotProperty("notes_last_contacted", HubSpotPropertyType.DateTime));
        Add(contacts, new HubSpotProperty("createdate", HubSpotPropertyType.DateTime));
        Add(contacts, new HubSpotProperty("lastmodifieddate", HubSpotPropertyType.DateTime, ReadOnly: true));

        var companies = Start(HubSpotObjectTypes.Companies, CompanyText);
        Add(companies, new HubSpotProperty("numberofemployees", HubSpotPropertyType.Number));
        Add(companies, new HubSpotProperty("annualrevenue", HubSpotPropertyType.Number));
        Add(companies, new HubSpotProperty("createdate", HubSpotPropertyType.DateTime));

        var deals = Start(HubSpotObjectTypes.Deals, DealText);
        Add(deals, new HubSpotProperty("amount", HubSpotPropertyType.Number));
        Add(deals, new HubSpotProperty("closedate", HubSpotPropertyType.DateTime));
        Add(deals, new HubSpotProperty("createdate", HubSpotPropertyType.DateTime));

        // HubSpot calculates these from the deal stage; the simulator does the same for the default pipeline.
        Add(deals, new HubSpotProperty("hs_is_closed", HubSpotPropertyType.Text, ReadOnly: true));
        Add(deals, new HubSpotProperty("hs_is_closed_won", HubSpotPropertyType.Text, ReadOnly: true));

        var tasks = Start(HubSpotObjectTypes.Tasks, TaskText);
        Add(tasks, new HubSpotProperty("hs_timestamp", HubSpotPropertyType.DateTime));
        Add(tasks, new HubSpotProperty("hs_task_reminders", HubSpotPropertyType.Number));
        Add(tasks, new HubSpotProperty("hs_createdate", HubSpotPropertyType.DateTime, ReadOnly: true));
        Add(tasks, new HubSpotProperty(CrmSchema.HubSpotTaskKeyProperty, HubSpotPropertyType.Text, Unique: true));

        foreach (var type in HubSpotObjectTypes.All)
        {
            var map = _byType[type];
            Add(map, new HubSpotProperty("hs_object_id", HubSpotPropertyType.Number, ReadOnly: true));
            Add(map, new HubSpotProperty("hs_lastmodifieddate", HubSpotPropertyType.DateTime, ReadOnly: true));
        }

        // The worker's default field maps must always resolve to properties the simulator knows.
        var defaults = CrmSchema.Default(TheModel.Sync.Core.Model.CrmKind.HubSpot);
        AddMapped(HubSpotObjectTypes.Contacts, defaults.ReadFields(CrmObject.Person));
        AddMapped(HubSpotObjectTypes.Companies, defaults.ReadFields(CrmObject.Account));
        // A deal's company is an association, never a property (the worker's pseudo-field for it is not one either).
        AddMapped(HubSpotObjectTypes.Deals, defaults.ReadFields(CrmObject.Opportunity).Where(f => f != CrmSchema.HubSpotDealCompanyField));
        AddMapped(HubSpotObjectTypes.Tasks, defaults.ReadFields(CrmObject.Task));

        foreach (var (type, names) in additional)
        {
            AddMapped(HubSpotObjectTypes.Normalize(type)!, names);
        }
    }

    /// <summary>The property, or null when the object type does not have it.</summary>
    public HubSpotProperty? Find(string type, string name)
    {
        if (_byType[type].TryGetValue(name, out var property))
        {
            return property;
        }

        return name.StartsWith(CustomPrefix, StringComparison.Ordinal) && name.Length > CustomPrefix.Length
            ? new HubSpotProperty(name, name.EndsWith("_at", StringComparison.Ordinal) ? HubSpotPropertyType.DateTime : HubSpotPropertyType.Text)
            : null;
    }

    public IEnumerable<HubSpotProperty> UniqueProperties(string type) => _byType[type].Values.Where(p => p.Unique);

    /// <summary>The properties a read returns when the caller names none (facts H-2 and H-3).</summary>
    public static IReadOnlyList<string> DefaultReadProperties(string type) => type switch
    {
        HubSpotObjectTypes.Contacts => ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
        HubSpotObjectTypes.Companies => ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
        HubSpotObjectTypes.Deals => ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"],
        _ => ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
    };

    private Dictionary<string, HubSpotProperty> Start(string type, string[] textNames)
    {
        var map = new Dictionary<string, HubSpotProperty>(StringComparer.Ordinal);
        foreach (var name in textNames)
        {
            Add(map, new HubSpotProperty(name, HubSpotPropertyType.Text));
        }

        _byType[type] = map;
        return map;
    }

    private void AddMapped(string type, IEnumerable<string> names)
    {
        var map = _byType[type];
        foreach (var name in names)
        {
            if (!map.ContainsKey(name))
            {
                Add(map, Find(type, name) ?? new HubSpotProperty(name, HubSpotPropertyType.Text));
            }
        }
    }

    private static void Add(Dictionary<string, HubSpotProperty> map, HubSpotProperty property) => map[property.Name] = property;
}
