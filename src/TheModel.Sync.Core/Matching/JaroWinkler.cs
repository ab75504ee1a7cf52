using System.Buffers;
using System.Numerics;

namespace TheModel.Sync.Core.Matching;

/// <summary>
/// Jaro-Winkler similarity, the measure of the <c>company_name</c> strategy (section 7).
/// </summary>
public static class JaroWinkler
{
    // Winkler's constants: prefix scale, longest prefix rewarded, and the Jaro score the boost needs.
    private const double PrefixScale = 0.1;
    internal const int MaxPrefix = 4;
    private const double BoostThreshold = 0.7;

    // Match flags for both strings up to this many chars in total live on the stack (names of ~128 chars each).
    private const int StackFlags = 256;

    /// <summary>
    /// Jaro-Winkler similarity in [0, 1] over UTF-16 chars. Jaro: characters match when equal and at most
    /// <c>max(len) / 2 - 1</c> (at least 0) positions apart, each char matched once, greedily left to right;
    /// transpositions are half the matched chars that are out of order (a fractional half is kept).
    /// Winkler: <c>jaro + prefix * 0.1 * (1 - jaro)</c> with the common prefix counted up to 4 chars, applied
    /// only when <c>jaro &gt; 0.7</c>. Both empty gives 1; one empty gives 0.
    /// </summary>
    /// <remarks>
    /// Greedy matching depends on which string is scanned first, so the shorter string (the ordinally smaller one
    /// when lengths tie) is always scanned first: that makes the measure symmetric, which a matcher needs
    /// (a person matching an account must not depend on which side is the query).
    /// </remarks>
    public static double Similarity(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Similarity(a.AsSpan(), b.AsSpan());
    }

    /// <inheritdoc cref="Similarity(string, string)"/>
    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length > b.Length || (a.Length == b.Length && a.SequenceCompareTo(b) > 0))
        {
            var swap = a;
            a = b;
            b = swap;
        }

        if (b.IsEmpty)
        {
            return 1.0;
        }

        if (a.IsEmpty)
        {
            return 0.0;
        }

        if (a.SequenceEqual(b))
        {
            return 1.0;
        }

        // Names fit a machine word of match flags: no flag buffer to clear, and the matched chars are read by bit.
        return b.Length <= 64 ? ComputeByBits(a, b) : ComputeByFlags(a, b);
    }

    /// <summary>
    /// The general computation (any length) with one flag per char; <paramref name="a"/> is the string scanned first.
    /// Also the reference the tests compare the word-sized path with.
    /// </summary>
    internal static double ComputeByFlags(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var total = a.Length + b.Length;
        bool[]? rented = null;
        var flags = total <= StackFlags
            ? stackalloc bool[StackFlags]
            : (rented = ArrayPool<bool>.Shared.Rent(total));
        try
        {
            flags = flags[..total];
            flags.Clear();
            return Compute(a, b, flags[..a.Length], flags[a.Length..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The largest similarity two strings of these lengths can have (every char of the shorter matched, in order,
    /// with the longest rewarded prefix).
    /// </summary>
    internal static double UpperBound(int lengthA, int lengthB)
    {
        var shorter = Math.Min(lengthA, lengthB);
        return UpperBound(lengthA, lengthB, shorter, Math.Min(MaxPrefix, shorter));
    }

    /// <summary>
    /// The largest similarity two strings of these lengths can have when at most <paramref name="maxMatches"/> chars can
    /// match and their common prefix (counted up to 4 chars) is <paramref name="prefix"/>. It runs the same arithmetic as
    /// <see cref="Similarity(string, string)"/> with no transposition, so a candidate whose bound is below a threshold can
    /// be skipped without comparing it.
    /// </summary>
    internal static double UpperBound(int lengthA, int lengthB, int maxMatches, int prefix)
    {
        var shorter = Math.Min(lengthA, lengthB);
        var longer = Math.Max(lengthA, lengthB);
        if (longer == 0)
        {
            return 1.0;
        }

        var matches = Math.Min(maxMatches, shorter);
        if (matches <= 0)
        {
            return 0.0;
        }

        if (matches == longer)
        {
            return 1.0;
        }

        return Score(matches, 0, shorter, longer, prefix);
    }

    /// <summary><see cref="Compute"/> for strings of at most 64 chars, with the match flags as bits of a word.</summary>
    private static double ComputeByBits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var window = Math.Max(0, (b.Length / 2) - 1);
        var aMatched = 0UL;
        var bMatched = 0UL;
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            var c = a[i];
            for (var j = from; j <= to; j++)
            {
                if (b[j] == c && (bMatched & (1UL << j)) == 0)
                {
                    aMatched |= 1UL << i;
                    bMatched |= 1UL << j;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0.0;
        }

        // Both words hold the same number of set bits: pair the k-th matched char of each.
        var outOfOrder = 0;
        while (aMatched != 0)
        {
            var i = BitOperations.TrailingZeroCount(aMatched);
            var k = BitOperations.TrailingZeroCount(bMatched);
            aMatched &= aMatched - 1;
            bMatched &= bMatched - 1;
            if (a[i] != b[k])
            {
                outOfOrder++;
            }
        }

        var prefix = 0;
        var prefixLimit = Math.Min(MaxPrefix, a.Length);
        while (prefix < prefixLimit && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return Score(matches, outOfOrder, a.Length, b.Length, prefix);
    }

    private static double Compute(ReadOnlySpan<char> a, ReadOnlySpan<char> b, Span<bool> aMatched, Span<bool> bMatched)
    {
        var window = Math.Max(0, (b.Length / 2) - 1);
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            var c = a[i];
            for (var j = from; j <= to; j++)
            {
                if (!bMatched[j] && b[j] == c)
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0.0;
        }

        // Walk the matched chars of both strings in order; each position where they differ is half a transposition.
        var outOfOrder = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                outOfOrder++;
            }

            k++;
        }

        var prefix = 0;
        var prefixLimit = Math.Min(MaxPrefix, a.Length);
        while (prefix < prefixLimit && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return Score(matches, outOfOrder, a.Length, b.Length, prefix);
    }

    private static double Score(int matches, int outOfOrder, int shorterLength, int longerLength, int prefix)
    {
        var transpositions = outOfOrder / 2.0;
        var jaro = (((double)matches / shorterLength) + ((double)matches / longerLength) + ((matches - transpositions) / matches)) / 3.0;
        return jaro > BoostThreshold ? jaro + (prefix * PrefixScale * (1.0 - jaro)) : jaro;
    }
}
