using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Crm;

/// <summary>
/// The CRM side of the canonical records for one CRM: object names, the field behind each canonical field
/// (built-in defaults extended or overridden by the config's <c>crm.&lt;name&gt;.fields</c>), the fields the
/// stage mapping reads, the modification-time field polls filter on, and the task idempotency-key field.
/// </summary>
public sealed class CrmSchema
{
    /// <summary>Salesforce: the external-id text field on Task that holds the idempotency key (unique, case-sensitive).</summary>
    public const string SalesforceTaskKeyField = "TheModel_Key__c";

    /// <summary>HubSpot: the task property with "unique value" set that holds the idempotency key.</summary>
    public const string HubSpotTaskKeyProperty = "themodel_key";

    /// <summary>
    /// HubSpot: a deal has no account property; its company is an association. The connector puts the id of the
    /// deal's first associated company in its records under this name (not a property: HubSpot names have no dot),
    /// and never asks HubSpot for it as a property.
    /// </summary>
    public const string HubSpotDealCompanyField = "associations.companies";

    private static readonly Dictionary<string, string> SalesforcePersonDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "Id",
        ["email"] = "Email",
        ["first_name"] = "FirstName",
        ["last_name"] = "LastName",
        ["title"] = "Title",
        ["phone"] = "Phone",
        ["company"] = "Company",
        ["website"] = "Website",
        ["country"] = "Country",
        ["state"] = "State",
        ["postal_code"] = "PostalCode",
        ["employees"] = "NumberOfEmployees",
        ["annual_revenue"] = "AnnualRevenue",
        ["industry"] = "Industry",
        ["source"] = "LeadSource",
        ["owner"] = "OwnerId",
        ["created_at"] = "CreatedDate",
        ["updated_at"] = "SystemModstamp",
        ["stage_entered_at"] = "TheModel_Stage_Entered_At__c",
        ["recycle_reason"] = "TheModel_Recycle_Reason__c",
        ["recycle_rule"] = "TheModel_Recycle_Rule__c",
        ["recheck_at"] = "TheModel_Recheck_At__c",
        ["owner_set_at"] = "TheModel_Owner_Set_At__c",
        ["last_touch_at"] = "TheModel_Last_Touch_At__c",
        ["touches"] = "TheModel_Touches__c",
    };

    private static readonly Dictionary<string, string> SalesforceAccountDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "Id",
        ["name"] = "Name",
        ["website"] = "Website",
        ["owner"] = "OwnerId",
        ["type"] = "Type",
        ["employees"] = "NumberOfEmployees",
        ["annual_revenue"] = "AnnualRevenue",
        ["country"] = "BillingCountry",
        ["industry"] = "Industry",
        ["created_at"] = "CreatedDate",
    };

    private static readonly Dictionary<string, string> SalesforceOpportunityDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "Id",
        ["account"] = "AccountId",
        ["owner"] = "OwnerId",
        ["stage"] = "StageName",
        ["amount"] = "Amount",
        ["is_closed"] = "IsClosed",
        ["is_won"] = "IsWon",
        ["close_date"] = "CloseDate",
        ["loss_reason"] = "TheModel_Loss_Reason__c",
    };

    private static readonly Dictionary<string, string> HubSpotPersonDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "hs_object_id",
        ["email"] = "email",
        ["first_name"] = "firstname",
        ["last_name"] = "lastname",
        ["title"] = "jobtitle",
        ["phone"] = "phone",
        ["company"] = "company",
        ["website"] = "website",
        ["country"] = "country",
        ["state"] = "state",
        ["postal_code"] = "zip",
        ["employees"] = "numemployees",
        ["annual_revenue"] = "annualrevenue",
        ["industry"] = "industry",
        ["source"] = "hs_analytics_source",
        ["owner"] = "hubspot_owner_id",
        ["created_at"] = "createdate",
        ["updated_at"] = "lastmodifieddate",
        ["stage_entered_at"] = "themodel_stage_entered_at",
        ["recycle_reason"] = "themodel_recycle_reason",
        ["recycle_rule"] = "themodel_recycle_rule",
        ["recheck_at"] = "themodel_recheck_at",
        ["owner_set_at"] = "themodel_owner_set_at",
        ["last_touch_at"] = "notes_last_contacted",
        ["touches"] = "num_contacted_notes",
    };

    private static readonly Dictionary<string, string> HubSpotAccountDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "hs_object_id",
        ["name"] = "name",
        ["domain"] = "domain",
        ["website"] = "website",
        ["owner"] = "hubspot_owner_id",
        ["type"] = "type",
        ["employees"] = "numberofemployees",
        ["annual_revenue"] = "annualrevenue",
        ["country"] = "country",
        ["industry"] = "industry",
        ["created_at"] = "createdate",
    };

    private static readonly Dictionary<string, string> HubSpotOpportunityDefaults = new(StringComparer.Ordinal)
    {
        ["id"] = "hs_object_id",
        ["account"] = HubSpotDealCompanyField,
        ["owner"] = "hubspot_owner_id",
        ["stage"] = "dealstage",
        ["amount"] = "amount",
        ["is_closed"] = "hs_is_closed",
        ["is_won"] = "hs_is_closed_won",
        ["close_date"] = "closedate",
        ["loss_reason"] = "closed_lost_reason",
    };

    private CrmSchema(
        CrmKind crm,
        string personObject,
        Dictionary<string, string> person,
        Dictionary<string, string> account,
        Dictionary<string, string> opportunity,
        IReadOnlyList<string> stageFields)
    {
        Crm = crm;
        PersonObjectName = personObject;
        PersonFields = person;
        AccountFields = account;
        OpportunityFields = opportunity;
        StageFields = stageFields;
    }

    public CrmKind Crm { get; }

    /// <summary>Salesforce: <c>Lead</c> or <c>Contact</c>; HubSpot: <c>contacts</c>.</summary>
    public string PersonObjectName { get; }

    /// <summary>Canonical person field (<c>email</c>, <c>fields.intent</c>) to CRM field.</summary>
    public IReadOnlyDictionary<string, string> PersonFields { get; }

    public IReadOnlyDictionary<string, string> AccountFields { get; }

    public IReadOnlyDictionary<string, string> OpportunityFields { get; }

    /// <summary>The CRM fields the <c>stages</c> mapping reads and writes (<c>Status</c>; <c>lifecyclestage</c>, <c>hs_lead_status</c>).</summary>
    public IReadOnlyList<string> StageFields { get; }

    public string OwnerField => Crm == CrmKind.Salesforce ? "OwnerId" : "hubspot_owner_id";

    public string TaskKeyField => Crm == CrmKind.Salesforce ? SalesforceTaskKeyField : HubSpotTaskKeyProperty;

    /// <summary>The CRM's name for an object: sObject name for Salesforce, object type for HubSpot.</summary>
    public string ObjectName(CrmObject obj) => (Crm, obj) switch
    {
        (_, CrmObject.Person) => PersonObjectName,
        (CrmKind.Salesforce, CrmObject.Account) => "Account",
        (CrmKind.Salesforce, CrmObject.Opportunity) => "Opportunity",
        (CrmKind.Salesforce, CrmObject.Task) => "Task",
        (CrmKind.HubSpot, CrmObject.Account) => "companies",
        (CrmKind.HubSpot, CrmObject.Opportunity) => "deals",
        (CrmKind.HubSpot, CrmObject.Task) => "tasks",
        _ => throw new ArgumentOutOfRangeException(nameof(obj), obj, null),
    };

    /// <summary>
    /// The field incremental polls filter and sort on: <c>SystemModstamp</c> on Salesforce (it also moves on
    /// system changes); on HubSpot <c>lastmodifieddate</c> for contacts and <c>hs_lastmodifieddate</c> otherwise.
    /// </summary>
    public string ModifiedField(CrmObject obj) => Crm == CrmKind.Salesforce
        ? "SystemModstamp"
        : obj == CrmObject.Person ? "lastmodifieddate" : "hs_lastmodifieddate";

    /// <summary>The CRM fields to read for an object: every mapped field, the stage fields, the id and modification time.</summary>
    public IReadOnlyList<string> ReadFields(CrmObject obj)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        var map = obj switch
        {
            CrmObject.Person => PersonFields,
            CrmObject.Account => AccountFields,
            CrmObject.Opportunity => OpportunityFields,
            _ => TaskFields(),
        };
        set.UnionWith(map.Values);
        if (obj == CrmObject.Person)
        {
            set.UnionWith(StageFields);
        }

        if (Crm == CrmKind.Salesforce)
        {
            set.Add("Id");
        }
        else
        {
            set.Remove("hs_object_id");
        }

        set.Add(ModifiedField(obj));
        return [.. set];
    }

    private IReadOnlyDictionary<string, string> TaskFields() => Crm == CrmKind.Salesforce
        ? new Dictionary<string, string>
        {
            ["who"] = "WhoId", ["what"] = "WhatId", ["owner"] = "OwnerId", ["subject"] = "Subject",
            ["due"] = "ActivityDate", ["status"] = "Status", ["key"] = SalesforceTaskKeyField,
        }
        : new Dictionary<string, string>
        {
            ["owner"] = "hubspot_owner_id", ["subject"] = "hs_task_subject", ["due"] = "hs_timestamp",
            ["status"] = "hs_task_status", ["key"] = HubSpotTaskKeyProperty,
        };

    /// <summary>The schema with only the built-in defaults (Salesforce persons are Leads).</summary>
    /// <summary>The CRM field assumed for an unmapped custom field: the same name, with Salesforce's <c>__c</c> suffix there.</summary>
    public static string CustomFieldName(CrmKind crm, string name) =>
        crm == CrmKind.Salesforce && !name.EndsWith("__c", StringComparison.OrdinalIgnoreCase) ? name + "__c" : name;

    public static CrmSchema For(RuleSet rules, CrmKind crm)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var mapping = rules.Crms.FirstOrDefault(c => c.Crm == crm)
            ?? new CrmMapping { Crm = crm, PersonObject = crm == CrmKind.Salesforce ? "Lead" : null };
        return For(mapping, rules.CustomPersonFields, rules.CustomAccountFields);
    }

    public static CrmSchema Default(CrmKind crm) => For(new CrmMapping { Crm = crm, PersonObject = crm == CrmKind.Salesforce ? "Lead" : null });

    /// <summary>The defaults extended by one CRM's <c>crm:</c> mapping from the config (mapped fields win over same-name custom fields).</summary>
    public static CrmSchema For(CrmMapping mapping, IEnumerable<string>? customPersonFields = null, IEnumerable<string>? customAccountFields = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var salesforce = mapping.Crm == CrmKind.Salesforce;
        var personObject = salesforce ? mapping.PersonObject ?? "Lead" : "contacts";
        var person = new Dictionary<string, string>(salesforce ? SalesforcePersonDefaults : HubSpotPersonDefaults, StringComparer.Ordinal);
        if (salesforce && personObject == "Contact")
        {
            // Contacts have no Company/Status/LeadSource; their country lives in the mailing address.
            person.Remove("company");
            person["country"] = "MailingCountry";
            person["state"] = "MailingState";
            person["postal_code"] = "MailingPostalCode";
            person["source"] = "LeadSource";
        }

        // Section 14: fields.NAME needs no mapping; a CRM field of the same name is assumed. On Salesforce every custom
        // field's API name ends in __c, so NAME there means NAME__c.
        foreach (var name in customPersonFields ?? [])
        {
            person.TryAdd("fields." + name, CustomFieldName(mapping.Crm, name));
        }

        foreach (var (canonical, field) in mapping.Fields)
        {
            person[canonical] = field;
        }

        var account = new Dictionary<string, string>(salesforce ? SalesforceAccountDefaults : HubSpotAccountDefaults, StringComparer.Ordinal);
        foreach (var name in customAccountFields ?? [])
        {
            account.TryAdd("fields." + name, CustomFieldName(mapping.Crm, name));
        }

        var stageFields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, values) in mapping.Stages)
        {
            foreach (var (field, _) in values)
            {
                stageFields.Add(field);
            }
        }

        return new CrmSchema(
            mapping.Crm,
            personObject,
            person,
            account,
            new Dictionary<string, string>(salesforce ? SalesforceOpportunityDefaults : HubSpotOpportunityDefaults, StringComparer.Ordinal),
            [.. stageFields]);
    }
}
