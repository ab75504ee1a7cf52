using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>Two worker processes on one Redis: the work is shared, and done once.</summary>
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task Run_TwoWorkersOnOneRedis_EachEventDecidedOnceAndBothShareTheWork()
    {
        // Salesforce sends to the first worker, HubSpot to the second; both consume the one queue.
        await using var run = await FunctionalRun.CreateAsync(workers: 2);
        await run.StartWorkersAsync();

        await run.World.CreateLeadsAsync(240, perSecond: 40);
        await run.DrainAsync(TimeSpan.FromSeconds(60));

        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) with two workers (logs: {run.WorkDirectory}):\n{string.Join('\n', problems.Take(25))}");

        var processed = new List<double>();
        foreach (var w in run.Workers)
        {
            processed.Add(await w.MetricAsync("themodel_events_processed_total"));
        }

        var total = processed.Sum();
        Assert.True(total >= run.World.Created.Count, $"the workers processed {total} events for {run.World.Created.Count} leads");
        for (var i = 0; i < processed.Count; i++)
        {
            Assert.True(
                processed[i] >= 0.2 * total,
                $"{run.Workers[i].Name} processed {processed[i]} of {total} events ({processed[i] / total:P0}); each instance should take at least 20% (themodel_events_processed_total)");
        }
    }
}
