using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Reporting;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Reporting;

/// <summary>
/// The funnel report on small hand-written logs. Times are minutes after T0 (a Monday, 09:00 UTC); the window starts
/// an hour before the log's first decision unless a test sets --from. Every expected number is worked out in a comment.
/// </summary>
public sealed class FunnelReportBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<RuleSet> Rules = new(() => Configs.FromText("""
        version: 1
        crm:
          hubspot:
            stages:
              new: { lifecyclestage: lead }
              mql: { lifecyclestage: marketingqualifiedlead }
              working: { lifecyclestage: marketingqualifiedlead, hs_lead_status: IN_PROGRESS }
              sql: { lifecyclestage: salesqualifiedlead }
              customer: { lifecyclestage: customer }
              nurture: { lifecyclestage: lead, hs_lead_status: BAD_TIMING }
              disqualified: { lifecyclestage: other }
            queues: { unassigned: "90001" }
        teams:
          - id: sr
            role: SR
            members:
              - { id: ann, weight: 3 }
              - { id: bob }
              - { id: cat, active: false }
          - id: ae
            role: AE
            members:
              - { id: dan, max_open: 30 }
              - { id: eve, max_open: 10 }
        routing:
          - id: mql-sr
            when: { stage: mql }
            assign: { team: sr, strategy: weighted_round_robin }
          - id: sql-ae
            when: { stage: sql }
            assign: { team: ae, strategy: least_loaded }
          - id: fallback
            when: {}
            assign: { to: queue, queue: unassigned }
        """));

    private static string Time(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>One decision log line; times in minutes after T0, null where the field is null.</summary>
    private static string D(
        string person, double at, string before, string stage, double? enteredBefore = null, double? entered = null,
        double? created = null, string? owner = null, string? team = null, string? rule = null, bool assigned = false,
        double? ownerSetAt = null, int touches = 0, double? lastTouch = null, string? reason = null,
        (string Sla, string State, double Deadline)[]? slas = null, string crm = "hubspot")
    {
        JsonNode? T(double? minutes) => minutes is { } m ? JsonValue.Create(Time(m)) : null;
        var why = new JsonObject { ["trigger"] = null, ["rules"] = new JsonArray() };
        if (slas is not null)
        {
            why["sla"] = new JsonArray([.. slas.Select(s => (JsonNode)new JsonObject { ["sla"] = s.Sla, ["state"] = s.State, ["deadline"] = Time(s.Deadline) })]);
        }

        var line = new JsonObject
        {
            ["person"] = person,
            ["crm"] = crm,
            ["event"] = "poll",
            ["stage_before"] = before,
            ["stage_entered_at_before"] = T(enteredBefore),
            ["touches"] = touches,
            ["last_touch_at"] = T(lastTouch),
            ["created_at"] = T(created ?? -5),
            ["at"] = Time(at),
            ["config"] = "sha256:test",
            ["outcome"] = assigned ? "assigned" : "kept",
            ["owner"] = owner,
            ["team"] = team,
            ["rule"] = rule,
            ["stage"] = stage,
            ["owner_set_at"] = T(ownerSetAt),
            ["stage_entered_at"] = T(entered),
            ["actions"] = new JsonArray(),
            ["why"] = why,
        };
        if (reason is not null)
        {
            line["recycle_reason"] = reason;
        }

        return line.ToJsonString();
    }

    private static FunnelReport Build(IEnumerable<string> lines, ReportOptions? options = null, RuleSet? rules = null) =>
        FunnelReportBuilder.Build(lines, rules ?? Rules.Value, options ?? new ReportOptions());

    private static StageRow Stage(FunnelSlice slice, string stage) => slice.Stages.Single(s => s.Stage == stage);

    private static Conversion Conv(FunnelSlice slice, string from, string to) => slice.Conversions.Single(c => c.From == from && c.To == to);

    [Fact]
    public void Build_FirstObservation_CountsAsEntryOnlyInsideTheWindow()
    {
        // Window start: the first at (0) minus an hour = -60.
        var report = Build([
            D("p1", 0, "new", "mql", created: -30, entered: 0),        // new entered at created -30 (inside), then mql at 0
            D("p2", 10, "new", "new", created: -600),                  // created 10 h earlier: new is only its starting stage
            D("p3", 20, "sql", "sql", enteredBefore: -5000, entered: -5000), // in sql since long before: starting stage
            D("p4", 30, "working", "working", enteredBefore: -20, entered: -20), // entered working 20 min before T0: inside
        ]);

        Assert.Equal(1, Stage(report.Overall, "new").Entered);
        Assert.Equal(1, Stage(report.Overall, "mql").Entered);
        Assert.Equal(1, Stage(report.Overall, "working").Entered);
        Assert.Equal(0, Stage(report.Overall, "sql").Entered);
        Assert.Equal(4, report.People);
        Assert.Equal(4, report.Decisions);
        Assert.Equal(T0.AddHours(-1), report.From);
        Assert.Equal(T0.AddMinutes(30), report.To);
    }

    [Fact]
    public void Build_ReEntryAndStays_CountsPeopleOnceAndEveryCompletedStay()
    {
        var report = Build([
            D("p1", 0, "new", "mql", created: 0, entered: 0),                    // new@0, mql@0
            D("p1", 60, "mql", "nurture", enteredBefore: 0, entered: 60),         // mql stay 60 min; nurture@60
            D("p1", 120, "nurture", "mql", enteredBefore: 60, entered: 120),      // nurture stay 60 min; mql@120
            D("p1", 150, "mql", "mql", enteredBefore: 120, entered: 150),         // re-entry: mql stay 30 min; mql@150
            D("p1", 160, "mql", "mql", enteredBefore: 150, entered: 150),         // same entry: nothing
            D("p2", 0, "new", "mql", created: 0, entered: 0),                    // new@0, mql@0
            D("p2", 10, "mql", "working", enteredBefore: 0),                      // working@10 (at): mql stay 10 min
            D("p2", 20, "working", "working"),                                    // no times written: not a re-entry
        ]);

        // mql: 2 people; stays 10, 30, 60 min -> median (rank 2) 30 min, p90 (rank 3) 60 min.
        var mql = Stage(report.Overall, "mql");
        Assert.Equal((2, 3, 1800.0, 3600.0), (mql.Entered, mql.StaysCompleted, mql.MedianSeconds!.Value, mql.P90Seconds!.Value));
        var nurture = Stage(report.Overall, "nurture");
        Assert.Equal((1, 1, 3600.0), (nurture.Entered, nurture.StaysCompleted, nurture.MedianSeconds!.Value));
        var working = Stage(report.Overall, "working");
        Assert.Equal((1, 0), (working.Entered, working.StaysCompleted));
        Assert.Null(working.MedianSeconds);
        var @new = Stage(report.Overall, "new");
        Assert.Equal((2, 2, 0.0), (@new.Entered, @new.StaysCompleted, @new.MedianSeconds!.Value));
    }

    private static string[] FourPeople() =>
    [
        D("a", 0, "new", "mql", created: 0, entered: 0),
        D("a", 100, "mql", "sql", enteredBefore: 0, entered: 100),          // skips working
        D("a", 200, "sql", "customer", enteredBefore: 100, entered: 200),
        D("b", 0, "new", "mql", created: 0, entered: 0),
        D("b", 50, "mql", "nurture", enteredBefore: 0, entered: 50),
        D("c", 0, "new", "new", created: 0),
        D("d", 0, "new", "disqualified", created: 0, entered: 0),
    ];

    [Fact]
    public void Build_SkippedStages_CountAsConversionsToEveryEarlierStage()
    {
        var report = Build(FourPeople());

        // new: a, b, c, d entered; a and b reached mql.
        Assert.Equal((4, 2, 0.5), Triple(Conv(report.Overall, "new", "mql")));
        // mql: a, b; a went to sql, which is past working.
        Assert.Equal((2, 1, 0.5), Triple(Conv(report.Overall, "mql", "working")));
        var workingToSql = Conv(report.Overall, "working", "sql");
        Assert.Equal((0, 0), (workingToSql.Entered, workingToSql.Converted));
        Assert.Null(workingToSql.Rate);
        Assert.Equal((1, 1, 1.0), Triple(Conv(report.Overall, "sql", "customer")));

        // The benchmarked pair mql->sql follows the chain pairs, with its benchmark.
        Assert.Equal(
            ["new>mql", "mql>working", "working>sql", "sql>customer", "mql>sql"],
            report.Overall.Conversions.Select(c => $"{c.From}>{c.To}"));
        Assert.Equal((2, 1, 0.5), Triple(Conv(report.Overall, "mql", "sql")));
        Assert.Equal(0.40, Conv(report.Overall, "mql", "sql").Benchmark);
        Assert.Null(Conv(report.Overall, "mql", "working").Benchmark);
    }

    private static (int, int, double) Triple(Conversion c) => (c.Entered, c.Converted, c.Rate!.Value);

    [Fact]
    public void Build_EveryConversionAtOrAboveItsBenchmark_HasNoBottleneckAndSaysSo()
    {
        // Default benchmarks: new->mql 50% >= 15%, mql->sql 50% >= 40%, sql->won 100% >= 25%.
        var report = Build(FourPeople());

        Assert.Null(report.Bottleneck);
        Assert.Equal("No bottleneck: every benchmarked conversion is at or above its benchmark.", report.BottleneckSentence);
    }

    [Fact]
    public void Build_NobodyEnteredABenchmarkedStage_SaysSo()
    {
        var report = Build([D("x", 0, "customer", "customer", enteredBefore: -9000, entered: -9000)]);

        Assert.Null(report.Bottleneck);
        Assert.Equal("No bottleneck: nobody entered a stage that has a benchmark.", report.BottleneckSentence);
    }

    [Fact]
    public void Build_TwoConversionsBelowBenchmark_NamesTheRelativelyWorstOne()
    {
        // 10 people enter new, 5 reach mql (50% against 80%: 0.3 below, 37.5% of the benchmark),
        // 1 of the 5 reaches sql (20% against 40%: only 0.2 below, but 50% of the benchmark).
        var rules = Configs.FromText("version: 1\nreport:\n  benchmarks:\n    new->mql: 80%\n    mql->sql: 40%\n");
        var lines = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            lines.Add(D($"n{i}", i, "new", i < 5 ? "mql" : "new", created: 0, entered: i < 5 ? i : null));
        }

        lines.Add(D("n0", 30, "mql", "sql", enteredBefore: 0, entered: 30));
        var report = Build(lines, rules: rules);

        var b = Assert.IsType<Bottleneck>(report.Bottleneck);
        Assert.Equal(("mql", "sql", 5, 1, 0.2, 0.4), (b.From, b.To, b.Entered, b.Converted, b.Rate, b.Benchmark));
        Assert.Equal("The bottleneck is mql → sql: 20% of 5 people who entered mql reached sql or later (1), against a benchmark of 40%.", b.Sentence);
        Assert.Equal(b.Sentence, report.BottleneckSentence);
    }

    [Fact]
    public void Build_BottleneckIntoWon_NamesTheStageWonWithOneDecimal()
    {
        // sql: 3 people, 1 reached customer: 33.3% against 62.5%.
        var rules = Configs.FromText("version: 1\nreport:\n  benchmarks:\n    sql->won: 62.5%\n");
        var report = Build(
        [
            D("s1", 0, "working", "sql", enteredBefore: -10, entered: 0),
            D("s2", 0, "working", "sql", enteredBefore: -10, entered: 0),
            D("s3", 0, "working", "sql", enteredBefore: -10, entered: 0),
            D("s1", 10, "sql", "customer", enteredBefore: 0, entered: 10),
        ], rules: rules);

        Assert.Equal(
            "The bottleneck is sql → won: 33.3% of 3 people who entered sql reached won or later (1), against a benchmark of 62.5%.",
            report.BottleneckSentence);
    }

    [Fact]
    public void Build_SlaClocks_AreMetMissedOrPendingWithFirstTouch()
    {
        (string, string, double)[] Clock(string state, double deadline) => [("first-touch", state, deadline)];
        var report = Build([
            // s1: met shown; touched at 20 -> first touch 20 min.
            D("s1", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 0, slas: Clock("pending", 60)),
            D("s1", 30, "mql", "mql", enteredBefore: 0, entered: 0, owner: "ann", team: "sr", ownerSetAt: 0, touches: 1, lastTouch: 20, slas: Clock("met", 60)),
            // s2: breached shown: missed; no touch.
            D("s2", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 0, slas: Clock("pending", 60)),
            D("s2", 90, "mql", "mql", enteredBefore: 0, entered: 0, owner: "ann", team: "sr", ownerSetAt: 0, slas: Clock("breached", 60)),
            // s3: moved on to working at 40, before the deadline 60: met; touched at 35 -> 35 min.
            D("s3", 0, "new", "mql", created: 0, entered: 0, owner: "bob", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 0, slas: Clock("pending", 60)),
            D("s3", 40, "mql", "working", enteredBefore: 0, entered: 40, owner: "bob", team: "sr", ownerSetAt: 0, touches: 1, lastTouch: 35, slas: Clock("pending", 60)),
            // s4: nothing after; the deadline 60 passed before the log's end (90): missed.
            D("s4", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 0, slas: Clock("pending", 60)),
            // s5: deadline 200 after the end: pending.
            D("s5", 80, "new", "mql", created: 80, entered: 80, owner: "bob", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 80, slas: Clock("pending", 200)),
            // s6: a queue owner and no team: pending, in the total and team (none), no member row.
            D("s6", 0, "new", "new", created: 0, owner: "unassigned", rule: "fallback", assigned: true, ownerSetAt: 0, slas: Clock("pending", 500)),
        ]);

        Assert.Equal(
            [
                "first-touch|-|-|2|2|2|1200",    // first touches 20 and 35 min: median (rank 1) 20 min
                "first-touch|(none)|-|0|0|1|-",
                "first-touch|sr|-|2|2|1|1200",
                "first-touch|sr|ann|1|2|0|1200",  // s1 met, s2 and s4 missed
                "first-touch|sr|bob|1|0|1|2100",  // s3 met, s5 pending
            ],
            report.Slas.Select(s => $"{s.Sla}|{s.Team ?? "-"}|{s.Member ?? "-"}|{s.Met}|{s.Missed}|{s.Pending}|{s.MedianFirstTouchSeconds?.ToString(CultureInfo.InvariantCulture) ?? "-"}"));
    }

    [Fact]
    public void Build_MoreTouchesWithoutATime_EndsTheWaitWithoutAFirstTouchTime()
    {
        var report = Build([
            D("t", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true, ownerSetAt: 0, slas: [("ft", "pending", 600)]),
            D("t", 10, "mql", "mql", enteredBefore: 0, entered: 0, owner: "ann", team: "sr", ownerSetAt: 0, touches: 2, slas: [("ft", "met", 600)]),
            D("t", 20, "mql", "mql", enteredBefore: 0, entered: 0, owner: "ann", team: "sr", ownerSetAt: 0, touches: 3, lastTouch: 15, slas: [("ft", "met", 600)]),
        ]);

        var total = report.Slas.First();
        Assert.Equal((1, 0, 0), (total.Met, total.Missed, total.Pending));
        Assert.Null(total.MedianFirstTouchSeconds);
    }

    [Fact]
    public void Build_Recycles_ByReasonWithComebacks()
    {
        var report = Build([
            // r1: nurture (timing), back to mql, then sql.
            D("r1", 0, "new", "mql", created: 0, entered: 0),
            D("r1", 10, "mql", "nurture", enteredBefore: 0, entered: 10, reason: "timing"),
            D("r1", 20, "nurture", "mql", enteredBefore: 10, entered: 20),
            D("r1", 30, "mql", "sql", enteredBefore: 20, entered: 30),
            // r2: nurture (timing), rechecked to new, not back to mql.
            D("r2", 0, "working", "nurture", enteredBefore: -10, entered: 0, reason: "timing"),
            D("r2", 20, "nurture", "new", enteredBefore: 0, entered: 20),
            // r3: nurture without a reason, still there.
            D("r3", 0, "mql", "nurture", enteredBefore: -10, entered: 0),
        ]);

        Assert.Equal(
            ["(none)|1|0|0|0", "timing|2|2|1|1"],
            report.Recycles.ByReason.Select(r => $"{r.Reason}|{r.Recycled}|{r.Rechecked}|{r.BackToMql}|{r.ThenSql}"));
    }

    [Fact]
    public void Build_Routing_CountsRulesQueueAndFallbackRatesAndShares()
    {
        var report = Build([
            D("a1", 0, "new", "mql", owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
            D("a2", 1, "new", "mql", owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
            D("a3", 2, "new", "mql", owner: "bob", team: "sr", rule: "mql-sr", assigned: true),
            D("a4", 3, "new", "mql", owner: "bob", team: "sr", rule: "mql-sr", assigned: true),
            D("a5", 4, "new", "mql", owner: "zed", team: "sr", rule: "mql-sr", assigned: true), // not a member: queue rate
            D("q1", 5, "new", "new", owner: "unassigned", rule: "fallback", assigned: true),
            D("q2", 6, "new", "new", owner: "unassigned", rule: "fallback", assigned: true),
            D("s1", 7, "mql", "sql", owner: "dan", team: "ae", rule: "sql-ae", assigned: true),
            D("k1", 8, "mql", "mql", owner: "ann", team: "sr", rule: "mql-sr"),               // kept: not an assignment
        ]);

        var routing = report.Routing;
        Assert.Equal(8, routing.Assignments);
        Assert.Equal(["mql-sr:5", "fallback:2", "sql-ae:1"], routing.ByRule.Select(r => $"{r.Rule}:{r.Count}"));
        Assert.Equal(3.0 / 8, routing.QueueRate, 9);    // q1, q2, a5
        Assert.Equal(2.0 / 8, routing.FallbackRate, 9); // q1, q2
        Assert.Equal(
            [
                "sr|weighted_round_robin|ann|2|0.5|0.75",   // weights 3 and 1 (cat is inactive)
                "sr|weighted_round_robin|bob|2|0.5|0.25",
                "ae|least_loaded|dan|1|1|0.75",            // max_open 30 and 10
                "ae|least_loaded|eve|0|0|0.25",
            ],
            routing.Shares.Select(s => FormattableString.Invariant($"{s.Team}|{s.Strategy}|{s.Member}|{s.Assigned}|{s.Share}|{s.PromisedShare}")));
    }

    [Fact]
    public void Build_RoundRobinAndStickyThen_PromiseEqualShares()
    {
        var rules = Configs.FromText("""
            version: 1
            teams:
              - id: t
                role: SR
                members: [ { id: m1 }, { id: m2 }, { id: m3 }, { id: m4, active: false } ]
            routing:
              - id: keep
                when: { country: JP }
                assign: { team: t, strategy: sticky, then: round_robin }
              - id: rr
                when: {}
                assign: { team: t, strategy: round_robin }
            """);
        var report = Build([D("p", 0, "new", "new", owner: "m1", team: "t", rule: "keep", assigned: true)], rules: rules);

        // sticky's then: round_robin joins the round_robin rule: one row per active member, a third each.
        Assert.Equal(
            ["m1|1|1", "m2|0|0", "m3|0|0"],
            report.Routing.Shares.Select(s => FormattableString.Invariant($"{s.Member}|{s.Assigned}|{s.Share}")));
        Assert.All(report.Routing.Shares, s => Assert.Equal(1.0 / 3, s.PromisedShare, 9));
        Assert.All(report.Routing.Shares, s => Assert.Equal("round_robin", s.Strategy));
        Assert.Equal(0.0, report.Routing.FallbackRate); // keep has a condition: not a catch-all
    }

    [Fact]
    public void Build_FromAndTo_CountOnlyEntriesAndAssignmentsInside()
    {
        var day = 24 * 60.0;
        var lines = new[]
        {
            D("x", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
            D("y", 3 * day, "new", "mql", created: 3 * day - 60, entered: 3 * day, owner: "bob", team: "sr", rule: "mql-sr", assigned: true),
            D("z", 5 * day, "new", "mql", created: 5 * day, entered: 5 * day, owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
        };
        var from = T0.AddDays(2);
        var to = T0.AddDays(4);

        var report = Build(lines, new ReportOptions(from, to));

        // Only y: created (new) and mql inside [from, to]; x is before, z after.
        Assert.Equal((1, 1), (Stage(report.Overall, "new").Entered, Stage(report.Overall, "mql").Entered));
        Assert.Equal(1, report.Routing.Assignments);
        Assert.Equal((from, to), (report.From!.Value, report.To!.Value));
        Assert.Equal(3, report.People);
    }

    [Fact]
    public void Build_EntryExactlyAtTo_IsOutsideTheHalfOpenWindow()
    {
        var lines = new[]
        {
            D("x", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
            D("y", 60, "new", "mql", created: 60, entered: 60, owner: "bob", team: "sr", rule: "mql-sr", assigned: true),
        };

        var report = Build(lines, new ReportOptions(T0.AddMinutes(-1), T0.AddMinutes(60)));

        Assert.Equal((1, 1), (Stage(report.Overall, "new").Entered, Stage(report.Overall, "mql").Entered));
        Assert.Equal(1, report.Routing.Assignments);
    }

    [Fact]
    public void Build_From_MakesAnEarlierCreationAStartingStage()
    {
        // x was created two hours before --from: new is its starting stage, mql (after --from) an entry.
        var report = Build([D("x", 0, "new", "mql", created: -120, entered: 0)], new ReportOptions(T0.AddMinutes(-60)));

        Assert.Equal((0, 1), (Stage(report.Overall, "new").Entered, Stage(report.Overall, "mql").Entered));
    }

    [Theory]
    [InlineData(ReportPeriod.Week, "2026-10-26", "2026-11-02")]
    [InlineData(ReportPeriod.Day, "2026-11-01", "2026-11-02")]
    [InlineData(ReportPeriod.Month, "2026-11-01", null)]
    public void Build_Periods_SliceEntriesByTheirPeriodStart(ReportPeriod period, string first, string? second)
    {
        // Sunday 23:30 and Monday 00:30 UTC (+09:00 offsets in the log must not move them).
        var lines = new[]
        {
            D("p", -570, "new", "mql", created: -570, entered: -570),
            D("q", -510, "new", "new", created: -510),
        };

        var report = Build(lines, new ReportOptions(Period: period));

        var expected = second is null ? new[] { first } : [first, second];
        Assert.Equal(expected, report.Periods.Select(p => p.Key));
        Assert.Equal(2, report.Periods.Sum(p => Stage(p, "new").Entered));
        Assert.Equal(1, Stage(report.Periods[0], "mql").Entered);
        Assert.Equal(ReportSettings.PeriodNames[(int)period], report.Period);
    }

    [Theory]
    [InlineData("2026-11-04T23:59:59+00:00", ReportPeriod.Week, "2026-11-02")]
    [InlineData("2026-11-02T08:00:00+09:00", ReportPeriod.Week, "2026-10-26")] // Sunday 23:00 UTC
    [InlineData("2026-11-08T12:00:00+00:00", ReportPeriod.Week, "2026-11-02")] // Sunday ends the week
    [InlineData("2026-12-31T23:00:00-05:00", ReportPeriod.Month, "2027-01-01")]
    [InlineData("2026-12-31T23:00:00+00:00", ReportPeriod.Day, "2026-12-31")]
    public void PeriodKey_Time_IsTheUtcPeriodStart(string at, ReportPeriod period, string expected)
    {
        Assert.Equal(expected, FunnelReportBuilder.PeriodKey(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), period));
    }

    [Fact]
    public void Build_TeamsAndMembers_AttributeEntriesToTheOwnerAfterTheDecision()
    {
        var report = Build([
            D("a", 0, "new", "mql", created: 0, entered: 0, owner: "ann", team: "sr", rule: "mql-sr", assigned: true),
            D("b", 0, "new", "mql", created: 0, entered: 0, owner: "unassigned", rule: "fallback", assigned: true),
            D("a", 10, "mql", "sql", enteredBefore: 0, entered: 10, owner: "dan", team: "ae", rule: "sql-ae", assigned: true),
        ]);

        Assert.Equal(["(none)", "ae", "sr"], report.Teams.Select(t => t.Key));
        Assert.Equal(["ann", "dan"], report.Members.Select(m => m.Key));
        var sr = report.Teams.Single(t => t.Key == "sr");
        Assert.Equal((1, 1), (Stage(sr, "new").Entered, Stage(sr, "mql").Entered));
        Assert.Equal((1, 1), (Conv(sr, "mql", "sql").Entered, Conv(sr, "mql", "sql").Converted));
        Assert.Equal(1, Stage(report.Members.Single(m => m.Key == "dan"), "sql").Entered);
        Assert.Equal(0, Stage(report.Members.Single(m => m.Key == "ann"), "sql").Entered);
    }

    [Fact]
    public void Build_SamePersonIdInTwoCrms_IsTwoPeople()
    {
        var report = Build([
            D("7", 0, "new", "mql", created: 0, entered: 0, crm: "hubspot"),
            D("7", 0, "new", "mql", created: 0, entered: 0, crm: "salesforce"),
        ]);

        Assert.Equal(2, report.People);
        Assert.Equal(2, Stage(report.Overall, "mql").Entered);
    }

    [Fact]
    public void Build_UnreadableLines_AreReportedAndTheRestCounted()
    {
        var good = D("p", 0, "new", "mql", created: 0, entered: 0);
        var report = Build([
            good,
            "not json",
            "",
            "[1, 2]",
            """{"crm":"hubspot","at":"2026-11-02T09:00:00Z","stage":"new"}""",
            """{"person":"q","at":"yesterday","stage":"new"}""",
            """{"person":"q","at":"2026-11-02T09:00:00Z","stage":"lead"}""",
            """{"person":"q","at":"2026-11-02T09:00:00Z","stage":"new","why":{"sla":[{"state":"met"}]}}""",
            D("q", 5, "new", "new", created: 0),
        ]);

        Assert.Equal(2, report.Decisions);
        Assert.Equal(1, Stage(report.Overall, "mql").Entered);
        Assert.Equal([2L, 4, 5, 6, 7, 8], report.UnreadableLines.Select(u => u.Line));
        Assert.StartsWith("not JSON: ", report.UnreadableLines[0].Reason, StringComparison.Ordinal);
        Assert.Equal(
            [
                "expected a JSON object, got array",
                "missing 'person'",
                "'at' is not a timestamp with an offset: \"yesterday\"",
                "'stage' is not a stage: 'lead'",
                "why.sla holds an entry without sla and state: {\"state\":\"met\"}",
            ],
            report.UnreadableLines.Skip(1).Select(u => u.Reason));
    }

    [Fact]
    public void Build_EmptyLog_HasNoWindowAndNoNumbers()
    {
        var report = Build([]);

        Assert.Null(report.From);
        Assert.Equal(0, report.Decisions);
        Assert.All(report.Overall.Stages, s => Assert.Equal(0, s.Entered));
        Assert.Equal(0, report.Routing.QueueRate);
    }

    [Fact]
    public void Serialize_Report_UsesSnakeCaseKeysAndRoundTrips()
    {
        var report = Build(FourPeople());

        var json = FunnelReportJson.Serialize(report);

        var root = JsonNode.Parse(json)!.AsObject();
        Assert.True(root.ContainsKey("bottleneck_sentence"), json);
        Assert.Equal(4, root["overall"]!["stages"]![0]!["entered"]!.GetValue<int>());
        Assert.Equal(report.BottleneckSentence, FunnelReportJson.Deserialize(json)!.BottleneckSentence);
    }
}
