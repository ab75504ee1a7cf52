using System.Diagnostics;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Redis.Tests.Support;

internal static class Samples
{
    private static readonly Lazy<RuleSet> SampleRules = new(LoadSample);

    /// <summary>The sample config under the repository's <c>config/</c>, loaded once.</summary>
    public static RuleSet Rules => SampleRules.Value;

    /// <summary>The sample loaded again: a new rule set with the same ids, as a config reload makes it.</summary>
    public static RuleSet Reload() => LoadSample();

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no TheModel.Sync.sln above {AppContext.BaseDirectory}");
    }

    private static RuleSet LoadSample()
    {
        var result = ConfigLoader.Load(Path.Combine(RepoRoot(), "config"));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Config!.Rules;
    }
}

/// <summary>Polls a condition until it holds or a deadline passes (never a fixed sleep standing in for the wait).</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (holds(value))
            {
                return value;
            }

            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"{what} did not happen within {Deadline.TotalSeconds} s (last value: {value})");
            }

            await Task.Delay(25);
        }
    }
}
