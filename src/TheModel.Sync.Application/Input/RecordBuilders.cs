using System.Globalization;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Input;

/// <summary>
/// Turns input records into canonical records, checking each value against its field (section 2 and 13).
/// Unknown keys are errors, so that a misspelt column is not silently ignored.
/// </summary>
public static class RecordBuilders
{
    /// <summary>Keys a person record may carry: the canonical person fields, <c>account</c> and <c>fields</c>.</summary>
    public static IReadOnlyList<string> PersonKeys { get; } =
    [
        "id", "crm", "email", "first_name", "last_name", "title", "phone", "company", "domain", "website", "country",
        "state", "postal_code", "employees", "annual_revenue", "industry", "source", "stage", "stage_entered_at",
        "recycle_reason", "recycle_rule", "recheck_at", "owner", "owner_set_at", "owner_set_by", "previous_owners",
        "created_at", "updated_at", "last_touch_at", "touches", "score", "fit", "engagement", "segment", "account", "fields",
    ];

    public static IReadOnlyList<string> AccountKeys { get; } =
        ["id", "name", "domain", "website", "owner", "type", "employees", "annual_revenue", "country", "industry", "created_at", "fields"];

    public static IReadOnlyList<string> OpportunityKeys { get; } =
        ["id", "account", "owner", "stage", "amount", "is_closed", "is_won", "close_date", "loss_reason"];

    public static bool TryPerson(IReadOnlyList<KeyValuePair<string, RawValue>> values, out Person? person, out string? error)
    {
        person = null;
        string? id = null, crm = null, email = null, firstName = null, lastName = null, title = null, phone = null,
            company = null, domain = null, website = null, country = null, state = null, postalCode = null, industry = null,
            source = null, recycleReason = null, recycleRule = null, owner = null, ownerSetBy = null, account = null;
        double? employees = null, revenue = null, touches = null;
        Stage? stage = null;
        DateTimeOffset? stageEnteredAt = null, recheckAt = null, ownerSetAt = null, createdAt = null, updatedAt = null, lastTouchAt = null;
        IReadOnlyList<string>? previousOwners = null;
        Dictionary<string, Value>? fields = null;

        foreach (var (key, v) in values)
        {
            if (v.IsNull)
            {
                continue;
            }

            var ok = key switch
            {
                "id" => Text(key, v, out id, out error),
                "crm" => Text(key, v, out crm, out error),
                "email" => Text(key, v, out email, out error),
                "first_name" => Text(key, v, out firstName, out error),
                "last_name" => Text(key, v, out lastName, out error),
                "title" => Text(key, v, out title, out error),
                "phone" => Text(key, v, out phone, out error),
                "company" => Text(key, v, out company, out error),
                "domain" => Text(key, v, out domain, out error),
                "website" => Text(key, v, out website, out error),
                "country" => Text(key, v, out country, out error),
                "state" => Text(key, v, out state, out error),
                "postal_code" => Text(key, v, out postalCode, out error),
                "employees" => Integer(key, v, out employees, out error),
                "annual_revenue" => Number(key, v, out revenue, out error),
                "industry" => Text(key, v, out industry, out error),
                "source" => Text(key, v, out source, out error),
                "stage" => StageOf(v, out stage, out error),
                "stage_entered_at" => Time(key, v, out stageEnteredAt, out error),
                "recycle_reason" => Text(key, v, out recycleReason, out error),
                "recycle_rule" => Text(key, v, out recycleRule, out error),
                "recheck_at" => Time(key, v, out recheckAt, out error),
                "owner" => Text(key, v, out owner, out error),
                "owner_set_at" => Time(key, v, out ownerSetAt, out error),
                "owner_set_by" => Text(key, v, out ownerSetBy, out error),
                "previous_owners" => List(key, v, out previousOwners, out error),
                "created_at" => Time(key, v, out createdAt, out error),
                "updated_at" => Time(key, v, out updatedAt, out error),
                "last_touch_at" => Time(key, v, out lastTouchAt, out error),
                "touches" => Integer(key, v, out touches, out error),
                "account" => Text(key, v, out account, out error),
                // Computed by the evaluation; an input may carry the CRM's old values, which are recomputed.
                "score" or "fit" or "engagement" or "segment" => NoError(out error),
                "fields" => Fields(v, ref fields, out error),
                _ when key.StartsWith("fields.", StringComparison.Ordinal) && key.Length > 7 => Field(key[7..], v, ref fields, out error),
                _ => Unknown(key, PersonKeys, out error),
            };
            if (!ok)
            {
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            error = "id is required";
            return false;
        }

        person = new Person
        {
            Id = id,
            Crm = crm,
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            Title = title,
            Phone = phone,
            Company = company,
            Domain = domain,
            Website = website,
            Country = country,
            State = state,
            PostalCode = postalCode,
            Employees = employees,
            AnnualRevenue = revenue,
            Industry = industry,
            Source = source,
            Stage = stage,
            StageEnteredAt = stageEnteredAt,
            RecycleReason = recycleReason,
            RecycleRule = recycleRule,
            RecheckAt = recheckAt,
            Owner = owner,
            OwnerSetAt = ownerSetAt,
            OwnerSetBy = ownerSetBy,
            PreviousOwners = previousOwners,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
            LastTouchAt = lastTouchAt,
            Touches = touches,
            AccountId = account,
            Fields = fields,
        };
        error = null;
        return true;
    }

    public static bool TryAccount(IReadOnlyList<KeyValuePair<string, RawValue>> values, out Account? account, out string? error)
    {
        account = null;
        string? id = null, name = null, domain = null, website = null, owner = null, type = null, country = null, industry = null;
        double? employees = null, revenue = null;
        DateTimeOffset? createdAt = null;
        Dictionary<string, Value>? fields = null;
        foreach (var (key, v) in values)
        {
            if (v.IsNull)
            {
                continue;
            }

            var ok = key switch
            {
                "id" => Text(key, v, out id, out error),
                "name" => Text(key, v, out name, out error),
                "domain" => Text(key, v, out domain, out error),
                "website" => Text(key, v, out website, out error),
                "owner" => Text(key, v, out owner, out error),
                "type" => AccountType(v, out type, out error),
                "employees" => Integer(key, v, out employees, out error),
                "annual_revenue" => Number(key, v, out revenue, out error),
                "country" => Text(key, v, out country, out error),
                "industry" => Text(key, v, out industry, out error),
                "created_at" => Time(key, v, out createdAt, out error),
                "fields" => Fields(v, ref fields, out error),
                _ when key.StartsWith("fields.", StringComparison.Ordinal) && key.Length > 7 => Field(key[7..], v, ref fields, out error),
                _ => Unknown(key, AccountKeys, out error),
            };
            if (!ok)
            {
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            error = "id is required";
            return false;
        }

        account = new Account
        {
            Id = id,
            Name = name,
            Domain = domain,
            Website = website,
            Owner = owner,
            Type = type,
            Employees = employees,
            AnnualRevenue = revenue,
            Country = country,
            Industry = industry,
            CreatedAt = createdAt,
            Fields = fields,
        };
        error = null;
        return true;
    }

    public static bool TryOpportunity(IReadOnlyList<KeyValuePair<string, RawValue>> values, out Opportunity? opportunity, out string? error)
    {
        opportunity = null;
        string? id = null, account = null, owner = null, stage = null, lossReason = null;
        double? amount = null;
        bool? isClosed = null, isWon = null;
        DateTimeOffset? closeDate = null;
        foreach (var (key, v) in values)
        {
            if (v.IsNull)
            {
                continue;
            }

            var ok = key switch
            {
                "id" => Text(key, v, out id, out error),
                "account" => Text(key, v, out account, out error),
                "owner" => Text(key, v, out owner, out error),
                "stage" => Text(key, v, out stage, out error),
                "amount" => Number(key, v, out amount, out error),
                "is_closed" => Bool(key, v, out isClosed, out error),
                "is_won" => Bool(key, v, out isWon, out error),
                "close_date" => Time(key, v, out closeDate, out error),
                "loss_reason" => Text(key, v, out lossReason, out error),
                _ => Unknown(key, OpportunityKeys, out error),
            };
            if (!ok)
            {
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            error = "id is required";
            return false;
        }

        opportunity = new Opportunity
        {
            Id = id,
            Account = account,
            Owner = owner,
            Stage = stage,
            Amount = amount,
            IsClosed = isClosed,
            IsWon = isWon,
            CloseDate = closeDate,
            LossReason = lossReason,
        };
        error = null;
        return true;
    }

    private static bool NoError(out string? error)
    {
        error = null;
        return true;
    }

    private static bool Text(string key, in RawValue v, out string? value, out string? error)
    {
        error = null;
        if (v.Kind is RawKind.String or RawKind.Number or RawKind.Bool)
        {
            value = v.Text;
            return true;
        }

        value = null;
        error = $"{key}: expected a text value, got {v.Describe()}";
        return false;
    }

    private static bool Number(string key, in RawValue v, out double? value, out string? error)
    {
        error = null;
        value = null;
        if (v.Kind == RawKind.Number && double.IsFinite(v.Number))
        {
            value = v.Number;
            return true;
        }

        // "NaN", "Infinity" and 1e400 parse as doubles but are no amount: NaN would compare false with everything.
        if (v.Kind == RawKind.String && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            value = n;
            return true;
        }

        var numeric = v.Kind == RawKind.Number || (v.Kind == RawKind.String && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        error = numeric ? $"{key}: {v.Describe()} is not a finite number" : $"{key}: {v.Describe()} is not a number";
        return false;
    }

    /// <summary>The largest integer a double holds exactly: an integer field beyond it is refused (both readers).</summary>
    internal const double MaxExactInteger = 9_007_199_254_740_992;

    /// <summary>A number that section 2 types as an integer (<c>employees</c>, <c>touches</c>): 1.5 is refused.</summary>
    private static bool Integer(string key, in RawValue v, out double? value, out string? error)
    {
        if (!Number(key, v, out value, out error))
        {
            return false;
        }

        if (value is { } n && (n != Math.Floor(n) || Math.Abs(n) > MaxExactInteger))
        {
            value = null;
            error = $"{key}: {v.Describe()} is not an integer";
            return false;
        }

        return true;
    }

    private static bool Bool(string key, in RawValue v, out bool? value, out string? error)
    {
        error = null;
        value = null;
        if (v.Kind == RawKind.Bool)
        {
            value = v.Number != 0;
            return true;
        }

        if (v.Kind == RawKind.String && bool.TryParse(v.Text, out var b))
        {
            value = b;
            return true;
        }

        error = $"{key}: {v.Describe()} is not true or false";
        return false;
    }

    private static bool Time(string key, in RawValue v, out DateTimeOffset? value, out string? error)
    {
        error = null;
        value = null;
        if (v.Kind == RawKind.String && Timestamps.TryParse(v.Text, out var t))
        {
            value = t;
            return true;
        }

        error = $"{key}: {v.Describe()} is not an ISO 8601 timestamp with an offset (e.g. 2026-11-30T10:00:00+09:00)";
        return false;
    }

    private static bool StageOf(in RawValue v, out Stage? stage, out string? error)
    {
        error = null;
        stage = null;
        if (v.Kind == RawKind.String && Stages.TryParse(v.Text, out var s))
        {
            stage = s;
            return true;
        }

        error = $"stage: {v.Describe()} is not a stage; stages are {string.Join(", ", Stages.AllNames)}";
        return false;
    }

    private static bool AccountType(in RawValue v, out string? type, out string? error)
    {
        error = null;
        type = v.Text;
        if (v.Kind == RawKind.String && Account.Types.Contains(v.Text!, StringComparer.OrdinalIgnoreCase))
        {
            type = v.Text!.ToLowerInvariant();
            return true;
        }

        error = $"type: {v.Describe()} is not an account type; types are {string.Join(", ", Account.Types)}";
        return false;
    }

    private static bool List(string key, in RawValue v, out IReadOnlyList<string>? list, out string? error)
    {
        error = null;
        list = null;
        if (v.Kind == RawKind.Array)
        {
            var items = new List<string>(v.Items!.Count);
            foreach (var item in v.Items!)
            {
                if (item.Kind is RawKind.String or RawKind.Number)
                {
                    items.Add(item.Text!);
                }
                else if (item.Kind != RawKind.Null)
                {
                    error = $"{key}: expected a list of ids, found {item.Describe()}";
                    return false;
                }
            }

            list = items;
            return true;
        }

        if (v.Kind == RawKind.String)
        {
            // CSV cells hold lists separated by semicolons.
            list = v.Text!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return true;
        }

        error = $"{key}: expected a list of ids, got {v.Describe()}";
        return false;
    }

    private static bool Fields(in RawValue v, ref Dictionary<string, Value>? fields, out string? error)
    {
        error = null;
        if (v.Kind != RawKind.Object)
        {
            error = $"fields: expected an object of custom fields, got {v.Describe()}";
            return false;
        }

        foreach (var (name, item) in v.Properties!)
        {
            if (!Field(name, item, ref fields, out error))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Field(string name, in RawValue v, ref Dictionary<string, Value>? fields, out string? error)
    {
        error = null;
        Value value;
        switch (v.Kind)
        {
            case RawKind.Null:
                return true;
            case RawKind.String:
                if (v.Text!.Length == 0)
                {
                    return true;
                }

                value = Value.Of(v.Text);
                break;
            case RawKind.Number:
                value = Value.Of(v.Number);
                break;
            case RawKind.Bool:
                value = Value.Of(v.Number != 0);
                break;
            case RawKind.Array:
                var items = new List<string>();
                foreach (var item in v.Items!)
                {
                    if (item.Text is { } t)
                    {
                        items.Add(t);
                    }
                }

                value = Value.Of(items);
                break;
            default:
                error = $"fields.{name}: nested objects are not supported";
                return false;
        }

        fields ??= new Dictionary<string, Value>(StringComparer.Ordinal);
        fields[name] = value;
        return true;
    }

    private static bool Unknown(string key, IReadOnlyList<string> known, out string? error)
    {
        var hint = NameSuggestions.Closest(key, known);
        error = hint is null ? $"unknown field '{key}'" : $"unknown field '{key}'; did you mean '{hint}'?";
        return false;
    }
}
