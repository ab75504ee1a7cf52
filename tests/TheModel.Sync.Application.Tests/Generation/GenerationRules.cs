using System.Text.RegularExpressions;
using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Generation;

/// <summary>
/// Rule sets built by hand with the Core model, mirroring config/*.yaml: the sample's teams, members (one inactive),
/// queues and lists; <see cref="Sample"/> adds its matching, segments, scoring, routing, SLAs and recycle rules.
/// </summary>
internal static class GenerationRules
{
    public static RuleSet Roster() => Build(withRules: false);

    public static RuleSet Sample() => Build(withRules: true);

    private static RuleSet Build(bool withRules)
    {
        var tokyo = Calendar("tokyo", "Asia/Tokyo", ("09:00", "18:00"));
        var newYork = Calendar("new-york", "America/New_York", ("09:00", "12:00"), ("13:00", "18:00"));
        var teams = new List<Team>();
        var memberIndex = 0;
        var sfSuffix = 'A';

        Team AddTeam(string id, TeamRole role, BusinessCalendar calendar, params (string Id, bool Active, int? MaxOpen, int Weight, bool NewYork)[] members)
        {
            var team = new Team { Id = id, Index = teams.Count, Role = role, Works = TeamRoles.DefaultWorks(role), Calendar = calendar };
            var list = new List<Member>();
            foreach (var m in members)
            {
                list.Add(new Member
                {
                    Id = m.Id,
                    Index = memberIndex,
                    Position = list.Count,
                    Team = team,
                    SalesforceId = "0055g00000AbCd" + sfSuffix + "AAV",
                    HubSpotId = (41234567 + memberIndex).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Active = m.Active,
                    MaxOpen = m.MaxOpen,
                    Weight = m.Weight,
                    OwnCalendar = m.NewYork ? newYork : null,
                });
                memberIndex++;
                sfSuffix++;
            }

            team.SetMembers(list);
            teams.Add(team);
            return team;
        }

        AddTeam("sr-jp", TeamRole.SR, tokyo, ("aiko", true, 60, 2, false), ("haruto", true, 60, 1, false), ("yui", true, 40, 1, false));
        AddTeam("sr-us", TeamRole.SR, newYork, ("emma", true, 60, 2, false), ("liam", true, 60, 1, false), ("olivia", false, 60, 1, false));
        var ebr = AddTeam("ebr", TeamRole.EBR, tokyo, ("ren", true, null, 1, false), ("noah", true, null, 1, true));
        var aeSmb = AddTeam("ae-smb", TeamRole.AE, tokyo, ("sato", true, null, 1, false), ("suzuki", true, null, 1, false), ("mason", true, null, 1, true));
        var aeEnt = AddTeam("ae-ent", TeamRole.AE, tokyo, ("takahashi", true, 25, 1, false), ("ito", true, 25, 1, false), ("james", true, 20, 1, true));
        var csm = AddTeam("csm", TeamRole.CSM, tokyo, ("yamamoto", true, null, 1, false), ("mia", true, null, 1, true));

        var unassigned = new OwnerQueue { Key = "unassigned", SalesforceId = "00G5g000004XyZaEAK", HubSpotId = "90001" };
        var nurturePool = new OwnerQueue { Key = "nurture-pool", SalesforceId = "00G5g000004XyZbEAK", HubSpotId = "90002" };
        var abm = new NamedList("abm-tier1", true,
            ["bigco.example", "mega.example", "toyota-tsusho.example", "mitsubishi-shoji.example", "globex.example", "initech.example"]);
        var competitors = new NamedList("competitors", true, ["rival.example", "competitor.example", "rivalsoft.co.jp"]);
        var freeMail = new NamedList("free-mail", true, FreeMailDomains.All);
        IReadOnlyList<NamedList> lists = [abm, competitors, freeMail];
        if (!withRules)
        {
            return new RuleSet("sha256:test", [tokyo, newYork], teams, [unassigned, nurturePool], lists, new MatchingOptions(), [], new Scoring(), [], [], [], []);
        }

        var matching = new MatchingOptions
        {
            Strategies = [MatchStrategy.Domain, MatchStrategy.CompanyName],
            IgnoreDomains = freeMail,
            MinSimilarity = 0.9,
            TieBreaks = [TieBreak.CustomerFirst, TieBreak.MostEmployees, TieBreak.Oldest],
        };
        IReadOnlyList<Segment> segments =
        [
            new() { Id = "enterprise", When = Any(Gte("employees", 1000), Gte("account.employees", 1000)) },
            new() { Id = "mid-market", When = Any(Between("employees", 100, 999), Between("account.employees", 100, 999)) },
            new() { Id = "smb", When = Condition.Always },
        ];
        var scoring = new Scoring
        {
            Fit =
            [
                new() { Id = "big-company", When = Eq("segment", "enterprise"), Points = 30 },
                new() { Id = "mid-company", When = Eq("segment", "mid-market"), Points = 15 },
                new() { Id = "target-country", When = In("country", "JP", "US"), Points = 10 },
                new()
                {
                    Id = "decision-maker",
                    When = Predicate.Matches(F("title"), new Regex(@"(?i)\b(ceo|cto|cio|cfo|vp|head|director|president)\b|部長|取締役|社長", RegexOptions.None, TimeSpan.FromSeconds(1))),
                    Points = 15,
                },
                new() { Id = "free-mail", When = Predicate.InList(F("domain"), freeMail), Points = -20 },
            ],
            Engagement =
            [
                new() { Id = "demo-request", When = Eq("fields.last_form", "Demo request"), Points = 40, Decay = new Decay { From = F("fields.last_form_at"), HalfLife = TimeSpan.FromDays(14) } },
                new() { Id = "pricing-page", When = Gte("fields.pricing_views", 3), Points = 15, Decay = new Decay { From = F("last_touch_at"), HalfLife = TimeSpan.FromDays(7) } },
                new() { Id = "webinar", When = Eq("fields.last_event", "webinar"), Points = 10, Decay = new Decay { From = F("fields.last_event_at"), HalfLife = TimeSpan.FromDays(30) } },
            ],
            Mql = Gte("score", 60),
        };
        var index = 0;
        RoutingRule Rule(string id, Condition when, Assignment assign, IReadOnlyList<FieldAssignment>? set = null) =>
            new() { Id = id, Index = index++, When = when, Assign = assign, Set = set ?? [] };
        IReadOnlyList<RoutingRule> routing =
        [
            Rule("customer-contact", Eq("account.type", "customer"), new Assignment { Kind = TargetKind.AccountOwner }),
            Rule("competitors", Predicate.InList(F("domain"), competitors), new Assignment { Kind = TargetKind.Queue, Queue = unassigned },
                [Set("stage", "disqualified"), Set("recycle_reason", "competitor")]),
            Rule("recycled", In("stage", "nurture", "disqualified"), new Assignment { Kind = TargetKind.Queue, Queue = nurturePool }),
            Rule("target-accounts", All(Predicate.Compare(F("account.matched"), PredicateOp.Eq, Value.Of(true)), Predicate.InList(F("domain"), abm), In("stage", "new", "mql", "working")),
                new Assignment { Kind = TargetKind.Team, Team = ebr, Strategy = RoutingStrategy.Sticky, Then = RoutingStrategy.RoundRobin }),
            Rule("inbound-mql-jp", All(In("stage", "mql", "working"), Eq("country", "JP")),
                new Assignment { Kind = TargetKind.Team, Team = teams[0], Strategy = RoutingStrategy.WeightedRoundRobin }),
            Rule("inbound-mql-us", In("stage", "mql", "working"),
                new Assignment { Kind = TargetKind.Team, Team = teams[1], Strategy = RoutingStrategy.WeightedRoundRobin }),
            Rule("sql-enterprise", All(Eq("stage", "sql"), Eq("segment", "enterprise")),
                new Assignment { Kind = TargetKind.Team, Team = aeEnt, Strategy = RoutingStrategy.LeastLoaded }),
            Rule("sql-other", Eq("stage", "sql"),
                new Assignment { Kind = TargetKind.Team, Team = aeSmb, Strategy = RoutingStrategy.Sticky, Then = RoutingStrategy.RoundRobin }),
            Rule("customers", Eq("stage", "customer"), new Assignment { Kind = TargetKind.Team, Team = csm, Strategy = RoutingStrategy.RoundRobin }),
            Rule("fallback", Condition.Always, new Assignment { Kind = TargetKind.Queue, Queue = unassigned }),
        ];
        IReadOnlyList<SlaRule> slas =
        [
            new()
            {
                Id = "sr-first-touch",
                Applies = Eq("stage", "mql"),
                MetWhen = Any(In("stage", "working", "sql", "nurture", "disqualified"), Gte("touches", 1)),
                Within = TimeSpan.FromHours(4),
                Clock = ClockKind.BusinessHours,
                OnBreach =
                [
                    new() { Task = new TaskTemplate { Owner = TaskOwnerKind.Owner, Subject = new Template("SLA missed", ["SLA missed"]), Due = TimeSpan.FromDays(1) } },
                    new() { Reassign = true, ExcludePreviousOwners = true, ReassignMax = 2 },
                ],
            },
            new()
            {
                Id = "ae-first-meeting",
                Applies = Eq("stage", "sql"),
                MetWhen = Gte("touches", 3),
                Within = TimeSpan.FromDays(3),
                Clock = ClockKind.Wall,
                OnBreach = [new() { Task = new TaskTemplate { Owner = TaskOwnerKind.Owner, Subject = new Template("Book the first meeting", ["Book the first meeting"]), Due = TimeSpan.FromDays(2) } }],
            },
        ];
        IReadOnlyList<RecycleRule> recycle =
        [
            new()
            {
                Id = "not-now",
                When = All(Eq("stage", "nurture"), Eq("recycle_reason", "timing")),
                RecheckAfter = TimeSpan.FromDays(90),
                RecheckSet = [Set("stage", "mql")],
                RecheckTask = new TaskTemplate { Owner = TaskOwnerKind.PreviousOwner, Subject = new Template("Recheck", ["Recheck"]), Due = TimeSpan.FromDays(2) },
                NamedReasons = ["timing"],
            },
            new()
            {
                Id = "no-response",
                When = All(Eq("stage", "working"), Gte("touches", 6), Predicate.Age(F("last_touch_at"), PredicateOp.OlderThan, TimeSpan.FromDays(30))),
                Set = [Set("stage", "nurture"), Set("recycle_reason", "no_response")],
                RecheckAfter = TimeSpan.FromDays(60),
                RecheckSet = [Set("stage", "new")],
                NamedReasons = ["no_response"],
            },
            new()
            {
                Id = "competitor",
                When = All(Eq("stage", "disqualified"), Eq("recycle_reason", "competitor")),
                RecheckAfter = TimeSpan.FromDays(365),
                RecheckSet = [Set("stage", "new")],
                NamedReasons = ["competitor"],
            },
        ];
        return new RuleSet("sha256:sample", [tokyo, newYork], teams, [unassigned, nurturePool], lists, matching, segments, scoring, routing, slas, recycle, []);
    }

    private static BusinessCalendar Calendar(string id, string zone, params (string Start, string End)[] hours)
    {
        IReadOnlyList<TimeRange> ranges = [.. hours.Select(h => new TimeRange(TimeSpan.Parse(h.Start, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Parse(h.End, System.Globalization.CultureInfo.InvariantCulture)))];
        var week = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Monday] = ranges,
            [DayOfWeek.Tuesday] = ranges,
            [DayOfWeek.Wednesday] = ranges,
            [DayOfWeek.Thursday] = ranges,
            [DayOfWeek.Friday] = ranges,
        };
        return new BusinessCalendar(id, TimeZoneInfo.FindSystemTimeZoneById(zone), week, []);
    }

    private static FieldRef F(string path) =>
        CanonicalFields.TryResolve(path, out var field) ? field : throw new ArgumentException($"unknown field {path}", nameof(path));

    private static Condition Eq(string path, string value) => Predicate.Compare(F(path), PredicateOp.Eq, Value.Of(value));

    private static Condition Gte(string path, double value) => Predicate.Compare(F(path), PredicateOp.Gte, Value.Of(value));

    private static Condition Between(string path, double low, double high) => Predicate.Between(F(path), Value.Of(low), Value.Of(high));

    private static Condition In(string path, params string[] values) => Predicate.Set(F(path), PredicateOp.In, [.. values.Select(v => Value.Of(v))]);

    private static Condition Any(params Condition[] items) => new AnyCondition(items);

    private static Condition All(params Condition[] items) => new AllCondition(items);

    private static FieldAssignment Set(string path, string value) => new() { Field = F(path), Value = Value.Of(value) };
}
