using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;

namespace TheModel.Sync.Redis.Tests.Contract;

/// <summary>The shared contract against the embedded in-process stores, on a fake clock.</summary>
public sealed class InProcessStoreContractTests : StoreContractTests
{
    private readonly FakeTimeProvider _time = new(T0);
    private InProcessStores? _routing;

    protected override TimeSpan Short => TimeSpan.FromMinutes(5);

    protected override TimeProvider Clock => _time;

    protected override Task PassAsync(TimeSpan span)
    {
        _time.Advance(span);
        return Task.CompletedTask;
    }

    protected override IEventQueue Queue(TimeSpan dedupeTtl) => new InProcessEventQueue(_time, dedupeTtl);

    protected override IPlanJournal Journal(TimeSpan retention) => new InProcessStores(_time) { PlanRetention = retention };

    protected override IWatermarkStore Watermarks() => new InProcessStores(_time);

    protected override ILeaseStore Leases() => new InProcessStores(_time);

    protected override IDueSchedule Due() => new InProcessStores(_time);

    protected override IDecisionLog Log(int retention) => new InProcessStores(_time, retention);

    protected override IPersonMemory Memory() => new InProcessStores(_time);

    // One process holds one routing state: both "instances" share it.
    protected override IRoutingStore Routing() => _routing ??= new InProcessStores(_time);

    protected override IRecordMarks Marks() => _routing ??= new InProcessStores(_time);
}
