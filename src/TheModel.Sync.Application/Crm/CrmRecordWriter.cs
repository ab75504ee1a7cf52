using System.Globalization;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Crm;

/// <summary>
/// Canonical records as CRM field values: the inverse of <see cref="CrmRecordMapper"/>, used to seed the simulated
/// CRMs from <c>generate</c> output (owners become the members' and queues' CRM ids, stages the mapped values).
/// </summary>
public static class CrmRecordWriter
{
    public static Dictionary<string, string?> Person(Person person, CrmSchema schema, CrmMapping? mapping, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rules);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Put(string canonical, string? value)
        {
            if (value is not null && canonical != "id" && schema.PersonFields.TryGetValue(canonical, out var field) && !IsSystemField(schema.Crm, field))
            {
                fields[field] = value;
            }
        }

        Put("email", person.Email);
        Put("first_name", person.FirstName);
        Put("last_name", person.LastName ?? (schema.Crm == CrmKind.Salesforce ? "(unknown)" : null));
        Put("title", person.Title);
        Put("phone", person.Phone);
        Put("company", person.Company ?? (schema.Crm == CrmKind.Salesforce && schema.PersonObjectName == "Lead" ? "(unknown)" : null));
        Put("website", person.Website);
        Put("country", person.Country);
        Put("state", person.State);
        Put("postal_code", person.PostalCode);
        Put("employees", Number(person.Employees));
        Put("annual_revenue", Number(person.AnnualRevenue));
        Put("industry", person.Industry);
        Put("source", person.Source);
        Put("owner", OwnerId(person.Owner, schema.Crm, rules));
        Put("stage_entered_at", Time(person.StageEnteredAt));
        Put("recycle_reason", person.RecycleReason);
        Put("recycle_rule", person.RecycleRule);
        Put("recheck_at", Time(person.RecheckAt));
        Put("owner_set_at", Time(person.OwnerSetAt));
        Put("last_touch_at", Time(person.LastTouchAt));
        Put("touches", Number(person.Touches));
        if (person.Fields is { } custom)
        {
            // Only the custom fields the config reads or maps: others have no field in the CRM.
            foreach (var (name, value) in custom)
            {
                if (schema.PersonFields.TryGetValue("fields." + name, out var field))
                {
                    fields[field] = CrmWritePlanner.Format(value);
                }
            }
        }

        var stage = person.Stage ?? Stage.New;
        var values = mapping?.Stages.FirstOrDefault(s => s.Stage == stage).Values
            ?? mapping?.Stages.FirstOrDefault(s => s.Stage == Stage.New).Values;
        foreach (var (field, value) in values ?? [])
        {
            fields[field] = value;
        }

        return fields;
    }

    public static Dictionary<string, string?> Account(Account account, CrmSchema schema, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(schema);
        var hubspot = schema.Crm == CrmKind.HubSpot;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Put(string canonical, string? value)
        {
            if (value is not null && canonical != "id" && schema.AccountFields.TryGetValue(canonical, out var field) && !IsSystemField(schema.Crm, field))
            {
                fields[field] = value;
            }
        }

        Put("name", account.Name ?? "(unnamed)");
        Put("domain", account.Domain);
        Put("website", account.Website ?? (account.Domain is { } d && !hubspot ? "https://" + d : null));
        Put("owner", OwnerId(account.Owner, schema.Crm, rules));
        Put("employees", Number(account.Employees));
        Put("annual_revenue", Number(account.AnnualRevenue));
        Put("country", account.Country);
        Put("industry", account.Industry);
        switch (account.Type)
        {
            case "customer":
                Put("type", hubspot ? null : "Customer - Direct");
                if (hubspot)
                {
                    fields["lifecyclestage"] = "customer";
                }

                break;
            case "former_customer":
                Put("type", hubspot ? "OTHER" : "Former Customer");
                break;
            case "partner":
                Put("type", hubspot ? "PARTNER" : "Channel Partner / Reseller");
                break;
            case "prospect":
                Put("type", hubspot ? "PROSPECT" : "Prospect");
                break;
        }

        return fields;
    }

    /// <param name="accountCrmId">The account's id in the CRM (Salesforce AccountId; HubSpot associates instead).</param>
    public static Dictionary<string, string?> Opportunity(Opportunity opportunity, CrmSchema schema, RuleSet rules, string? accountCrmId)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        ArgumentNullException.ThrowIfNull(schema);
        var hubspot = schema.Crm == CrmKind.HubSpot;
        var closed = opportunity.IsClosed == true;
        var won = closed && opportunity.IsWon == true;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [hubspot ? "dealname" : "Name"] = $"Opportunity {opportunity.Id}",
            [hubspot ? "dealstage" : "StageName"] = hubspot
                ? (won ? "closedwon" : closed ? "closedlost" : "qualifiedtobuy")
                : (won ? "Closed Won" : closed ? "Closed Lost" : opportunity.Stage ?? "Prospecting"),
            [hubspot ? "closedate" : "CloseDate"] = opportunity.CloseDate is { } c
                ? (hubspot ? CrmWritePlanner.FormatTime(c) : c.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                : null,
        };
        if (hubspot)
        {
            fields["pipeline"] = "default";
        }

        if (Number(opportunity.Amount) is { } amount)
        {
            fields[schema.OpportunityFields["amount"]] = amount;
        }

        if (OwnerId(opportunity.Owner, schema.Crm, rules) is { } owner)
        {
            fields[schema.OpportunityFields["owner"]] = owner;
        }

        if (opportunity.LossReason is { } reason && closed && !won)
        {
            fields[schema.OpportunityFields["loss_reason"]] = reason;
        }

        if (!hubspot && accountCrmId is not null)
        {
            fields["AccountId"] = accountCrmId;
        }

        return fields;
    }

    /// <summary>A member id, queue key or CRM id as the CRM's owner id; null when it has none in that CRM.</summary>
    public static string? OwnerId(string? owner, CrmKind crm, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var resolved = rules.ResolveOwner(owner);
        return resolved.Kind switch
        {
            OwnerKind.Member => crm == CrmKind.Salesforce ? resolved.Member!.SalesforceId : resolved.Member!.HubSpotId,
            OwnerKind.Queue => crm == CrmKind.Salesforce ? resolved.Queue!.SalesforceId : resolved.Queue!.HubSpotId,
            _ => null,
        };
    }

    /// <summary>Fields the CRM sets itself and refuses on write (ids, system timestamps).</summary>
    private static bool IsSystemField(CrmKind crm, string field) => crm == CrmKind.Salesforce
        ? field is "Id" or "CreatedDate" or "SystemModstamp" or "LastModifiedDate" or "IsConverted"
        : field is "hs_object_id" or "createdate" or "lastmodifieddate" or "hs_lastmodifieddate";

    private static string? Number(double? n) => n?.ToString("0.##########", CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? t) => t is { } v ? CrmWritePlanner.FormatTime(v) : null;
}
