namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>One field of an sObject as the org describes it.</summary>
/// <param name="Name">The API name in its canonical spelling (responses use it whatever case a request used).</param>
/// <param name="Type">Parsing, comparison and rendering.</param>
/// <param name="Createable">The API may set it on create.</param>
/// <param name="Updateable">The API may change it on update.</param>
/// <param name="Required">Create fails with <c>REQUIRED_FIELD_MISSING</c> without it, and update may not clear it.</param>
/// <param name="IsExternalId">Unique (case-sensitive) and usable as an upsert key.</param>
/// <param name="Picklist">The values describe lists for a picklist (not enforced on write, like an unrestricted picklist).</param>
/// <param name="Default">The value a create gets when it does not set the field.</param>
internal sealed record FieldDef(
    string Name,
    SalesforceFieldType Type,
    bool Createable = true,
    bool Updateable = true,
    bool Required = false,
    bool IsExternalId = false,
    IReadOnlyList<string>? Picklist = null,
    object? Default = null)
{
    public bool IsIdLike => Type is SalesforceFieldType.Id or SalesforceFieldType.Reference;
}

/// <summary>
/// An sObject's description: key prefix and fields. Custom fields (<c>__c</c>) that were never declared are added on
/// first use as <see cref="SalesforceFieldType.Any"/>, so a describe grows the way an admin adding fields would make it.
/// Mutated only under the org's lock.
/// </summary>
internal sealed class ObjectDef
{
    private readonly Dictionary<string, FieldDef> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FieldDef> _ordered = [];

    public ObjectDef(string name, string keyPrefix, bool hasOwner, bool runsAssignmentRules)
    {
        Name = name;
        KeyPrefix = keyPrefix;
        HasOwner = hasOwner;
        RunsAssignmentRules = runsAssignmentRules;
    }

    public string Name { get; }

    public string KeyPrefix { get; }

    public bool HasOwner { get; }

    /// <summary>Lead and Account: the objects <c>Sforce-Auto-Assign</c> applies to (Case is not simulated).</summary>
    public bool RunsAssignmentRules { get; }

    public IReadOnlyList<FieldDef> Fields => _ordered;

    public void Add(FieldDef field)
    {
        if (_fields.TryGetValue(field.Name, out var existing))
        {
            _ordered[_ordered.IndexOf(existing)] = field;
        }
        else
        {
            _ordered.Add(field);
        }

        _fields[field.Name] = field;
    }

    /// <summary>The field by API name (any case); an unknown <c>__c</c> name becomes a new <see cref="SalesforceFieldType.Any"/> field.</summary>
    public FieldDef? Find(string name)
    {
        if (_fields.TryGetValue(name, out var field))
        {
            return field;
        }

        if (IsCustomName(name))
        {
            field = new FieldDef(name, SalesforceFieldType.Any);
            Add(field);
            return field;
        }

        return null;
    }

    public static bool IsCustomName(string name) =>
        name.Length > 3 && name.EndsWith("__c", StringComparison.OrdinalIgnoreCase) && IsIdentifier(name);

    private static bool IsIdentifier(string name)
    {
        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The standard objects of the simulated org and their fields (facts file S-9, plus the fields the connector maps).</summary>
internal static class SObjectSchema
{
    public const string Lead = "Lead";
    public const string Contact = "Contact";
    public const string Account = "Account";
    public const string Opportunity = "Opportunity";
    public const string Task = "Task";
    public const string User = "User";
    public const string Group = "Group";

    public static Dictionary<string, ObjectDef> Build(IEnumerable<SalesforceCustomField> customFields)
    {
        var objects = new Dictionary<string, ObjectDef>(StringComparer.OrdinalIgnoreCase)
        {
            [Lead] = BuildLead(),
            [Contact] = BuildContact(),
            [Account] = BuildAccount(),
            [Opportunity] = BuildOpportunity(),
            [Task] = BuildTask(),
            [User] = BuildUser(),
            [Group] = BuildGroup(),
        };

        foreach (var custom in customFields)
        {
            if (!objects.TryGetValue(custom.SObject, out var obj))
            {
                throw new ArgumentException(
                    $"CustomFields: '{custom.SObject}.{custom.Name}' names an sObject the simulator does not have; known: {string.Join(", ", objects.Keys)}.");
            }

            obj.Add(new FieldDef(custom.Name, custom.Type, IsExternalId: custom.IsExternalId));
        }

        return objects;
    }

    public static bool IsReadOnlySystemField(string name) => name is "Id" or "CreatedDate" or "LastModifiedDate" or "SystemModstamp"
        or "CreatedById" or "LastModifiedById" or "IsDeleted";

    private static ObjectDef Start(string name, string prefix, bool hasOwner, bool assignment = false)
    {
        var obj = new ObjectDef(name, prefix, hasOwner, assignment);
        obj.Add(new FieldDef("Id", SalesforceFieldType.Id, Createable: false, Updateable: false));
        if (hasOwner)
        {
            obj.Add(new FieldDef("OwnerId", SalesforceFieldType.Reference));
        }

        obj.Add(new FieldDef("IsDeleted", SalesforceFieldType.Boolean, Createable: false, Updateable: false, Default: false));
        obj.Add(new FieldDef("CreatedDate", SalesforceFieldType.DateTime, Createable: false, Updateable: false));
        obj.Add(new FieldDef("CreatedById", SalesforceFieldType.Reference, Createable: false, Updateable: false));
        obj.Add(new FieldDef("LastModifiedDate", SalesforceFieldType.DateTime, Createable: false, Updateable: false));
        obj.Add(new FieldDef("LastModifiedById", SalesforceFieldType.Reference, Createable: false, Updateable: false));
        obj.Add(new FieldDef("SystemModstamp", SalesforceFieldType.DateTime, Createable: false, Updateable: false));
        return obj;
    }

    private static void Text(ObjectDef obj, params string[] names)
    {
        foreach (var name in names)
        {
            obj.Add(new FieldDef(name, SalesforceFieldType.Text));
        }
    }

    private static void Derived(ObjectDef obj, string name, SalesforceFieldType type) =>
        obj.Add(new FieldDef(name, type, Createable: false, Updateable: false));

    private static ObjectDef BuildLead()
    {
        var lead = Start(Lead, "00Q", hasOwner: true, assignment: true);
        Text(lead, "FirstName");
        lead.Add(new FieldDef("LastName", SalesforceFieldType.Text, Required: true));
        Derived(lead, "Name", SalesforceFieldType.Text);
        lead.Add(new FieldDef("Company", SalesforceFieldType.Text, Required: true));
        lead.Add(new FieldDef("Status", SalesforceFieldType.Text, Default: "Open - Not Contacted",
            Picklist: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]));
        lead.Add(new FieldDef("Rating", SalesforceFieldType.Text, Picklist: ["Hot", "Warm", "Cold"]));
        Text(lead, "LeadSource", "Email", "Title", "Phone", "Website", "Street", "City", "State", "StateCode",
            "PostalCode", "Country", "CountryCode", "Industry", "Description");
        lead.Add(new FieldDef("NumberOfEmployees", SalesforceFieldType.Integer));
        lead.Add(new FieldDef("AnnualRevenue", SalesforceFieldType.Number));
        lead.Add(new FieldDef("IsConverted", SalesforceFieldType.Boolean, Createable: false, Updateable: false, Default: false));
        Derived(lead, "ConvertedDate", SalesforceFieldType.Date);
        Derived(lead, "ConvertedAccountId", SalesforceFieldType.Reference);
        Derived(lead, "ConvertedContactId", SalesforceFieldType.Reference);
        Derived(lead, "ConvertedOpportunityId", SalesforceFieldType.Reference);
        return lead;
    }

    private static ObjectDef BuildContact()
    {
        var contact = Start(Contact, "003", hasOwner: true);
        contact.Add(new FieldDef("AccountId", SalesforceFieldType.Reference));
        Text(contact, "FirstName");
        contact.Add(new FieldDef("LastName", SalesforceFieldType.Text, Required: true));
        Derived(contact, "Name", SalesforceFieldType.Text);
        Text(contact, "Email", "Title", "Phone", "Department", "LeadSource", "MailingStreet", "MailingCity", "MailingState",
            "MailingPostalCode", "MailingCountry", "Description");
        return contact;
    }

    private static ObjectDef BuildAccount()
    {
        var account = Start(Account, "001", hasOwner: true, assignment: true);
        account.Add(new FieldDef("Name", SalesforceFieldType.Text, Required: true));
        Text(account, "Type", "Industry", "Website", "Phone", "BillingStreet", "BillingCity", "BillingState",
            "BillingPostalCode", "BillingCountry", "Description");
        account.Add(new FieldDef("NumberOfEmployees", SalesforceFieldType.Integer));
        account.Add(new FieldDef("AnnualRevenue", SalesforceFieldType.Number));
        return account;
    }

    private static ObjectDef BuildOpportunity()
    {
        var opportunity = Start(Opportunity, "006", hasOwner: true);
        opportunity.Add(new FieldDef("Name", SalesforceFieldType.Text, Required: true));
        opportunity.Add(new FieldDef("AccountId", SalesforceFieldType.Reference));
        opportunity.Add(new FieldDef("StageName", SalesforceFieldType.Text, Required: true, Picklist:
        [
            "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Perception Analysis",
            "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
        ]));
        opportunity.Add(new FieldDef("CloseDate", SalesforceFieldType.Date, Required: true));
        opportunity.Add(new FieldDef("Amount", SalesforceFieldType.Number));
        opportunity.Add(new FieldDef("Probability", SalesforceFieldType.Number));
        Text(opportunity, "Type", "LeadSource", "Description");
        Derived(opportunity, "IsClosed", SalesforceFieldType.Boolean);
        Derived(opportunity, "IsWon", SalesforceFieldType.Boolean);
        return opportunity;
    }

    private static ObjectDef BuildTask()
    {
        var task = Start(Task, "00T", hasOwner: true);
        task.Add(new FieldDef("WhoId", SalesforceFieldType.Reference));
        task.Add(new FieldDef("WhatId", SalesforceFieldType.Reference));
        Text(task, "Subject", "Description", "Type");
        task.Add(new FieldDef("Status", SalesforceFieldType.Text, Default: "Not Started",
            Picklist: ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"]));
        task.Add(new FieldDef("Priority", SalesforceFieldType.Text, Default: "Normal", Picklist: ["High", "Normal", "Low"]));
        task.Add(new FieldDef("ActivityDate", SalesforceFieldType.Date));
        Derived(task, "AccountId", SalesforceFieldType.Reference);
        Derived(task, "IsClosed", SalesforceFieldType.Boolean);
        Derived(task, "IsHighPriority", SalesforceFieldType.Boolean);
        return task;
    }

    private static ObjectDef BuildUser()
    {
        var user = Start(User, "005", hasOwner: false);
        Text(user, "FirstName");
        user.Add(new FieldDef("LastName", SalesforceFieldType.Text, Required: true));
        Derived(user, "Name", SalesforceFieldType.Text);
        Text(user, "Email", "Username", "Title");
        user.Add(new FieldDef("IsActive", SalesforceFieldType.Boolean, Default: true));
        return user;
    }

    private static ObjectDef BuildGroup()
    {
        var group = Start(Group, "00G", hasOwner: true);
        group.Add(new FieldDef("Name", SalesforceFieldType.Text, Required: true));
        Text(group, "DeveloperName", "Email");
        group.Add(new FieldDef("Type", SalesforceFieldType.Text, Default: "Regular", Picklist: ["Queue", "Regular"]));
        return group;
    }
}
