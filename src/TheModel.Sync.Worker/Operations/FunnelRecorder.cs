using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Operations;

/// <summary>
/// Turns each decision the consumer made into the funnel series: stage entries and transitions (the worker's own, and
/// those the CRM made since the worker last saw the person), completed stays, SLA results once per assignment, and
/// entries into nurture by recycle reason.
/// </summary>
/// <remarks>
/// A person the worker has never decided on (no memo) counts no transition, since where it was before is unknown; it
/// counts an entry into <c>new</c> when it was created after this instance started, so a restart does not count
/// the existing people again.
/// </remarks>
internal sealed class FunnelRecorder(WorkerMetrics metrics, DateTimeOffset started)
{
    private const string NoTeam = "none";

    public DateTimeOffset Started => started;

    public void Record(ProcessedDecision processed)
    {
        ArgumentNullException.ThrowIfNull(processed);
        if (processed.Person is not { } person)
        {
            return;
        }

        var d = processed.Decision;
        var crm = WorkerMetrics.Label(processed.Event.Crm);
        var team = d.Team?.Id ?? NoTeam;
        var before = person.Stage ?? Stage.New;
        var memo = processed.MemoBefore;

        if (memo?.StageSeen is { } seen)
        {
            if (seen != before)
            {
                // Changed in the CRM: the stay in the stage the worker saw ended when the new one was entered.
                Enter(crm, seen, before, team, d);
                if (memo.StageSeenEnteredAt is { } seenEntered)
                {
                    Stay(seen, team, (person.StageEnteredAt ?? d.At) - seenEntered);
                }
            }
        }
        else if (person.CreatedAt is { } created && created > started)
        {
            metrics.StageEntries.WithLabels(crm, Stage.New.Name(), team).Inc();
        }

        if (d.Stage != before)
        {
            Enter(crm, before, d.Stage, team, d);
            if (person.StageEnteredAt is { } entered)
            {
                Stay(before, team, d.At - entered);
            }
        }

        foreach (var sla in (memo ?? PersonMemo.Empty).UncountedSlaResults(d))
        {
            metrics.SlaResults.WithLabels(sla.Sla.Id, team, sla.State == SlaState.Met ? "met" : "missed").Inc();
        }

        // A clock that no longer shows (the person moved on, e.g. worked or qualified before the deadline): its result
        // belongs to the owner who had it.
        var leftAt = memo?.StageSeen is { } was && was != before ? person.StageEnteredAt ?? d.At : d.At;
        foreach (var (sla, met) in (memo ?? PersonMemo.Empty).SlasLeft(d, leftAt))
        {
            metrics.SlaResults.WithLabels(sla, d.OwnerBefore.Member?.Team.Id ?? team, met ? "met" : "missed").Inc();
        }
    }

    private void Enter(string crm, Stage from, Stage to, string team, Decision d)
    {
        metrics.StageTransitions.WithLabels(crm, from.Name(), to.Name(), team).Inc();
        metrics.StageEntries.WithLabels(crm, to.Name(), team).Inc();
        if (to == Stage.Nurture)
        {
            metrics.Recycles.WithLabels(d.RecycleReason ?? "none").Inc();
        }
    }

    private void Stay(Stage stage, string team, TimeSpan stay)
    {
        // A clock difference between the CRM and the worker can make a stay look negative; it is then not a stay at all.
        if (stay >= TimeSpan.Zero)
        {
            metrics.TimeInStage.WithLabels(stage.Name(), team).Observe(stay.TotalSeconds);
        }
    }
}
