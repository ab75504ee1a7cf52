using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>SIGKILL at random moments under traffic: every lead's effect exactly once after restarts on the same Redis.</summary>
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task Run_KilledThreeTimesUnderTraffic_EveryLeadRoutedOnceAndNoTaskTwice()
    {
        await using var run = await FunctionalRun.CreateAsync();
        await run.StartWorkersAsync();

        const int Leads = 300;
        var random = new Random(11);
        var killAt = Enumerable.Range(0, 3).Select(i => (i * Leads / 3) + random.Next(20, Leads / 3 - 10)).ToHashSet();
        await run.World.CreateLeadsAsync(Leads, perSecond: 50, async created =>
        {
            if (killAt.Contains(created))
            {
                await run.Worker.KillAsync();

                // Traffic goes on while the worker is down: the CRMs retry their deliveries until it is back.
                await run.World.CreateLeadsAsync(5, perSecond: 50);
                await run.Worker.StartAsync();
            }
        });

        await run.DrainAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(4, run.Worker.Starts);
        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) after 3 kills (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");
    }
}
