using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// An entry into a stage at its entered time, with the owner after the decision that showed it. The person's first
/// observation is an entry too; the builder counts it only when it falls inside the report's window.
/// </summary>
internal sealed record StageEntry(Stage Stage, DateTimeOffset At, string Team, string? Member, string? RecycleReason);

/// <summary>One SLA clock: a person's SLA for one assignment (its owner_set_at), with what the decisions showed of it.</summary>
internal sealed class SlaTrack(string sla, DateTimeOffset ownerSetAt, string team, string? member)
{
    public string Sla { get; } = sla;

    public DateTimeOffset OwnerSetAt { get; } = ownerSetAt;

    public string Team { get; } = team;

    public string? Member { get; } = member;

    /// <summary>The latest deadline shown (a business-hours clock can be recomputed).</summary>
    public DateTimeOffset? Deadline { get; set; }

    public bool Met { get; set; }

    public bool Breached { get; set; }

    public double? FirstTouchSeconds { get; set; }
}

/// <summary>What the report keeps of one person: its stage entries in order and its SLA clocks.</summary>
internal sealed class PersonTrack
{
    private readonly List<StageEntry> _entries = [];
    private readonly List<SlaTrack> _slas = [];

    // Assignments still waiting for their first touch: owner_set_at and the touches shown when the clock was first seen.
    private readonly List<(DateTimeOffset OwnerSetAt, int? Touches, List<SlaTrack> Clocks)> _awaitingTouch = [];
    private Stage _lastStage;
    private DateTimeOffset _lastEntered;
    private bool _lastEnteredExplicit;

    public bool HasObservation { get; private set; }

    public IReadOnlyList<StageEntry> Entries => _entries;

    public IReadOnlyList<SlaTrack> Slas => _slas;

    /// <summary>The entries up to <paramref name="to"/> (entries after it are outside the report).</summary>
    public IReadOnlyList<StageEntry> EntriesUpTo(DateTimeOffset? to) =>
        to is { } end && _entries.Exists(e => e.At >= end) ? _entries.FindAll(e => e.At < end) : _entries;

    /// <summary>
    /// One observation of the person's stage. A different stage than the last one is an entry; so is the same stage
    /// entered later, but only when both entered times were written: a time filled in from <c>at</c> is no evidence
    /// that the person left and came back.
    /// </summary>
    public void Observe(Stage stage, DateTimeOffset? entered, DateTimeOffset fallback, string team, string? member, string? recycleReason)
    {
        var at = entered ?? fallback;
        var isEntry = !HasObservation
            || stage != _lastStage
            || (entered is { } e && _lastEnteredExplicit && e > _lastEntered);
        if (isEntry)
        {
            _entries.Add(new StageEntry(stage, at, team, member, recycleReason));
            _lastEntered = at;
            _lastEnteredExplicit = entered is not null;
        }
        else if (entered is { } explicitTime && !_lastEnteredExplicit)
        {
            _lastEntered = explicitTime;
            _lastEnteredExplicit = true;
        }

        _lastStage = stage;
        HasObservation = true;
    }

    /// <summary>
    /// A decision after an assignment that shows a touch since it (last_touch_at after owner_set_at, or more touches)
    /// gives that assignment its time to first touch. Called with each decision before its own SLA clocks are read.
    /// </summary>
    public void WatchFirstTouch(LogDecision d)
    {
        for (var i = _awaitingTouch.Count - 1; i >= 0; i--)
        {
            var (ownerSetAt, touches, clocks) = _awaitingTouch[i];
            var touchedAfter = d.LastTouchAt is { } last && last > ownerSetAt;
            var moreTouches = d.Touches is { } now && touches is { } before && now > before;
            if (!touchedAfter && !moreTouches)
            {
                continue;
            }

            if (touchedAfter)
            {
                var seconds = (d.LastTouchAt!.Value - ownerSetAt).TotalSeconds;
                foreach (var clock in clocks)
                {
                    clock.FirstTouchSeconds = seconds;
                }
            }

            _awaitingTouch.RemoveAt(i);
        }
    }

    public void ObserveSla(SlaMention mention, LogDecision d, string team, string? member)
    {
        var ownerSetAt = d.OwnerSetAt ?? d.At;
        var clock = _slas.Find(s => s.Sla == mention.Sla && s.OwnerSetAt == ownerSetAt);
        if (clock is null)
        {
            clock = new SlaTrack(mention.Sla, ownerSetAt, team, member);
            _slas.Add(clock);
            var waiting = _awaitingTouch.FindIndex(w => w.OwnerSetAt == ownerSetAt);
            if (waiting >= 0)
            {
                _awaitingTouch[waiting].Clocks.Add(clock);
            }
            else if (!_slas.Exists(s => s != clock && s.OwnerSetAt == ownerSetAt))
            {
                _awaitingTouch.Add((ownerSetAt, d.Touches, [clock]));
            }
            else
            {
                // Another SLA of this assignment was already touched: the same first touch applies.
                clock.FirstTouchSeconds = _slas.Find(s => s != clock && s.OwnerSetAt == ownerSetAt)!.FirstTouchSeconds;
            }
        }

        clock.Deadline = mention.Deadline ?? clock.Deadline;
        clock.Met |= mention.State == "met";
        clock.Breached |= mention.State == "breached";
    }
}
