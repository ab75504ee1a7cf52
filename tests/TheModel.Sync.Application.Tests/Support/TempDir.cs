using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Support;

/// <summary>A folder that disappears with the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tm-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string text)
    {
        var full = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(full, text);
        return full;
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the test result is what matters.
        }
    }
}

internal static class Configs
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static RuleSet Sample()
    {
        var result = ConfigLoader.Load(System.IO.Path.Combine(RepoRoot(), "config"));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Config!.Rules;
    }

    public static RuleSet FromText(string yaml)
    {
        var result = ConfigLoader.LoadFromText([("test.yaml", yaml)]);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Config!.Rules;
    }
}
