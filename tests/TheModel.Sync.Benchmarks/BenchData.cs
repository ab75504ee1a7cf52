using System.Diagnostics;
using System.Globalization;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>Finds the repository, loads the config and makes (or reuses) the generated input files.</summary>
public static class BenchData
{
    /// <summary>The folder holding TheModel.Sync.sln, walking up from the benchmark's binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new BenchmarkFailure($"no TheModel.Sync.sln above {AppContext.BaseDirectory}");
    }

    public static string ConfigPath(BenchOptions options) =>
        Path.GetFullPath(options.ConfigPath ?? Path.Combine(RepoRoot(), "config"));

    public static LoadedConfig LoadConfig(string path)
    {
        var result = ConfigLoader.Load(path);
        foreach (var d in result.Diagnostics)
        {
            Console.Error.WriteLine(d.ToString());
        }

        return result.Config ?? throw new BenchmarkFailure($"config {path} did not load");
    }

    /// <summary>
    /// The folder with people.jsonl and accounts.jsonl: --data when given, else generated once into the temp folder.
    /// Generated data is cached by (counts, seed, config version, generator build) so a second run reuses it; --fresh
    /// regenerates.
    /// </summary>
    public static string EnsureData(BenchOptions options, RuleSet rules, string configVersion)
    {
        if (options.DataDir is { } given)
        {
            if (!File.Exists(Path.Combine(given, "people.jsonl")))
            {
                throw new BenchmarkFailure($"--data {given} has no people.jsonl");
            }

            return given;
        }

        var generatorBuild = typeof(DataGenerator).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..8];
        var version = configVersion.Replace("sha256:", string.Empty, StringComparison.Ordinal);
        version = version[..Math.Min(12, version.Length)];
        var key = string.Create(CultureInfo.InvariantCulture, $"p{options.People}-a{options.Accounts}-s{options.Seed}-{version}-{generatorBuild}");
        var dir = Path.Combine(Path.GetTempPath(), "themodel-sync-bench", key);
        var marker = Path.Combine(dir, ".complete");
        if (!options.Fresh && File.Exists(marker))
        {
            Console.WriteLine($"data: reusing {dir}");
            return dir;
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        var clock = Stopwatch.StartNew();
        var files = DataGenerator.Generate(rules, new GeneratorOptions
        {
            People = options.People,
            Accounts = options.Accounts,
            Seed = options.Seed,
            Anchor = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
        }, dir);
        File.WriteAllText(marker, key);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: generated {files.PeopleCount:N0} people and {files.AccountCount:N0} accounts into {dir} in {clock.Elapsed.TotalSeconds:0.0} s"));
        return dir;
    }

    /// <summary>Reads every person and account into memory (rejected lines are counted and reported, not kept).</summary>
    public static (List<Person> People, List<Account> Accounts) Read(string dir)
    {
        var clock = Stopwatch.StartNew();
        var rejects = new List<InputReject>();
        var accountsPath = Path.Combine(dir, "accounts.jsonl");
        var accounts = File.Exists(accountsPath) ? PersonSource.ReadAccounts(accountsPath, rejects) : [];
        var people = new List<Person>();
        var rejected = 0;
        foreach (var (person, reject) in PersonSource.ReadPersons(Path.Combine(dir, "people.jsonl")))
        {
            if (person is not null)
            {
                people.Add(person);
            }
            else if (reject is not null)
            {
                rejected++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: read {people.Count:N0} people ({rejected} rejected) and {accounts.Count:N0} accounts ({rejects.Count} rejected) in {clock.Elapsed.TotalSeconds:0.0} s"));
        return (people, accounts);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
