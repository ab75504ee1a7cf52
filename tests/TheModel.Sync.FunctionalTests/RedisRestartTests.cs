using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>Redis (AOF, fsync always) killed and restarted under traffic: the worker reconnects and loses nothing.</summary>
public sealed class RedisRestartTests
{
    [Fact]
    public async Task Run_RedisKilledAndRestartedUnderTraffic_WorkerReconnectsAndEveryLeadRoutedOnce()
    {
        await using var run = await FunctionalRun.CreateAsync(appendOnly: true);
        await run.StartWorkersAsync();

        await run.World.CreateLeadsAsync(200, perSecond: 40, async created =>
        {
            if (created == 100)
            {
                await run.Redis.CrashAndRestartAsync();
            }
        });

        await run.DrainAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.Worker.IsRunning, $"the worker exited after the Redis restart; log: {run.Worker.LogPath}\n{run.Worker.LogTail()}");
        Assert.Equal(200, await run.Worker.ReadyStatusAsync());
        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) after a Redis restart (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");
    }
}
