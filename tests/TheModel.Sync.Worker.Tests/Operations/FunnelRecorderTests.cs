using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Worker.Operations;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Operations;

/// <summary>The funnel recorder on hand-made decisions, for the cases a short host run does not reach: breaches, recycles, CRM-made moves.</summary>
public sealed class FunnelRecorderTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly RuleSet Rules = LoadSample();

    private readonly WorkerMetrics _metrics = new();
    private readonly FunnelRecorder _recorder;

    public FunnelRecorderTests() => _recorder = new FunnelRecorder(_metrics, Started);

    private static RuleSet LoadSample()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        return ConfigLoader.Load(Path.Combine(dir.FullName, "config")).Config!.Rules;
    }

    private static Member M(string id) => Rules.FindMember(id)!;

    private static Decision Decide(Stage stage, string? owner, DecisionOutcome outcome = DecisionOutcome.Kept, DateTimeOffset? ownerSetAt = null, string? recycleReason = null, params (string Sla, SlaState State)[] slas)
    {
        var d = new Decision
        {
            PersonId = "p1",
            At = Started.AddDays(1),
            ConfigVersion = "sha256:test",
            Outcome = outcome,
            Owner = owner is null ? OwnerRef.None : OwnerRef.ForMember(M(owner)),
            Stage = stage,
            OwnerSetAt = ownerSetAt ?? Started,
            RecycleReason = recycleReason,
        };
        foreach (var (sla, state) in slas)
        {
            d.Why.Sla.Add(new SlaTrace(Rules.Slas.Single(s => s.Id == sla), state, Started.AddHours(4)));
        }

        return d;
    }

    private static ProcessedDecision Processed(Decision d, Person person, PersonMemo? memo) =>
        new(new CrmEvent("k", CrmKind.Salesforce, CrmObject.Person, "p1", "outbound.Lead", d.At, EventOrigin.OutboundMessage), d, "{}", 1, TimeSpan.Zero, person, memo);

    private async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Record_BreachThatReassigns_MissedCountedOnceThenTheNewAssignmentCountsAfresh()
    {
        var person = new Person { Id = "p1", Stage = Stage.Mql, StageEnteredAt = Started };
        var reassign = Decide(Stage.Mql, "haruto", DecisionOutcome.Assigned, Started.AddDays(1), slas: ("sr-first-touch", SlaState.Breached));
        var memo = PersonMemo.Empty with { StageSeen = Stage.Mql, SlaCountedFor = Started };

        _recorder.Record(Processed(reassign, person, memo));
        var after = memo.WithSlaResultsCounted(reassign);
        var metLater = Decide(Stage.Mql, "haruto", ownerSetAt: Started.AddDays(1), slas: ("sr-first-touch", SlaState.Met));
        _recorder.Record(Processed(metLater, person, after));
        _recorder.Record(Processed(metLater, person, after.WithSlaResultsCounted(metLater)));

        var scrape = await ScrapeAsync();
        Assert.Equal(1, Metric(scrape, "themodel_sla_total{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"missed\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_sla_total{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"met\"}"));
    }

    [Theory]
    [InlineData(1, "met")]
    [InlineData(5, "missed")]
    public async Task Record_RepMovesThePersonOnWhileTheClockRuns_ResultByTheDeadlineForTheOwnerWhoHadIt(int hoursLater, string result)
    {
        // The SR's first-touch clock runs (deadline Started + 4 h); then the rep marks the lead working in the CRM.
        var running = Decide(Stage.Mql, "aiko", slas: ("sr-first-touch", SlaState.Pending));
        var memo = (PersonMemo.Empty with { StageSeen = Stage.Mql, StageSeenEnteredAt = Started }).WithSlaResultsCounted(running);
        var person = new Person { Id = "p1", Stage = Stage.Working, StageEnteredAt = Started.AddHours(hoursLater) };
        var handedOn = Decide(Stage.Working, "aiko");
        handedOn.OwnerBefore = OwnerRef.ForMember(M("aiko"));

        _recorder.Record(Processed(handedOn, person, memo));
        _recorder.Record(Processed(handedOn, person, memo.WithSlaResultsCounted(handedOn)));

        var scrape = await ScrapeAsync();
        Assert.Equal(1, Metric(scrape, $"themodel_sla_total{{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"{result}\"}}"));
        Assert.DoesNotContain($"result=\"{(result == "met" ? "missed" : "met")}\"", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_MetShownAgainAtTheReassignThatEndsTheAssignment_NotCountedTwice()
    {
        var person = new Person { Id = "p1", Stage = Stage.Nurture, StageEnteredAt = Started };
        var kept = Decide(Stage.Mql, "ito", slas: ("sr-first-touch", SlaState.Met));
        var memo = PersonMemo.Empty.WithSlaResultsCounted(kept);
        var recheck = Decide(Stage.Mql, "yui", DecisionOutcome.Assigned, Started.AddDays(1), slas: ("sr-first-touch", SlaState.Met));

        _recorder.Record(Processed(recheck, person, memo));

        Assert.DoesNotContain("themodel_sla_total{", await ScrapeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_WorkerMovesToNurture_CountsTheRecycleByReasonAndTheStay()
    {
        var person = new Person { Id = "p1", Stage = Stage.Working, StageEnteredAt = Started.AddHours(1) };
        var d = Decide(Stage.Nurture, null, recycleReason: "no_response");

        _recorder.Record(Processed(d, person, PersonMemo.Empty with { StageSeen = Stage.Working }));

        var scrape = await ScrapeAsync();
        Assert.Equal(1, Metric(scrape, "themodel_recycles_total{reason=\"no_response\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_stage_transitions_total{crm=\"salesforce\",from=\"working\",to=\"nurture\",team=\"none\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_stage_entries_total{crm=\"salesforce\",stage=\"nurture\",team=\"none\"}"));
        Assert.Equal(TimeSpan.FromHours(23).TotalSeconds, Metric(scrape, "themodel_time_in_stage_seconds_sum{stage=\"working\",team=\"none\"}"));
    }

    [Fact]
    public async Task Record_CrmMovedThePersonThenTheWorkerToo_CountsBothTransitions()
    {
        var person = new Person { Id = "p1", Stage = Stage.Sql, StageEnteredAt = Started.AddHours(10) };
        var memo = PersonMemo.Empty with { StageSeen = Stage.Working, StageSeenEnteredAt = Started.AddHours(4) };
        var d = Decide(Stage.Customer, "sato");

        _recorder.Record(Processed(d, person, memo));

        var scrape = await ScrapeAsync();
        Assert.Equal(1, Metric(scrape, "themodel_stage_transitions_total{crm=\"salesforce\",from=\"working\",to=\"sql\",team=\"ae-smb\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_stage_transitions_total{crm=\"salesforce\",from=\"sql\",to=\"customer\",team=\"ae-smb\"}"));
        Assert.Equal(6 * 3600, Metric(scrape, "themodel_time_in_stage_seconds_sum{stage=\"working\",team=\"ae-smb\"}"));
        Assert.Equal(14 * 3600, Metric(scrape, "themodel_time_in_stage_seconds_sum{stage=\"sql\",team=\"ae-smb\"}"));
    }

    [Fact]
    public async Task Record_FirstSightingOfAnOlderPersonAlreadyWorked_NoTransitionNoEntry()
    {
        var person = new Person { Id = "p1", Stage = Stage.Working, CreatedAt = Started.AddDays(-30) };

        _recorder.Record(Processed(Decide(Stage.Working, "aiko"), person, null));

        var scrape = await ScrapeAsync();
        Assert.DoesNotContain("themodel_stage_transitions_total{", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("themodel_stage_entries_total{", scrape, StringComparison.Ordinal);
    }
}
