using System.Collections.Concurrent;
using System.Diagnostics;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Host;

namespace TheModel.Sync.Worker.Sandbox;

/// <summary>
/// Watches the consumer's batches in the sandbox: every decision (for the summary, the live table and the decision
/// log file), and the time from a lead's creation in a simulated CRM to the first write that followed it.
/// </summary>
internal sealed class SandboxRecorder : IBatchObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<(CrmKind, string), long> _created = new();
    private readonly Dictionary<(CrmKind, string), Decision> _last = [];
    private readonly Dictionary<string, int> _writesPerEvent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byRule = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byTeam = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _recyclesByRule = new(StringComparer.Ordinal);
    private readonly List<double> _latenciesMs = [];
    private readonly HashSet<(CrmKind, string)> _routed = [];
    private readonly StreamWriter? _log;

    public SandboxRecorder(string? decisionLogPath)
    {
        if (decisionLogPath is not null)
        {
            _log = new StreamWriter(decisionLogPath, append: false) { AutoFlush = false };
        }
    }

    public long EventsProcessed { get; private set; }

    public long PersonsEvaluated { get; private set; }

    public int DuplicatedEffects { get; private set; }

    /// <summary>Notes when a lead was created in a simulated CRM (the start of its event-to-write clock).</summary>
    public void Created(CrmKind crm, string recordId) => _created.TryAdd((crm, recordId), Stopwatch.GetTimestamp());

    public void OnBatch(IReadOnlyList<QueuedEvent> batch, BatchResult result)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            EventsProcessed += batch.Count;
            foreach (var d in result.Decisions)
            {
                PersonsEvaluated++;
                var key = (d.Event.Crm, d.Event.RecordId);
                _last[key] = d.Decision;
                _log?.WriteLine(d.Json);
                if (d.Writes > 0)
                {
                    // One event, one set of effects: a second decision that wrote for the same event is a duplicate.
                    var count = _writesPerEvent[d.Event.DedupeKey] = _writesPerEvent.GetValueOrDefault(d.Event.DedupeKey) + 1;
                    if (count > 1)
                    {
                        DuplicatedEffects++;
                    }

                    if (_created.TryRemove(key, out var started))
                    {
                        _latenciesMs.Add(Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
                    }
                }

                if (d.Decision.RecycleRule is { } recycled && d.Decision.Actions.Any(a => a.Field == "recycle_rule"))
                {
                    _recyclesByRule[recycled] = _recyclesByRule.GetValueOrDefault(recycled) + 1;
                }

                if (d.Decision.Outcome == DecisionOutcome.Assigned)
                {
                    _routed.Add(key);
                    var rule = d.Decision.Rule ?? "(none)";
                    _byRule[rule] = _byRule.GetValueOrDefault(rule) + 1;
                    var team = d.Decision.Team?.Id ?? d.Decision.Owner.Name ?? "(none)";
                    _byTeam[team] = _byTeam.GetValueOrDefault(team) + 1;
                }
            }
        }
    }

    public SandboxSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new SandboxSnapshot(
                EventsProcessed,
                PersonsEvaluated,
                _routed.Count,
                new SortedDictionary<string, int>(_byRule, StringComparer.Ordinal),
                new SortedDictionary<string, int>(_byTeam, StringComparer.Ordinal),
                new SortedDictionary<string, int>(_recyclesByRule, StringComparer.Ordinal),
                Percentile(_latenciesMs, 0.50),
                Percentile(_latenciesMs, 0.95),
                Percentile(_latenciesMs, 0.99),
                _latenciesMs.Count);
        }
    }

    /// <summary>The last decision made for a person, if any.</summary>
    public Decision? LastDecision(CrmKind crm, string recordId)
    {
        lock (_gate)
        {
            return _last.GetValueOrDefault((crm, recordId));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _log?.Flush();
            _log?.Dispose();
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return Math.Round(sorted[Math.Clamp(rank, 0, sorted.Length - 1)], 1);
    }
}

internal sealed record SandboxSnapshot(
    long EventsProcessed,
    long PersonsEvaluated,
    int PersonsRouted,
    IReadOnlyDictionary<string, int> DecisionsByRule,
    IReadOnlyDictionary<string, int> OwnersByTeam,
    IReadOnlyDictionary<string, int> RecyclesByRule,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    int LatencySamples);
