using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Worker.Host;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>
/// The leases this instance takes for periodic work, remembered so that a graceful stop hands them back at once
/// instead of leaving the work idle until they expire. A held lease is renewed on each run, so the work stays on
/// one instance (no watermark ping-pong) until that instance stops or dies.
/// </summary>
internal sealed class HeldLeases(ILeaseStore leases, InstanceIdentity identity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    public string Holder => identity.Name;

    /// <summary>Takes or renews <paramref name="name"/>; false while another instance holds it.</summary>
    public async Task<bool> TryHoldAsync(string name, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var held = await leases.TryAcquireAsync(name, identity.Name, ttl, cancellationToken);
        lock (_gate)
        {
            if (held)
            {
                _held.Add(name);
            }
            else
            {
                _held.Remove(name);
            }
        }

        return held;
    }

    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        string[] names;
        lock (_gate)
        {
            names = [.. _held];
            _held.Clear();
        }

        foreach (var name in names)
        {
            await leases.ReleaseAsync(name, identity.Name, cancellationToken);
        }
    }

    /// <summary>A lease outlives a few missed runs, so a slow run does not lose it, and a dead holder's lapses soon after.</summary>
    public static TimeSpan TtlFor(TimeSpan interval) => TimeSpan.FromTicks(Math.Max(interval.Ticks * 3, TimeSpan.FromSeconds(30).Ticks));
}

/// <summary>Hands back the leases on a graceful stop.</summary>
internal sealed class LeaseReleaseOnStop(HeldLeases leases) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => leases.ReleaseAllAsync(cancellationToken);
}
