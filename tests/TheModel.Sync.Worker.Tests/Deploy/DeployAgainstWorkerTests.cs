using System.Diagnostics;
using System.Net;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Tests.Support;
using YamlDotNet.RepresentationModel;
using static TheModel.Sync.Worker.Tests.Deploy.DeployFiles;
using static TheModel.Sync.Worker.Tests.Deploy.YamlPath;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>The deployment files against the worker itself: its endpoints, and its config loading from a ConfigMap mount.</summary>
public sealed class DeployAgainstWorkerTests
{
    [Fact]
    public async Task ProbedPaths_AreEndpointsTheWorkerMaps_Returning200()
    {
        var deployment = Yaml(Deployment);
        var container = (YamlMappingNode)Assert.Single(Seq(Deployment, deployment, "spec", "template", "spec", "containers"));
        var paths = new List<(string Where, string Path)>
        {
            ($"{Deployment} prometheus.io/path", Text(Deployment, deployment, "spec", "template", "metadata", "annotations", "prometheus.io/path")),
            ($"{Dockerfile} HEALTHCHECK", "/healthz"),
        };
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            paths.Add(($"{Deployment} {probe}", Text(Deployment, container, probe, "httpGet", "path")));
        }

        await using var host = await WorkerTestHost.StartAsync();
        foreach (var (where, path) in paths)
        {
            using var response = await host.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{where}: GET {path} on the worker answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task HealthCheckCommand_AgainstARunningWorker_ExitsZero_AndAgainstNothing_NonZero()
    {
        var command = DockerfileTests.HealthCheck();
        var port = DockerfileTests.HealthCheckPort();
        await using var host = await WorkerTestHost.StartAsync();

        var up = await RunBashAsync(command.Replace($"/{port}", $"/{host.BaseAddress.Port}", StringComparison.Ordinal));
        Assert.True(up.ExitCode == 0, $"{Dockerfile}: HEALTHCHECK against the running worker exited {up.ExitCode}: {up.Error}");

        var freePort = FreePort();
        var down = await RunBashAsync(command.Replace($"/{port}", $"/{freePort}", StringComparison.Ordinal));
        Assert.True(down.ExitCode != 0, $"{Dockerfile}: HEALTHCHECK with nothing listening exited 0");
    }

    [Fact]
    public async Task ConfigMapMount_AsKubeletLaysItOut_LoadsAndAListChangeChangesTheHash()
    {
        using var mount = new TempFolder();
        var version1 = KubeletLayout(mount.Path, "..2026_11_27_10_00_00.000000001", listSuffix: string.Empty);
        File.CreateSymbolicLink(Path.Combine(mount.Path, "..data"), Path.GetFileName(version1));
        foreach (var top in Directory.EnumerateFileSystemEntries(version1).Select(e => Path.GetFileName(e)!))
        {
            File.CreateSymbolicLink(Path.Combine(mount.Path, top), Path.Combine("..data", top));
        }

        var loaded = ConfigLoading.Load(mount.Path, runTests: true, WorkerTestHost.Monday10Tokyo);
        Assert.True(loaded.Config is not null, $"the config as {Deployment} mounts it does not load: {string.Join(" | ", loaded.Errors)}");
        var folder = new ConfigFolder(mount.Path, false);
        var before = folder.ContentHash();

        // kubelet's update: a new timestamped folder, then ..data swapped to it by rename(2) of a new link over the old
        // one (File.Move would follow the link to the folder, so mv -T does the rename).
        var version2 = KubeletLayout(mount.Path, "..2026_11_27_10_05_00.000000002", listSuffix: "\nnewly-added-tier1.example\n");
        File.CreateSymbolicLink(Path.Combine(mount.Path, "..data_tmp"), Path.GetFileName(version2));
        var swap = await RunBashAsync($"mv -T '{Path.Combine(mount.Path, "..data_tmp")}' '{Path.Combine(mount.Path, "..data")}'");
        Assert.True(swap.ExitCode == 0, $"swapping ..data failed: {swap.Error}");
        Assert.Contains("newly-added-tier1.example", File.ReadAllText(Path.Combine(mount.Path, "lists", "abm-tier1.csv")), StringComparison.Ordinal);

        Assert.True(folder.ContentHash() != before, "a changed list file under the projected lists/ folder did not change the config folder's hash, so the worker would not reload it");
    }

    /// <summary>One timestamped copy of the config, as the projected volume holds it: the *.yaml files and lists/.</summary>
    private static string KubeletLayout(string mount, string name, string listSuffix)
    {
        var folder = Path.Combine(mount, name);
        Directory.CreateDirectory(Path.Combine(folder, "lists"));
        var config = PathOf("config");
        foreach (var yaml in Directory.EnumerateFiles(config, "*.yaml"))
        {
            File.Copy(yaml, Path.Combine(folder, Path.GetFileName(yaml)));
        }

        foreach (var list in Directory.EnumerateFiles(Path.Combine(config, "lists")))
        {
            File.WriteAllText(Path.Combine(folder, "lists", Path.GetFileName(list)), File.ReadAllText(list) + listSuffix);
        }

        return folder;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Error)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await error).Trim());
    }
}
