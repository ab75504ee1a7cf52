namespace TheModel.Sync.Core.Records;

public enum FieldScope : byte
{
    Person,
    Account,
    Opportunity,
}

/// <summary>The type a field holds; predicates are checked against it when the config is compiled.</summary>
public enum FieldType : byte
{
    String,
    Number,
    Time,
    Bool,
    List,
    Stage,
    /// <summary>A custom field: its type is whatever the input gives.</summary>
    Dynamic,
}

public enum FieldId : byte
{
    Id,
    Crm,
    Email,
    FirstName,
    LastName,
    Title,
    Phone,
    Company,
    Domain,
    Website,
    Country,
    State,
    PostalCode,
    Employees,
    AnnualRevenue,
    Industry,
    Source,
    Stage,
    StageEnteredAt,
    RecycleReason,
    RecycleRule,
    RecheckAt,
    Owner,
    OwnerSetAt,
    OwnerSetBy,
    PreviousOwners,
    CreatedAt,
    UpdatedAt,
    LastTouchAt,
    Touches,
    Score,
    Fit,
    Engagement,
    Segment,
    Custom,

    // account.*
    AccountName,
    AccountType,
    AccountMatched,

    // opportunity.*
    OpportunityAccount,
    OpportunityStage,
    OpportunityAmount,
    OpportunityIsClosed,
    OpportunityIsWon,
    OpportunityCloseDate,
    OpportunityLossReason,
}

/// <summary>A reference to a canonical field as rules name it (<c>employees</c>, <c>account.type</c>, <c>fields.intent</c>).</summary>
public sealed record FieldRef(string Path, FieldScope Scope, FieldId Id, FieldType Type, string? CustomName = null)
{
    public override string ToString() => Path;
}

/// <summary>The catalogue of canonical field names (section 2), used to compile and check rules.</summary>
public static class CanonicalFields
{
    private static readonly Dictionary<string, FieldRef> ByPath = Build();

    public static IEnumerable<string> AllPaths => ByPath.Keys;

    /// <summary>Fields a <c>set:</c> may write (section 14), besides <c>fields.NAME</c>.</summary>
    public static IReadOnlyList<string> Settable { get; } = ["stage", "recycle_reason", "recheck_at"];

    /// <summary>Computed fields that segment conditions may not use (the segment is computed before the score).</summary>
    public static IReadOnlyList<string> ScoreFields { get; } = ["score", "fit", "engagement"];

    public static bool TryResolve(string path, out FieldRef field)
    {
        if (ByPath.TryGetValue(path, out field!))
        {
            return true;
        }

        foreach (var (prefix, scope) in CustomPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && IsCustomName(path.AsSpan(prefix.Length)))
            {
                field = new FieldRef(path, scope, FieldId.Custom, FieldType.Dynamic, path[prefix.Length..]);
                return true;
            }
        }

        field = null!;
        return false;
    }

    private static readonly (string Prefix, FieldScope Scope)[] CustomPrefixes =
    [
        ("fields.", FieldScope.Person),
        ("person.fields.", FieldScope.Person),
        ("account.fields.", FieldScope.Account),
    ];

    private static bool IsCustomName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, FieldRef> Build()
    {
        var d = new Dictionary<string, FieldRef>(StringComparer.Ordinal);

        void P(string name, FieldId id, FieldType type)
        {
            d[name] = new FieldRef(name, FieldScope.Person, id, type);
            d["person." + name] = new FieldRef("person." + name, FieldScope.Person, id, type);
        }

        void A(string name, FieldId id, FieldType type) =>
            d["account." + name] = new FieldRef("account." + name, FieldScope.Account, id, type);

        void O(string name, FieldId id, FieldType type) =>
            d["opportunity." + name] = new FieldRef("opportunity." + name, FieldScope.Opportunity, id, type);

        P("id", FieldId.Id, FieldType.String);
        P("crm", FieldId.Crm, FieldType.String);
        P("email", FieldId.Email, FieldType.String);
        P("first_name", FieldId.FirstName, FieldType.String);
        P("last_name", FieldId.LastName, FieldType.String);
        P("title", FieldId.Title, FieldType.String);
        P("phone", FieldId.Phone, FieldType.String);
        P("company", FieldId.Company, FieldType.String);
        P("domain", FieldId.Domain, FieldType.String);
        P("website", FieldId.Website, FieldType.String);
        P("country", FieldId.Country, FieldType.String);
        P("state", FieldId.State, FieldType.String);
        P("postal_code", FieldId.PostalCode, FieldType.String);
        P("employees", FieldId.Employees, FieldType.Number);
        P("annual_revenue", FieldId.AnnualRevenue, FieldType.Number);
        P("industry", FieldId.Industry, FieldType.String);
        P("source", FieldId.Source, FieldType.String);
        P("stage", FieldId.Stage, FieldType.Stage);
        P("stage_entered_at", FieldId.StageEnteredAt, FieldType.Time);
        P("recycle_reason", FieldId.RecycleReason, FieldType.String);
        P("recycle_rule", FieldId.RecycleRule, FieldType.String);
        P("recheck_at", FieldId.RecheckAt, FieldType.Time);
        P("owner", FieldId.Owner, FieldType.String);
        P("owner_set_at", FieldId.OwnerSetAt, FieldType.Time);
        P("owner_set_by", FieldId.OwnerSetBy, FieldType.String);
        P("previous_owners", FieldId.PreviousOwners, FieldType.List);
        P("created_at", FieldId.CreatedAt, FieldType.Time);
        P("updated_at", FieldId.UpdatedAt, FieldType.Time);
        P("last_touch_at", FieldId.LastTouchAt, FieldType.Time);
        P("touches", FieldId.Touches, FieldType.Number);
        P("score", FieldId.Score, FieldType.Number);
        P("fit", FieldId.Fit, FieldType.Number);
        P("engagement", FieldId.Engagement, FieldType.Number);
        P("segment", FieldId.Segment, FieldType.String);

        A("id", FieldId.Id, FieldType.String);
        A("name", FieldId.AccountName, FieldType.String);
        A("domain", FieldId.Domain, FieldType.String);
        A("website", FieldId.Website, FieldType.String);
        A("owner", FieldId.Owner, FieldType.String);
        A("type", FieldId.AccountType, FieldType.String);
        A("employees", FieldId.Employees, FieldType.Number);
        A("annual_revenue", FieldId.AnnualRevenue, FieldType.Number);
        A("country", FieldId.Country, FieldType.String);
        A("industry", FieldId.Industry, FieldType.String);
        A("created_at", FieldId.CreatedAt, FieldType.Time);
        A("matched", FieldId.AccountMatched, FieldType.Bool);

        O("id", FieldId.Id, FieldType.String);
        O("account", FieldId.OpportunityAccount, FieldType.String);
        O("owner", FieldId.Owner, FieldType.String);
        O("stage", FieldId.OpportunityStage, FieldType.String);
        O("amount", FieldId.OpportunityAmount, FieldType.Number);
        O("is_closed", FieldId.OpportunityIsClosed, FieldType.Bool);
        O("is_won", FieldId.OpportunityIsWon, FieldType.Bool);
        O("close_date", FieldId.OpportunityCloseDate, FieldType.Time);
        O("loss_reason", FieldId.OpportunityLossReason, FieldType.String);
        return d;
    }
}
