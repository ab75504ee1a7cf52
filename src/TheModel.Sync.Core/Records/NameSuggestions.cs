namespace TheModel.Sync.Core.Records;

/// <summary>"Did you mean" for operator-facing names: a close name, by edit distance or by the same letters spelled with other separators.</summary>
public static class NameSuggestions
{
    /// <summary>The candidate closest to <paramref name="value"/>, or null when none is close enough to help.</summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        var squashed = Squash(value);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                continue;
            }

            // Same letters with '_' or '-' moved or dropped ("roundrobin", "round-robin") is the strongest signal.
            // The allowance grows with the longer of the two names, so that a word dropped from a long name
            // (weighted_robin for weighted_round_robin) is still recognised.
            var limit = Math.Max(2, Math.Max(value.Length, candidate.Length) / 3);
            var distance = Squash(candidate) == squashed ? 0 : Levenshtein(value, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static string Squash(string s) =>
        string.Concat(s.Where(ch => ch is not ('_' or '-'))).ToLowerInvariant();

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
