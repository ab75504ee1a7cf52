using System.Diagnostics;
using System.Globalization;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>names</c>: the company-name fuzzy search alone, as <c>simulate</c> meets it. Every distinct normalized company
/// name that reaches <see cref="CompanyNameIndex.FindSimilar"/> (a person without an account id whose domain matched
/// no account and whose name has no exact equal) is searched once per pass against the accounts' index, the way the
/// matcher's cache makes it happen once per name. A checksum over every result makes two builds comparable.
/// </summary>
public static class NameSearchBenchmark
{
    public static int Run(BenchOptions options)
    {
        var loaded = BenchData.LoadConfig(BenchData.ConfigPath(options));
        var rules = loaded.Rules;
        var dir = BenchData.EnsureData(options, rules, loaded.Version);
        var passes = options.Passes > 0 ? options.Passes : 3;
        var inv = CultureInfo.InvariantCulture;

        // Finding the names means matching every person; they are kept beside the data so later runs start at once.
        var cache = dir.TrimEnd(Path.DirectorySeparatorChar) + ".names.txt";
        List<Account> accounts;
        List<string> queries;
        if (!options.Fresh && File.Exists(cache) && File.GetLastWriteTimeUtc(cache) > File.GetLastWriteTimeUtc(Path.Combine(dir, "people.jsonl")))
        {
            accounts = PersonSource.ReadAccounts(Path.Combine(dir, "accounts.jsonl"), []);
            queries = [.. File.ReadAllLines(cache)];
            Console.WriteLine($"names: read from {cache}");
        }
        else
        {
            (var people, accounts) = BenchData.Read(dir);
            queries = NamesSearched(rules, people, accounts);
            File.WriteAllLines(cache, queries);
        }

        var normalized = accounts.Select(a => CompanyNames.Normalize(a.Name)).Select(n => n.Length == 0 ? null : n).ToArray();
        var buildClock = Stopwatch.StartNew();
        var index = new CompanyNameIndex(normalized);
        var buildMs = buildClock.Elapsed.TotalMilliseconds;

        var min = rules.Matching.MinSimilarity;
        var results = new List<(int Entry, double Similarity)>();
        Console.WriteLine(string.Create(inv, $"names: {queries.Count:N0} distinct names searched against {index.Count:N0} accounts at {min}; index built in {buildMs:0} ms"));
        ulong checksum = 0;
        for (var pass = 0; pass <= passes; pass++)
        {
            var hash = 14695981039346656037UL;
            var found = 0L;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var q in queries)
            {
                index.FindSimilar(q, min, results);
                found += results.Count;
                foreach (var (entry, similarity) in results)
                {
                    hash = (hash ^ (ulong)entry) * 1099511628211UL;
                    hash = (hash ^ (ulong)BitConverter.DoubleToInt64Bits(similarity)) * 1099511628211UL;
                }

                hash = (hash ^ 0xFFFF_FFFFUL) * 1099511628211UL;
            }

            var wall = clock.Elapsed.TotalMicroseconds;
            var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
            checksum = hash;
            Console.WriteLine(string.Create(inv,
                $"{(pass == 0 ? "warm-up" : $"pass {pass}")}: {wall / queries.Count,7:0.00} µs/name wall, {used / queries.Count,7:0.00} µs/name CPU, {found:N0} results, checksum {hash:x16}"));
        }

        Console.WriteLine(string.Create(inv, $"load: {File.ReadAllText("/proc/loadavg").Trim()}"));
        return checksum == 0 ? 1 : 0;
    }

    private static List<string> NamesSearched(RuleSet rules, List<Person> people, List<Account> accounts)
    {
        // Which names reach the search is decided by the real matcher, so the set follows the configured strategies.
        var matcher = new AccountMatcher(rules, accounts);
        var index = new CompanyNameIndex(accounts.Select(a => CompanyNames.Normalize(a.Name)).Select(n => n.Length == 0 ? null : n).ToArray());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<string>();
        foreach (var p in people)
        {
            if (!string.IsNullOrWhiteSpace(p.AccountId))
            {
                continue;
            }

            var name = CompanyNames.Normalize(p.Company);
            if (name.Length == 0 || !index.FindExact(name).IsEmpty || seen.Contains(name))
            {
                continue;
            }

            var by = matcher.Match(p, DomainNames.Derive(p.Website, p.Email, p.Domain)).By;
            if (by is null or "company_name")
            {
                seen.Add(name);
                queries.Add(name);
            }
        }

        return queries;
    }
}
