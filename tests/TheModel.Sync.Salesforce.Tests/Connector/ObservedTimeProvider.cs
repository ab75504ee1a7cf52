using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace TheModel.Sync.Salesforce.Tests.Connector;

/// <summary>
/// A fake clock that also records the due time of every timer created on it, so a test can wait until the code under
/// test is really waiting (a delay registered) before it moves the clock, instead of racing it.
/// </summary>
internal sealed class ObservedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<TimeSpan> _timers = new();

    public int TimersCreated(TimeSpan dueTime) => _timers.Count(t => t == dueTime);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (real time, bounded) until <paramref name="count"/> timers of <paramref name="dueTime"/> exist.</summary>
    public Task WaitForTimersAsync(TimeSpan dueTime, int count) =>
        SalesforceHarness.WaitUntilAsync(() => TimersCreated(dueTime) >= count, $"{count} timer(s) of {dueTime} are created");
}
