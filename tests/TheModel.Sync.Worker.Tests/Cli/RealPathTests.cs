using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary>
/// The output checks compare paths as the run will open them. .NET makes every path full before it opens it, and that
/// collapses <c>..</c> by the text, before any link is followed: <c>link/../out.jsonl</c> is <c>out.jsonl</c> beside the
/// link, not beside its target as a shell's <c>cat</c> would read it. The checks follow the same rule.
/// </summary>
public sealed class RealPathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tm-realpath-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(params string[] parts) => Path.Combine([_dir, .. parts]);

    [Fact]
    public void RealPath_DotDotAfterALink_IsWhereDotNetWrites()
    {
        Directory.CreateDirectory(At("data", "runs", "today"));
        Directory.CreateSymbolicLink(At("today"), At("data", "runs", "today"));

        File.WriteAllText(At("today") + "/../probe", "x");

        Assert.True(File.Exists(At("probe")));
        Assert.False(File.Exists(At("data", "runs", "probe")));
        Assert.Equal(At("out.jsonl"), CliSupport.RealPath(At("today") + "/../out.jsonl"));
    }

    [Fact]
    public void RealPath_RelativeAndChainedLinks_AndMissingTail()
    {
        Directory.CreateDirectory(At("a", "b"));
        File.WriteAllText(At("a", "b", "people.jsonl"), "{}\n");
        Directory.CreateSymbolicLink(At("a", "up"), "b");                  // relative to its own folder
        File.CreateSymbolicLink(At("p.jsonl"), At("a", "up", "people.jsonl"));

        Assert.Equal(At("a", "b", "people.jsonl"), CliSupport.RealPath(At("p.jsonl")));
        Assert.Equal(At("a", "b", "new", "x.jsonl"), CliSupport.RealPath(At("a", "up", "new", "x.jsonl")));
    }

    [Fact]
    public void OutputsApartFromInputs_OutputThatIsAnInputThroughALink_IsRefused()
    {
        Directory.CreateDirectory(At("a", "b"));
        File.WriteAllText(At("a", "b", "people.jsonl"), "{}\n");
        Directory.CreateSymbolicLink(At("a", "up"), "b");
        var configPath = Path.Combine(TempFolder.RepoRoot(), "config");
        var config = CliSupport.LoadConfig(configPath, TextWriter.Null)!;
        var errors = new StringWriter();

        Assert.False(CliSupport.OutputsApartFromInputs(errors, configPath, config, [At("a", "b", "people.jsonl")], At("a", "up", "people.jsonl")));
        Assert.Equal($"error: cannot write '{At("a", "up", "people.jsonl")}': it is the input '{At("a", "b", "people.jsonl")}', which the run reads; choose another output file", errors.ToString().Trim());
        Assert.True(CliSupport.OutputsApartFromInputs(TextWriter.Null, configPath, config, [At("a", "b", "people.jsonl")], At("a", "up", "other.jsonl")));
    }
}
