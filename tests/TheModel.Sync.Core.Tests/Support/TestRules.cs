using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Tests.Support;

/// <summary>Builds small rule sets in code for engine tests (the YAML compiler has its own tests).</summary>
internal sealed class TestRules
{
    private readonly List<Team> _teams = [];
    private readonly List<OwnerQueue> _queues = [];
    private readonly List<RoutingRule> _routing = [];
    private readonly List<SlaRule> _slas = [];
    private readonly List<RecycleRule> _recycle = [];
    private readonly List<Segment> _segments = [];
    private readonly List<ScoreRule> _fit = [];
    private readonly List<ScoreRule> _engagement = [];
    private int _memberIndex;

    public static DateTimeOffset Monday10Tokyo { get; } = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    public static BusinessCalendar Tokyo { get; } = Calendar("tokyo", "Asia/Tokyo");

    public static BusinessCalendar NewYork { get; } = Calendar("new-york", "America/New_York");

    public Condition? Mql { get; set; }

    public MatchingOptions Matching { get; set; } = new();

    public static BusinessCalendar Calendar(string id, string zone, params DateRange[] holidays)
    {
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();
        foreach (var d in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
        {
            hours[d] = [new TimeRange(TimeSpan.FromHours(9), TimeSpan.FromHours(18))];
        }

        return new BusinessCalendar(id, TimeZoneInfo.FindSystemTimeZoneById(zone), hours, holidays);
    }

    public sealed record M(string Id, int Weight = 1, int? MaxOpen = null, bool Active = true, BusinessCalendar? Calendar = null, DateRange[]? Away = null);

    public Team Team(string id, TeamRole role, BusinessCalendar? calendar, params M[] members)
    {
        var team = new Team { Id = id, Index = _teams.Count, Role = role, Works = TeamRoles.DefaultWorks(role), Calendar = calendar };
        var list = new List<Member>();
        for (var i = 0; i < members.Length; i++)
        {
            var m = members[i];
            list.Add(new Member
            {
                Id = m.Id,
                Index = _memberIndex++,
                Position = i,
                Team = team,
                Weight = m.Weight,
                MaxOpen = m.MaxOpen,
                Active = m.Active,
                OwnCalendar = m.Calendar,
                Away = m.Away ?? [],
                SalesforceId = SalesforceIds.To18("0055g00000Ab" + (char)('A' + (_memberIndex % 26)) + "x" + (char)('A' + (_memberIndex / 26))),
            });
        }

        team.SetMembers(list);
        _teams.Add(team);
        return team;
    }

    public OwnerQueue Queue(string key)
    {
        var q = new OwnerQueue { Key = key };
        _queues.Add(q);
        return q;
    }

    public RoutingRule Route(string id, Condition when, Assignment assign, bool overrideManual = false, params FieldAssignment[] set)
    {
        var rule = new RoutingRule { Id = id, Index = _routing.Count, When = when, Assign = assign, OverrideManual = overrideManual, Set = set };
        _routing.Add(rule);
        return rule;
    }

    public void Sla(SlaRule sla) => _slas.Add(sla);

    public void Recycle(RecycleRule rule) => _recycle.Add(rule);

    public void Segment(string id, Condition when) => _segments.Add(new Segment { Id = id, When = when });

    public void Fit(string id, Condition when, double points) => _fit.Add(new ScoreRule { Id = id, When = when, Points = points });

    public void Engagement(string id, Condition when, double points, Decay? decay = null) =>
        _engagement.Add(new ScoreRule { Id = id, When = when, Points = points, Decay = decay });

    public RuleSet Build() => new(
        "sha256:test",
        [Tokyo, NewYork],
        _teams,
        _queues,
        [],
        Matching,
        _segments,
        new Scoring { Fit = _fit, Engagement = _engagement, Mql = Mql },
        _routing,
        _slas,
        _recycle,
        []);

    public static FieldRef F(string path) =>
        CanonicalFields.TryResolve(path, out var f) ? f : throw new ArgumentException($"unknown field {path}");

    public static Condition Eq(string path, string value) => Predicate.Compare(F(path), PredicateOp.Eq, Value.Of(value));

    public static Condition Always => Condition.Always;

    public static Assignment ToTeam(Team team, RoutingStrategy strategy, HoursMode hours = HoursMode.Prefer, bool excludePrevious = false, RoutingStrategy then = RoutingStrategy.RoundRobin) =>
        new() { Kind = TargetKind.Team, Team = team, Strategy = strategy, Hours = hours, ExcludePreviousOwners = excludePrevious, Then = then };

    public static Assignment ToQueue(OwnerQueue queue) => new() { Kind = TargetKind.Queue, Queue = queue };

    public static Assignment To(TargetKind kind, Member? member = null) => new() { Kind = kind, Member = member };
}

internal static class Persons
{
    private static int s_next;

    public static Person New(
        string? id = null, string? email = null, Stage? stage = null, string? owner = null, DateTimeOffset? ownerSetAt = null,
        DateTimeOffset? stageEnteredAt = null, string? company = null, double? employees = null, string? country = null,
        IReadOnlyList<string>? previousOwners = null, string? ownerSetBy = null, double? touches = null, string? recycleReason = null,
        string? recycleRule = null, DateTimeOffset? recheckAt = null, DateTimeOffset? lastTouchAt = null, string? accountId = null,
        IReadOnlyDictionary<string, Value>? fields = null, string? title = null) => new()
    {
        Id = id ?? "p" + Interlocked.Increment(ref s_next),
        Email = email,
        Stage = stage,
        Owner = owner,
        OwnerSetAt = ownerSetAt,
        StageEnteredAt = stageEnteredAt,
        Company = company,
        Employees = employees,
        Country = country,
        PreviousOwners = previousOwners,
        OwnerSetBy = ownerSetBy,
        Touches = touches,
        RecycleReason = recycleReason,
        RecycleRule = recycleRule,
        RecheckAt = recheckAt,
        LastTouchAt = lastTouchAt,
        AccountId = accountId,
        Fields = fields,
        Title = title,
    };
}

/// <summary>An engine over a rule set with in-memory state, as <c>simulate</c> drives it.</summary>
internal sealed class EngineHarness
{
    public EngineHarness(RuleSet rules, IReadOnlyList<Account>? accounts = null)
    {
        Rules = rules;
        Engine = new DecisionEngine(rules, new AccountMatcher(rules, accounts ?? []));
        State = new InMemoryRoutingState(rules);
    }

    public RuleSet Rules { get; }

    public DecisionEngine Engine { get; }

    public InMemoryRoutingState State { get; }

    public void Seed(Person p) => State.Add(Engine.FootprintOf(p));

    /// <summary>Seeds the person, evaluates it and applies the decision, like one line of <c>simulate</c>.</summary>
    public Decision Run(Person p, DateTimeOffset? at = null)
    {
        Seed(p);
        var d = Engine.Evaluate(p, at ?? TestRules.Monday10Tokyo, State);
        State.Apply(d);
        return d;
    }
}
