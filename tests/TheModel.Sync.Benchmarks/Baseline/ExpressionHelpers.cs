using System.Globalization;
using System.Text.RegularExpressions;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

// Static helpers that RulesEngine expressions call (registered through ReSettings.CustomTypes). Their tables are
// filled once, before the rules are compiled; expressions name an entry by its index.

/// <summary><c>in_list</c>: a HashSet lookup (domain lists also match subdomains and the part after '@').</summary>
public static class BLists
{
    private static (HashSet<string> Set, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup, bool Domains)[] s_lists = [];

    internal static int Register(IEnumerable<string> entries, bool isDomainList)
    {
        var set = new HashSet<string>(entries.Select(e => e.Trim()).Where(e => e.Length > 0), StringComparer.OrdinalIgnoreCase);
        s_lists = [.. s_lists, (set, set.GetAlternateLookup<ReadOnlySpan<char>>(), isDomainList)];
        return s_lists.Length - 1;
    }

    internal static void Clear() => s_lists = [];

    public static bool Contains(int list, string? value)
    {
        if (value is null)
        {
            return false;
        }

        var (_, lookup, domains) = s_lists[list];
        var span = value.AsSpan().Trim();
        if (!domains)
        {
            return lookup.Contains(span);
        }

        var at = span.LastIndexOf('@');
        if (at >= 0)
        {
            span = span[(at + 1)..];
        }

        while (true)
        {
            if (lookup.Contains(span))
            {
                return true;
            }

            var dot = span.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            span = span[(dot + 1)..];
        }
    }

    public static bool AnyContains(int list, string[]? values)
    {
        if (values is null)
        {
            return false;
        }

        foreach (var v in values)
        {
            if (Contains(list, v))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>matches</c>: Regex.IsMatch with the rule's pattern, options and timeout (a timeout counts as no match).</summary>
public static class BRegex
{
    private static Regex[] s_patterns = [];

    internal static int Register(Regex compiledByConfig)
    {
        s_patterns = [.. s_patterns, new Regex(compiledByConfig.ToString(), compiledByConfig.Options, compiledByConfig.MatchTimeout)];
        return s_patterns.Length - 1;
    }

    internal static void Clear() => s_patterns = [];

    public static bool IsMatch(string? value, int pattern)
    {
        if (value is null)
        {
            return false;
        }

        try
        {
            return s_patterns[pattern].IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static bool AnyMatch(string[]? values, int pattern) => values is not null && values.Any(v => IsMatch(v, pattern));
}

/// <summary>Membership in a long list of string operands (<c>in</c>/<c>not_in</c> with many values).</summary>
public static class BSets
{
    private static HashSet<string>[] s_sets = [];

    internal static int Register(IEnumerable<string> upperCased)
    {
        s_sets = [.. s_sets, new HashSet<string>(upperCased, StringComparer.Ordinal)];
        return s_sets.Length - 1;
    }

    internal static void Clear() => s_sets = [];

    public static bool Contains(int set, string? upperCased) => upperCased is not null && s_sets[set].Contains(upperCased);
}

/// <summary>Conversions for the language's loose comparisons that plain expression operators do not cover.</summary>
public static class BConv
{
    public static double? Num(string? s) =>
        s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static long? Ticks(string? s) => Timestamps.TryParse(s, out var t) ? t.UtcTicks : null;

    public static bool? Bool(string? s) => bool.TryParse(s, out var b) ? b : null;

    /// <summary>Ordinal comparison of two upper-cased strings (= OrdinalIgnoreCase on the originals).</summary>
    public static int Cmp(string? a, string? b) => string.CompareOrdinal(a, b);

    public static bool Starts(string? s, string prefix) => s is not null && s.StartsWith(prefix, StringComparison.Ordinal);

    public static bool Ends(string? s, string suffix) => s is not null && s.EndsWith(suffix, StringComparison.Ordinal);

    public static bool Has(string? s, string part) => s is not null && s.Contains(part, StringComparison.Ordinal);

    public static string? NumText(double? n) => n?.ToString("0.####", CultureInfo.InvariantCulture);

    public static bool AnyEq(string[]? upperItems, string upper) => upperItems is not null && Array.IndexOf(upperItems, upper) >= 0;

    public static bool AnyNum(string[]? items, double n) => items is not null && items.Any(i => Num(i) == n);

    public static bool AnyBool(string[]? items, bool b) => items is not null && items.Any(i => Bool(i) == b);

    public static bool AnyTicks(string[]? items, long t) => items is not null && items.Any(i => Ticks(i) == t);

    public static bool AnyHas(string[]? upperItems, string part) => upperItems is not null && upperItems.Any(i => i.Contains(part, StringComparison.Ordinal));

    public static bool AnyStarts(string[]? upperItems, string part) => upperItems is not null && upperItems.Any(i => i.StartsWith(part, StringComparison.Ordinal));

    public static bool AnyEnds(string[]? upperItems, string part) => upperItems is not null && upperItems.Any(i => i.EndsWith(part, StringComparison.Ordinal));
}
