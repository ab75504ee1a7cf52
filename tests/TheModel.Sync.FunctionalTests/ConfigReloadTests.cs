using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>A config broken while the worker runs: readiness says degraded, routing goes on with the last good config.</summary>
public sealed class ConfigReloadTests
{
    [Fact]
    public async Task Run_ConfigBrokenWhileRunning_ReadinessDegradedAndLeadsStillRouted()
    {
        var config = CopyOfRepoConfig();
        try
        {
            await using var run = await FunctionalRun.CreateAsync(configDirectory: config, extraSettings: ["--Worker:ConfigCheckInterval=1s"]);
            await run.StartWorkersAsync();
            Assert.Equal("ok", (await run.Worker.ReadinessAsync()).Status);

            // An unclosed flow sequence: the file no longer parses.
            var routing = Path.Combine(config, "routing.yaml");
            await File.AppendAllTextAsync(routing, "\nthis_is_not_a_section: [\n");
            string? detail = null;
            await FunctionalRun.WaitUntilAsync(
                async () =>
                {
                    var (status, d) = await run.Worker.ReadinessAsync();
                    detail = d;
                    return status == "degraded";
                },
                TimeSpan.FromSeconds(20),
                () => Task.FromResult($"/readyz never said degraded after {routing} was broken; config check: {detail ?? "(none)"}; log: {run.Worker.LogPath}"));
            Assert.Equal(200, await run.Worker.ReadyStatusAsync());

            await run.World.CreateLeadsAsync(60, perSecond: 30);
            await run.DrainAsync(TimeSpan.FromSeconds(60));

            var problems = await run.ProblemsAsync();
            Assert.True(problems.Count == 0, $"{problems.Count} problem(s) while degraded (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");
            Assert.Equal("degraded", (await run.Worker.ReadinessAsync()).Status);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    private static string CopyOfRepoConfig()
    {
        var source = FunctionalRun.RepoConfig();
        var target = Directory.CreateTempSubdirectory("tm-func-config-").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
