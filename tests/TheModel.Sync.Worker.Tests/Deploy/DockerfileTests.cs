using System.Text.RegularExpressions;
using static TheModel.Sync.Worker.Tests.Deploy.DeployFiles;

namespace TheModel.Sync.Worker.Tests.Deploy;

public sealed partial class DockerfileTests
{
    private static readonly DockerfileModel Model = DockerfileModel.Parse(Read(Dockerfile));

    [Fact]
    public void Stages_SdkBuildThenAspNetRuntime_AtLeastTwo()
    {
        Assert.True(Model.Stages.Count >= 2, $"{Dockerfile}: {Model.Stages.Count} stage(s); the build and the runtime must be separate stages");
        var first = Model.Stages[0][0];
        var last = Model.FinalStage[0];
        Assert.True(first.Arguments.Contains("dotnet/sdk", StringComparison.Ordinal), $"{Dockerfile}:{first.Line}: the build stage is FROM {first.Arguments}, not the .NET SDK image");
        Assert.True(last.Arguments.Contains("dotnet/aspnet", StringComparison.Ordinal), $"{Dockerfile}:{last.Line}: the runtime stage is FROM {last.Arguments}, not the ASP.NET runtime image");
    }

    [Fact]
    public void BuildStage_PublishesTheWorkerInRelease()
    {
        var publish = Model.Stages.SelectMany(s => s).Where(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).ToList();
        var run = Assert.Single(publish);
        Assert.True(run.Arguments.Contains("src/TheModel.Sync.Worker/TheModel.Sync.Worker.csproj", StringComparison.Ordinal), $"{Dockerfile}:{run.Line}: publishes '{run.Arguments}', not src/TheModel.Sync.Worker");
        Assert.True(run.Arguments.Contains("-c Release", StringComparison.Ordinal), $"{Dockerfile}:{run.Line}: '{run.Arguments}' is not a Release publish");
    }

    [Fact]
    public void BuildStage_CopiesEveryProjectTheWorkerReferences()
    {
        var copied = Model.Stages[0].Where(i => i.Keyword == "COPY").SelectMany(i => i.Words().SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        foreach (var source in copied)
        {
            Assert.True(File.Exists(PathOf(source)) || Directory.Exists(PathOf(source.TrimEnd('/'))), $"{Dockerfile}: COPY {source}: no such file or folder in the repository");
        }

        foreach (var project in ProjectClosure("src/TheModel.Sync.Worker/TheModel.Sync.Worker.csproj"))
        {
            Assert.True(copied.Contains(project), $"{Dockerfile}: the restore step does not COPY {project}, which the worker references");
        }
    }

    [Fact]
    public void RuntimeStage_UserIsNumericAndNotRoot()
    {
        var user = Assert.Single(Model.FinalStage, i => i.Keyword == "USER");
        var uid = user.Arguments.Split(':')[0];
        Assert.True(int.TryParse(uid, out var id), $"{Dockerfile}:{user.Line}: USER {user.Arguments} is not numeric (runAsNonRoot can only check a number)");
        Assert.True(id > 0, $"{Dockerfile}:{user.Line}: USER {user.Arguments} is root");
    }

    [Fact]
    public void RuntimeStage_ReadOnlyRootFilesystem_WritesOnlyToTheTmpVolume()
    {
        var env = DockerfileModel.Environment(Model.FinalStage);
        var volume = Assert.Single(Model.FinalStage, i => i.Keyword == "VOLUME");
        var volumes = volume.Words();
        Assert.True(env.TryGetValue("TMPDIR", out var tmp), $"{Dockerfile}: the runtime stage sets no TMPDIR");
        Assert.True(volumes.Contains(tmp.Value), $"{Dockerfile}:{tmp.Line}: TMPDIR={tmp.Value} is not a declared VOLUME ({string.Join(", ", volumes)})");
        Assert.True(env.TryGetValue("DOTNET_EnableDiagnostics", out var diagnostics) && diagnostics.Value == "0", $"{Dockerfile}: DOTNET_EnableDiagnostics must be 0 (the diagnostics socket would be created at start)");
    }

    [Fact]
    public void Entrypoint_RunsTheWorkerWithTheConfigFolderTheImageShips()
    {
        var entrypoint = Assert.Single(Model.FinalStage, i => i.Keyword == "ENTRYPOINT").Words();
        Assert.Equal($"/app/{ExecutableName()}", entrypoint[0]);
        Assert.Equal("run", entrypoint[1]);
        var config = ConfigArgument(entrypoint);
        Assert.True(config is not null, $"{Dockerfile}: ENTRYPOINT {string.Join(' ', entrypoint)} passes no --config");

        var shipped = Model.FinalStage.Where(i => i.Keyword == "COPY" && i.Words()[0] == "config/").Select(i => i.Words()[^1].TrimEnd('/')).ToList();
        Assert.True(shipped.Contains(config), $"{Dockerfile}: --config {config} is not where the image copies config/ ({string.Join(", ", shipped)})");
    }

    [Fact]
    public void Urls_ListensOnEveryInterfaceOnTheExposedPort()
    {
        var env = DockerfileModel.Environment(Model.FinalStage);
        Assert.True(env.TryGetValue("Urls", out var urls), $"{Dockerfile}: the runtime stage does not set Urls (the worker's default, 127.0.0.1, is unreachable from outside the container)");
        var uri = new Uri(urls.Value);
        Assert.True(uri.Host == "0.0.0.0", $"{Dockerfile}:{urls.Line}: Urls={urls.Value} does not listen on every interface");
        var expose = Assert.Single(Model.FinalStage, i => i.Keyword == "EXPOSE");
        Assert.True(expose.Arguments == uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{Dockerfile}:{expose.Line}: EXPOSE {expose.Arguments} but Urls={urls.Value}");
    }

    [Fact]
    public void HealthCheck_AsksHealthzOnTheListeningPort()
    {
        var check = HealthCheck();
        var env = DockerfileModel.Environment(Model.FinalStage);
        var port = PortOf(env["Urls"].Value, Dockerfile);
        var target = HealthCheckTarget().Match(check);
        Assert.True(target.Success, $"{Dockerfile}: HEALTHCHECK '{check}' does not connect to 127.0.0.1 by /dev/tcp");
        Assert.True(target.Groups["port"].Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{Dockerfile}: HEALTHCHECK connects to port {target.Groups["port"].Value} but Urls={env["Urls"].Value}");
        Assert.Contains("GET /healthz ", check, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputOutOfTheContext()
    {
        var patterns = Read(DockerIgnore).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var required in new[] { "**/bin/", "**/obj/", ".git/" })
        {
            Assert.True(patterns.Contains(required), $"{DockerIgnore}: no '{required}' pattern; local build output would reach the image build");
        }
    }

    /// <summary>The HEALTHCHECK's command: the last word of its exec form (<c>bash -c "..."</c>).</summary>
    internal static string HealthCheck()
    {
        var healthCheck = Assert.Single(Model.FinalStage, i => i.Keyword == "HEALTHCHECK");
        var cmd = healthCheck.Arguments.IndexOf("CMD ", StringComparison.Ordinal);
        Assert.True(cmd >= 0, $"{Dockerfile}:{healthCheck.Line}: HEALTHCHECK has no CMD");
        var words = new DockerInstruction("CMD", healthCheck.Arguments[(cmd + 4)..], healthCheck.Line).Words();
        Assert.True(words.Count == 3 && words[0] == "bash" && words[1] == "-c", $"{Dockerfile}:{healthCheck.Line}: HEALTHCHECK is not [\"bash\", \"-c\", \"...\"]");
        return words[2];
    }

    internal static int HealthCheckPort() => int.Parse(HealthCheckTarget().Match(HealthCheck()).Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The worker's project and every project it references, transitively, as repository paths.</summary>
    private static IReadOnlyList<string> ProjectClosure(string project)
    {
        var seen = new List<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (seen.Contains(current))
            {
                continue;
            }

            seen.Add(current);
            var folder = Path.GetDirectoryName(current)!;
            foreach (Match reference in ProjectReference().Matches(Read(current)))
            {
                pending.Push(Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, folder, reference.Groups[1].Value))).Replace('\\', '/'));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+)")]
    private static partial Regex HealthCheckTarget();
}
