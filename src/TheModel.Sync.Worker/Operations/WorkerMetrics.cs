using Prometheus;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Worker.Operations;

/// <summary>
/// The Prometheus series the worker exposes on <c>/metrics</c>. Each host has its own registry, so two hosts in one
/// process (tests, a sandbox beside a daemon) do not add to each other's counts. Names start <c>themodel_</c>.
/// </summary>
internal sealed class WorkerMetrics
{
    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];

    // Stays run from minutes (a lead worked at once) to months (nurture): 1 min, 5 min, 15 min, 1 h, 4 h, 8 h, 1, 2, 3,
    // 7, 14, 30, 60, 90, 180 and 365 days.
    private static readonly double[] StayBuckets = [60, 300, 900, 3_600, 14_400, 28_800, 86_400, 172_800, 259_200, 604_800, 1_209_600, 2_592_000, 5_184_000, 7_776_000, 15_552_000, 31_536_000];

    private readonly Lock _ownersGate = new();
    private HashSet<(string Team, string Member)> _ownersPublished = [];
    private HashSet<(string Team, string Member)> _capacityPublished = [];

    public WorkerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);

        EventsReceived = factory.CreateCounter(
            "themodel_events_received_total", "Routable events (people, accounts, opportunities) from accepted webhook and Outbound Message deliveries, polls and sweeps.", "crm", "origin", "object");
        EventsQueued = factory.CreateCounter(
            "themodel_events_queued_total", "Events newly queued (not seen before under their dedupe key).", "crm", "origin");
        EventsDuplicate = factory.CreateCounter(
            "themodel_events_duplicate_total", "Events accepted but not queued because their dedupe key was already queued.", "crm", "origin");
        EventsIgnored = factory.CreateCounter(
            "themodel_events_ignored_total", "Accepted events of a type the worker does not route (unknown HubSpot subscription types, other sObjects).", "crm", "type");
        Rejected = factory.CreateCounter(
            "themodel_webhook_rejected_total", "Webhook and Outbound Message requests refused, by reason.", "crm", "reason");
        EventsProcessed = factory.CreateCounter(
            "themodel_events_processed_total", "Queued events handled by the consumer, by result (done, ignored, retry, dead_lettered).", "crm", "result");
        Decisions = factory.CreateCounter(
            "themodel_decisions_total", "Routing decisions made, by the rule that decided and the outcome.", "rule", "outcome");
        Writes = factory.CreateCounter(
            "themodel_crm_writes_total", "CRM write items (updates and tasks), by result (written, unchanged, rejected, failed).", "crm", "result");
        CrmCalls = factory.CreateCounter(
            "themodel_crm_operations_total", "Connector operations, by kind (poll, read, write, owners) and result (ok, error, auth_error).", "crm", "operation", "result");
        DeadLettered = factory.CreateCounter(
            "themodel_dead_lettered_total", "Events moved to the dead letters by this instance.", "crm");
        EventToWrite = factory.CreateHistogram(
            "themodel_event_to_write_seconds", "From the change in the CRM (the event's time) to its decision written back.", new HistogramConfiguration
            {
                LabelNames = ["crm"],
                Buckets = LatencyBuckets,
            });
        ConfigReloads = factory.CreateCounter(
            "themodel_config_reloads_total", "Config reloads, by result (ok, failed).", "result");

        // Published from the start, so a dashboard's rate() has a zero to start from before the first reload.
        ConfigReloads.WithLabels("ok");
        ConfigReloads.WithLabels("failed");
        ConfigDegraded = factory.CreateGauge(
            "themodel_config_degraded", "1 while the last reload failed and the last good config is still in use.");
        QueueDepth = factory.CreateGauge(
            "themodel_queue_depth", "Queue entries by state (pending: not yet read; unacknowledged: read, not yet done; dead_letter).", "state");
        QueueLag = factory.CreateGauge(
            "themodel_queue_lag_seconds", "Age of the oldest entry not yet acknowledged.");
        DeadLetters = factory.CreateGauge(
            "themodel_dead_letters", "Events in the dead letters.");
        ApiCalls = factory.CreateGauge(
            "themodel_crm_api_calls", "API calls the connector has made (its own count).", "crm");
        ApiBudgetRemaining = factory.CreateGauge(
            "themodel_crm_api_budget_remaining", "Calls left under the connector's daily allocation.", "crm");
        ApiDailyUsed = factory.CreateGauge(
            "themodel_crm_api_daily_used", "The CRM's own count of API calls used today, when it reports one.", "crm");
        ApiDailyLimit = factory.CreateGauge(
            "themodel_crm_api_daily_limit", "The CRM's daily API limit, when it reports one.", "crm");
        ApiPaused = factory.CreateGauge(
            "themodel_crm_api_paused", "1 while the connector has paused calls (budget spent, rate limited).", "crm");
        RosterProblems = factory.CreateGauge(
            "themodel_roster_problems", "Roster members and queues whose CRM id is missing, unknown or inactive, at the last roster refresh.", "crm");
        JobRuns = factory.CreateCounter(
            "themodel_job_runs_total", "Periodic job runs, by job and result (ok, skipped: another instance holds the lease, error).", "job", "result");

        // The funnel. Label sets appear as people reach them (no pre-population); team is the owner's team after the
        // decision, "none" when the owner is no roster member.
        StageEntries = factory.CreateCounter(
            "themodel_stage_entries_total", "Entries into a stage, made by the worker or seen as made in the CRM (and people created since the worker started, into new).", "crm", "stage", "team");
        StageTransitions = factory.CreateCounter(
            "themodel_stage_transitions_total", "Stage changes from -> to, made by the worker or seen as made in the CRM since the worker last saw the person.", "crm", "from", "to", "team");
        TimeInStage = factory.CreateHistogram(
            "themodel_time_in_stage_seconds", "Completed stays in a stage whose entry time is known: from entering the stage to leaving it.", new HistogramConfiguration
            {
                LabelNames = ["stage", "team"],
                Buckets = StayBuckets,
            });
        SlaResults = factory.CreateCounter(
            "themodel_sla_total", "SLA results, once per SLA and assignment: met or missed (breached).", "sla", "team", "result");
        Recycles = factory.CreateCounter(
            "themodel_recycles_total", "Entries into nurture, by recycle reason (none when the decision carries none).", "reason");
        RecycleFanOuts = factory.CreateCounter(
            "themodel_recycle_fanouts_total", "Lost opportunities and churned accounts whose people were queued for the recycle rules' on: events.", "crm", "object");
        RecycleFanOutPeople = factory.CreateCounter(
            "themodel_recycle_fanout_people_total", "People queued for the recycle rules' on: events (a lost opportunity's or churned account's people).", "crm", "object");
        OwnerOpen = factory.CreateGauge(
            "themodel_owner_open", "Open people per roster member in the shared routing state (what max_open is checked against).", "team", "member");
        OwnerCapacity = factory.CreateGauge(
            "themodel_owner_capacity", "A roster member's max_open (members without one are not listed).", "team", "member");
    }

    public CollectorRegistry Registry { get; }

    public Counter EventsReceived { get; }

    public Counter EventsQueued { get; }

    public Counter EventsDuplicate { get; }

    public Counter EventsIgnored { get; }

    public Counter Rejected { get; }

    public Counter EventsProcessed { get; }

    public Counter Decisions { get; }

    public Counter Writes { get; }

    public Counter CrmCalls { get; }

    public Counter DeadLettered { get; }

    public Histogram EventToWrite { get; }

    public Counter ConfigReloads { get; }

    public Gauge ConfigDegraded { get; }

    public Gauge QueueDepth { get; }

    public Gauge QueueLag { get; }

    public Gauge DeadLetters { get; }

    public Gauge ApiCalls { get; }

    public Gauge ApiBudgetRemaining { get; }

    public Gauge ApiDailyUsed { get; }

    public Gauge ApiDailyLimit { get; }

    public Gauge ApiPaused { get; }

    public Gauge RosterProblems { get; }

    public Counter JobRuns { get; }

    public Counter StageEntries { get; }

    public Counter StageTransitions { get; }

    public Histogram TimeInStage { get; }

    public Counter SlaResults { get; }

    public Counter Recycles { get; }

    public Counter RecycleFanOuts { get; }

    public Counter RecycleFanOutPeople { get; }

    public Gauge OwnerOpen { get; }

    public Gauge OwnerCapacity { get; }

    public static string Label(CrmKind crm) => crm == CrmKind.Salesforce ? "salesforce" : "hubspot";

    public static string Label(EventOrigin origin) => origin switch
    {
        EventOrigin.Webhook => "webhook",
        EventOrigin.OutboundMessage => "outbound_message",
        EventOrigin.Poll => "poll",
        _ => "sweep",
    };

    public static string Label(CrmObject obj) => obj switch
    {
        CrmObject.Person => "person",
        CrmObject.Account => "account",
        CrmObject.Opportunity => "opportunity",
        _ => "task",
    };

    public static string Label(WriteStatus status) => status switch
    {
        WriteStatus.Written => "written",
        WriteStatus.Unchanged => "unchanged",
        WriteStatus.Rejected => "rejected",
        _ => "failed",
    };

    public static string Label(EventResult result) => result switch
    {
        EventResult.Done => "done",
        EventResult.Ignored => "ignored",
        EventResult.Retry => "retry",
        _ => "dead_lettered",
    };

    /// <summary>Counts events offered to the queue and how many of them were new.</summary>
    public void CountEnqueued(IReadOnlyList<CrmEvent> events, int queued)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            EventsReceived.WithLabels(Label(e.Crm), Label(e.Origin), Label(e.Object)).Inc();
        }

        if (events.Count == 0)
        {
            return;
        }

        // One delivery comes from one CRM and origin, so the split of new and repeated events needs no per-event detail.
        var first = events[0];
        EventsQueued.WithLabels(Label(first.Crm), Label(first.Origin)).Inc(queued);
        EventsDuplicate.WithLabels(Label(first.Crm), Label(first.Origin)).Inc(events.Count - queued);
    }

    /// <summary>Refreshes the queue and budget gauges; called just before each scrape.</summary>
    public void SetQueue(QueueStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        QueueDepth.WithLabels("pending").Set(stats.Pending);
        QueueDepth.WithLabels("unacknowledged").Set(stats.Unacknowledged);
        QueueDepth.WithLabels("dead_letter").Set(stats.DeadLetters);
        QueueLag.Set(stats.OldestAge.TotalSeconds);
        DeadLetters.Set(stats.DeadLetters);
    }

    public void SetBudget(ApiBudgetSnapshot budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var crm = Label(budget.Crm);
        ApiCalls.WithLabels(crm).Set(budget.CallsMade);
        // Our own allocation, and the org's whole limit when the CRM reports it (other apps spend from it too).
        var remaining = budget.DailyCap - budget.CallsMade;
        if (budget.DailyLimit is { } limit && budget.DailyUsed is { } used)
        {
            remaining = Math.Min(remaining, limit - used);
        }

        ApiBudgetRemaining.WithLabels(crm).Set(Math.Max(0, remaining));
        if (budget.DailyUsed is { } u)
        {
            ApiDailyUsed.WithLabels(crm).Set(u);
        }

        if (budget.DailyLimit is { } l)
        {
            ApiDailyLimit.WithLabels(crm).Set(l);
        }

        ApiPaused.WithLabels(crm).Set(budget.Paused ? 1 : 0);
    }

    /// <summary>
    /// Sets each roster member's open count and max_open from the routing state; members no longer in the roster
    /// (a reload removed them) are withdrawn rather than left at their last value.
    /// </summary>
    public void SetOwners(RuleSet rules, IRoutingState state)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(state);
        lock (_ownersGate)
        {
            var open = new HashSet<(string, string)>();
            var capacity = new HashSet<(string, string)>();
            foreach (var team in rules.Teams)
            {
                foreach (var member in team.Members)
                {
                    OwnerOpen.WithLabels(team.Id, member.Id).Set(state.OpenCount(member));
                    open.Add((team.Id, member.Id));
                    if (member.MaxOpen is { } max)
                    {
                        OwnerCapacity.WithLabels(team.Id, member.Id).Set(max);
                        capacity.Add((team.Id, member.Id));
                    }
                }
            }

            foreach (var (team, member) in _ownersPublished.Except(open))
            {
                OwnerOpen.RemoveLabelled(team, member);
            }

            foreach (var (team, member) in _capacityPublished.Except(capacity))
            {
                OwnerCapacity.RemoveLabelled(team, member);
            }

            _ownersPublished = open;
            _capacityPublished = capacity;
        }
    }
}
