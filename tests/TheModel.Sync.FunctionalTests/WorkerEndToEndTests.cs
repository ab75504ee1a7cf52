using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>The worker process on Redis against both simulated CRMs: every inbound lead routed once.</summary>
public sealed class WorkerEndToEndTests
{
    [Fact]
    public async Task Run_NewLeadsInBothCrms_EveryLeadGetsTheLoggedDecisionsOwnerAndStageOnce()
    {
        await using var run = await FunctionalRun.CreateAsync();
        await run.StartWorkersAsync();

        await run.World.CreateLeadsAsync(200, perSecond: 40);
        await run.DrainAsync(TimeSpan.FromSeconds(60));

        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");
        Assert.Equal(200, run.World.Created.Count);
    }
}
