namespace TheModel.Sync.Config;

/// <summary>
/// The keys each kind of mapping in the routing YAML allows. The compiler's unknown-key check reads these lists and
/// nothing else, so that the JSON Schema can be tested against the same source.
/// </summary>
public static class KnownKeys
{
    public static IReadOnlyList<string> TopLevel { get; } =
        ["version", "crm", "calendars", "teams", "lists", "matching", "segments", "scoring", "routing", "sla", "recycle", "report", "tests"];

    public static IReadOnlyList<string> Crm { get; } = ["salesforce", "hubspot"];

    public static IReadOnlyList<string> CrmSalesforce { get; } = ["person_object", "stages", "fields", "queues"];

    public static IReadOnlyList<string> CrmHubSpot { get; } = ["stages", "fields", "queues"];

    public static IReadOnlyList<string> Calendar { get; } = ["tz", "hours", "holidays"];

    public static IReadOnlyList<string> Team { get; } = ["id", "role", "works", "calendar", "members"];

    public static IReadOnlyList<string> Member { get; } =
        ["id", "salesforce", "hubspot", "weight", "max_open", "away", "active", "calendar"];

    public static IReadOnlyList<string> ListDef { get; } = ["domains", "values", "file", "builtin"];

    public static IReadOnlyList<string> Matching { get; } = ["strategies", "ignore_domains", "company_name", "tie_break"];

    public static IReadOnlyList<string> MatchingCompanyName { get; } = ["min_similarity"];

    public static IReadOnlyList<string> Segment { get; } = ["id", "when"];

    public static IReadOnlyList<string> Scoring { get; } = ["fit", "engagement", "mql"];

    /// <summary>An engagement rule; a fit rule allows the same keys but <c>decay</c> (see <see cref="FitRule"/>).</summary>
    public static IReadOnlyList<string> ScoreRule { get; } = ["id", "when", "points", "decay"];

    /// <summary>Fit points do not decay (section 6 applies decay to engagement only).</summary>
    public static IReadOnlyList<string> FitRule { get; } = ["id", "when", "points"];

    public static IReadOnlyList<string> Decay { get; } = ["from", "half_life"];

    public static IReadOnlyList<string> Mql { get; } = ["when"];

    public static IReadOnlyList<string> RoutingRule { get; } = ["id", "when", "assign", "set", "override"];

    public static IReadOnlyList<string> Assign { get; } = ["to", "queue", "team", "strategy", "then", "hours", "exclude"];

    public static IReadOnlyList<string> Sla { get; } = ["id", "applies", "met_when", "within", "clock", "on_breach"];

    public static IReadOnlyList<string> SlaBreach { get; } = ["task", "reassign"];

    public static IReadOnlyList<string> Task { get; } = ["owner", "subject", "due"];

    public static IReadOnlyList<string> Reassign { get; } = ["exclude", "max"];

    public static IReadOnlyList<string> Recycle { get; } = ["id", "on", "when", "set", "recheck_after", "on_recheck"];

    public static IReadOnlyList<string> OnRecheck { get; } = ["set", "task"];

    /// <summary>The funnel report's settings; <c>benchmarks</c> is keyed by stage pairs (FROM-&gt;TO), not by fixed keys.</summary>
    public static IReadOnlyList<string> Report { get; } = ["period", "benchmarks"];

    public static IReadOnlyList<string> Test { get; } = ["name", "at", "person", "accounts", "expect"];

    /// <summary>
    /// A test person: the canonical person fields an input may carry, <c>fields</c> for custom fields and <c>account</c>
    /// for an account id. Unknown names are reported as unknown fields (TM0025), not unknown keys.
    /// </summary>
    public static IReadOnlyList<string> TestPerson { get; } =
    [
        "id", "crm", "email", "first_name", "last_name", "title", "phone", "company", "domain", "website", "country",
        "state", "postal_code", "employees", "annual_revenue", "industry", "source", "stage", "stage_entered_at",
        "recycle_reason", "recycle_rule", "recheck_at", "owner", "owner_set_at", "owner_set_by", "previous_owners",
        "created_at", "updated_at", "last_touch_at", "touches", "account", "fields",
    ];

    public static IReadOnlyList<string> TestAccount { get; } =
        ["id", "name", "domain", "website", "owner", "type", "employees", "annual_revenue", "country", "industry", "created_at", "fields"];

    public static IReadOnlyList<string> TestExpect { get; } =
    [
        "outcome", "rule", "owner", "team", "stage", "segment", "score", "fit", "engagement", "account", "account.matched",
        "because", "recycle_reason", "recheck_at",
    ];
}
