using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// A custom field (<c>fields.NAME</c>) as RulesEngine expressions read it. Custom fields have no static type (the
/// input decides), so each one is precomputed into the views the language's loose comparisons need.
/// </summary>
public sealed class FieldView
{
    public const int MissingKind = 0;
    public const int StringKind = 1;
    public const int NumberKind = 2;
    public const int BoolKind = 3;
    public const int TimeKind = 4;
    public const int ListKind = 5;

    public static FieldView Missing { get; } = new();

    /// <summary>Which kind of value the person has (0 = missing).</summary>
    public int K { get; init; }

    /// <summary>The value as text (a string as is, anything else formatted as the language prints it).</summary>
    public string? Raw { get; init; }

    /// <summary><see cref="Raw"/> upper-cased (invariant), for case-insensitive comparisons with ordinal operators.</summary>
    public string? S { get; init; }

    /// <summary>The value as a number: numbers, numeric strings, booleans as 1/0.</summary>
    public double? N { get; init; }

    /// <summary>The value as an instant (UTC ticks): instants and ISO 8601 strings.</summary>
    public long? T { get; init; }

    /// <summary>The value as a boolean: booleans and "true"/"false" strings.</summary>
    public bool? B { get; init; }

    public string[]? Items { get; init; }

    public string[]? RawItems { get; init; }

    public static FieldView From(Value v)
    {
        if (v.IsMissing)
        {
            return Missing;
        }

        var raw = v.Kind == ValueKind.String ? v.AsString : v.ToString();
        var kind = v.Kind switch
        {
            ValueKind.String => StringKind,
            ValueKind.Number => NumberKind,
            ValueKind.Bool => BoolKind,
            ValueKind.Time => TimeKind,
            _ => ListKind,
        };
        return new FieldView
        {
            K = kind,
            Raw = raw,
            S = raw.ToUpperInvariant(),
            N = kind is StringKind or NumberKind or BoolKind && v.TryNumber(out var n) ? n : null,
            T = kind is StringKind or TimeKind && v.TryTicks(out var t) ? t : null,
            B = kind is StringKind or BoolKind && v.TryBool(out var b) ? b : null,
            RawItems = kind == ListKind ? [.. v.AsList] : null,
            Items = kind == ListKind ? [.. v.AsList.Select(s => s.ToUpperInvariant())] : null,
        };
    }
}

/// <summary>
/// The flat input a RulesEngine user would hand to <c>ExecuteAllRulesAsync</c>: the person after matching (derived
/// domain, matched account, resolved owner) with typed properties. Strings come twice: as given (for <c>matches</c>,
/// <c>in_list</c>) and upper-cased (so that case-insensitive equality is a plain <c>==</c>). Numbers are
/// <c>double?</c>, instants UTC ticks (<c>long?</c>); null means missing. The fields the evaluation itself computes
/// (segment, fit, engagement, score) and changes (stage, recycle fields) are written by the glue between workflows.
/// </summary>
public sealed class RoutingInput
{
    // person.*
    public string? Id { get; set; }
    public string? IdU { get; set; }
    public string? Crm { get; set; }
    public string? CrmU { get; set; }
    public string? Email { get; set; }
    public string? EmailU { get; set; }
    public string? FirstName { get; set; }
    public string? FirstNameU { get; set; }
    public string? LastName { get; set; }
    public string? LastNameU { get; set; }
    public string? Title { get; set; }
    public string? TitleU { get; set; }
    public string? Phone { get; set; }
    public string? PhoneU { get; set; }
    public string? Company { get; set; }
    public string? CompanyU { get; set; }
    public string? Domain { get; set; }
    public string? DomainU { get; set; }
    public string? Website { get; set; }
    public string? WebsiteU { get; set; }
    public string? Country { get; set; }
    public string? CountryU { get; set; }
    public string? State { get; set; }
    public string? StateU { get; set; }
    public string? PostalCode { get; set; }
    public string? PostalCodeU { get; set; }
    public double? Employees { get; set; }
    public double? AnnualRevenue { get; set; }
    public string? Industry { get; set; }
    public string? IndustryU { get; set; }
    public string? Source { get; set; }
    public string? SourceU { get; set; }
    public string? Stage { get; set; }
    public string? StageU { get; set; }
    public long? StageEnteredAt { get; set; }
    public string? RecycleReason { get; set; }
    public string? RecycleReasonU { get; set; }
    public string? RecycleRule { get; set; }
    public string? RecycleRuleU { get; set; }
    public long? RecheckAt { get; set; }
    public string? Owner { get; set; }
    public string? OwnerU { get; set; }
    public long? OwnerSetAt { get; set; }
    public string? OwnerSetBy { get; set; }
    public string? OwnerSetByU { get; set; }
    public string[]? PreviousOwners { get; set; }
    public string[]? PreviousOwnersU { get; set; }
    public long? CreatedAt { get; set; }
    public long? UpdatedAt { get; set; }
    public long? LastTouchAt { get; set; }
    public double? Touches { get; set; }
    public double? Score { get; set; }
    public double? Fit { get; set; }
    public double? Engagement { get; set; }
    public string? Segment { get; set; }
    public string? SegmentU { get; set; }

    // account.*
    public string? AccountId { get; set; }
    public string? AccountIdU { get; set; }
    public string? AccountName { get; set; }
    public string? AccountNameU { get; set; }
    public string? AccountDomain { get; set; }
    public string? AccountDomainU { get; set; }
    public string? AccountWebsite { get; set; }
    public string? AccountWebsiteU { get; set; }
    public string? AccountOwner { get; set; }
    public string? AccountOwnerU { get; set; }
    public string? AccountType { get; set; }
    public string? AccountTypeU { get; set; }
    public double? AccountEmployees { get; set; }
    public double? AccountAnnualRevenue { get; set; }
    public string? AccountCountry { get; set; }
    public string? AccountCountryU { get; set; }
    public string? AccountIndustry { get; set; }
    public string? AccountIndustryU { get; set; }
    public long? AccountCreatedAt { get; set; }
    public bool? AccountMatched { get; set; }

    /// <summary>The person's custom fields the rules name, one slot each (see <see cref="InputBuilder"/>).</summary>
    public FieldView[] C { get; set; } = [];

    /// <summary>The account's custom fields the rules name.</summary>
    public FieldView[] AC { get; set; } = [];

    /// <summary>The evaluation time T in UTC ticks (for <c>older_than</c> / <c>newer_than</c>).</summary>
    public long AtTicks { get; set; }

    // ---- glue state: not read by expressions ----

    /// <summary>Engagement decay factors per engagement rule, computed outside (RulesEngine evaluates conditions only).</summary>
    internal double[] Decay { get; set; } = [];

    /// <summary>A routing trigger that holds whatever the evaluation changes (no owner, queue, external, inactive).</summary>
    internal bool OwnerTrigger { get; set; }

    internal bool OwnerIsMember { get; set; }

    internal InitialState Initial { get; set; }

    internal readonly record struct InitialState(
        string? Stage, string? StageU, long? StageEnteredAt, string? RecycleReason, string? RecycleReasonU,
        string? RecycleRule, string? RecycleRuleU, long? RecheckAt);

    /// <summary>Puts back what the glue changes, so that every pass starts from the input as read.</summary>
    internal void Reset()
    {
        var i = Initial;
        Stage = i.Stage;
        StageU = i.StageU;
        StageEnteredAt = i.StageEnteredAt;
        RecycleReason = i.RecycleReason;
        RecycleReasonU = i.RecycleReasonU;
        RecycleRule = i.RecycleRule;
        RecycleRuleU = i.RecycleRuleU;
        RecheckAt = i.RecheckAt;
        Segment = null;
        SegmentU = null;
        Score = null;
        Fit = null;
        Engagement = null;
    }
}
