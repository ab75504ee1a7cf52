using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace TheModel.Sync.Core.Matching;

/// <summary>
/// An index of normalized company names (see <see cref="CompanyNames.Normalize"/>) for the <c>company_name</c>
/// strategy that never scans every entry. Exact names sit in a dictionary. Fuzzy look-ups evaluate Jaro-Winkler
/// only for candidates: entries sharing at least one character trigram with the query (compared as unordered
/// triples of chars; in a large index, where the query's trigrams have more than <see cref="SharedTrigramBudget"/>
/// postings, entries sharing a third of them), plus, for short names, entries within one edit of the query (one char inserted, deleted or
/// substituted, or two adjacent chars swapped).
/// </summary>
/// <remarks>
/// <para>
/// Why the short-name keys: one edit can destroy every trigram of a short name ("acme" / "axme"), and names shorter
/// than 3 chars have no trigram at all. From <see cref="ShortNameLength"/> + 1 chars on, one edit always leaves a
/// trigram intact, so every pair within one edit is a candidate whatever its length. Short names are indexed whole
/// (the exact dictionary) and by each one-char deletion; short queries probe both with themselves and with their
/// one-char deletions.
/// </para>
/// <para>
/// Sharing one trigram says little, so each candidate first meets an upper bound of its similarity from the lengths,
/// the common prefix and per-bucket char counts (at most as many chars match as the names have in common); only
/// candidates whose bound reaches the threshold are compared. The bound never drops a pair that would pass.
/// </para>
/// <para>
/// Blocking bounds the work, not the similarity: a pair more than one edit apart that shares no trigram (short
/// names with two typos, heavily scrambled names) is not a candidate even if its similarity passes the threshold.
/// On generated names with one or two typos that is about 0.1% to 1% of the pairs a full scan finds at 0.9, none at
/// 0.95; the tests compare the index with a full scan.
/// </para>
/// <para>The index is immutable after construction and safe to query from several threads at once.</para>
/// </remarks>
public sealed class CompanyNameIndex
{
    /// <summary>Names up to this many chars also get one-edit keys; longer names always keep a trigram under one edit.</summary>
    internal const int ShortNameLength = 5;

    // The upper bound runs the same arithmetic as the similarity; the tolerance only absorbs rounding.
    private const double BoundTolerance = 1e-12;

    // Up to this many trigram postings a query marks every entry sharing one trigram; past it, only entries sharing
    // a third of the query's trigrams (from names of 8 chars, 6 trigrams, on).
    internal const int SharedTrigramBudget = 4096;
    private const int MinTrigramsForShare = 6;
    private const double SharedTrigramShare = 0.34;

    // Slack under the threshold for the looked-up bound of large-index queries, which must never drop a pair the
    // computed bound keeps: it covers any rounding between the two (the bound moves by at least 1/765 per char).
    private const double PreCheckSlack = 1e-9;

    // Per-thread scratch of the large-index path; counts and the seen bits are all zero between queries.
    [ThreadStatic]
    private static ushort[]? t_counts;

    [ThreadStatic]
    private static ulong[]? t_seen;

    [ThreadStatic]
    private static int[][]? t_postings;

    [ThreadStatic]
    private static int[]? t_cursors;

    [ThreadStatic]
    private static int[]? t_minMatches;

    // Histogram buckets are bytes, so a name with more chars than this skips the char-count bound.
    private const int MaxHistogramLength = byte.MaxValue;

    private readonly string?[] _names;
    private readonly Profile[] _profiles;
    private readonly Dictionary<string, int[]> _exact;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly Dictionary<ulong, int[]> _trigrams;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _deletionsBySpan;

    /// <summary>Builds the index. Position <c>i</c> of <paramref name="normalizedNames"/> is entry <c>i</c>
    /// (for example an account's position); null and empty names are not indexed.</summary>
    public CompanyNameIndex(IReadOnlyList<string?> normalizedNames)
    {
        ArgumentNullException.ThrowIfNull(normalizedNames);
        _names = new string?[normalizedNames.Count];
        _profiles = new Profile[normalizedNames.Count];
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var trigrams = new Dictionary<ulong, List<int>>();
        var deletions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        Span<char> variant = stackalloc char[ShortNameLength];

        for (var entry = 0; entry < normalizedNames.Count; entry++)
        {
            var name = normalizedNames[entry];
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            _names[entry] = name;
            _profiles[entry] = new Profile(name);
            AddPosting(exact, name, entry);
            for (var i = 0; i + 3 <= name.Length; i++)
            {
                AddPosting(trigrams, TrigramKey(name, i), entry);
            }

            if (name.Length <= ShortNameLength)
            {
                for (var i = 0; i < name.Length; i++)
                {
                    // Deleting either char of a run gives the same variant: key it once.
                    if (i > 0 && name[i] == name[i - 1])
                    {
                        continue;
                    }

                    var length = DeleteAt(name, i, variant);
                    if (length > 0)
                    {
                        AddPosting(deletions, new string(variant[..length]), entry);
                    }
                }
            }
        }

        _exact = Freeze(exact);
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _trigrams = Freeze(trigrams);
        _deletionsBySpan = Freeze(deletions).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of entries (indexed or not), i.e. the length of the list given to the constructor.</summary>
    public int Count => _names.Length;

    /// <summary>
    /// The entries whose normalized name equals the query exactly (similarity 1, the best there is), in ascending
    /// order; empty when there is none. A dictionary look-up: callers that want only the best match try this first.
    /// </summary>
    public ReadOnlySpan<int> FindExact(string normalizedQuery) =>
        _exact.TryGetValue(normalizedQuery, out var entries) ? entries : default;

    /// <summary>
    /// Finds the entries whose Jaro-Winkler similarity to <paramref name="normalizedQuery"/> (already normalized) is at
    /// least <paramref name="minSimilarity"/>, with that similarity, in ascending entry order. Exact equals
    /// (similarity 1) come from the dictionary without any scan. <paramref name="results"/> is cleared first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minSimilarity"/> is not in (0, 1].</exception>
    public void FindSimilar(string normalizedQuery, double minSimilarity, List<(int Entry, double Similarity)> results)
    {
        ArgumentNullException.ThrowIfNull(normalizedQuery);
        ArgumentNullException.ThrowIfNull(results);

        // A threshold of 0 would ask for every entry, which blocking cannot give; NaN would match nothing silently.
        if (!(minSimilarity > 0.0 && minSimilarity <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(minSimilarity), minSimilarity, "The minimum similarity must be greater than 0 and at most 1.");
        }

        results.Clear();
        if (normalizedQuery.Length == 0)
        {
            return;
        }

        // Candidates are marked in a bit set over entry numbers: marking dedupes the postings, and reading the
        // set word by word yields them in ascending entry order with no sort.
        var words = (_names.Length + 63) >> 6;
        var rented = ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            var candidates = rented.AsSpan(0, words);
            candidates.Clear();
            var queryProfile = new Profile(normalizedQuery);
            CollectCandidates(normalizedQuery, queryProfile, minSimilarity, candidates);
            for (var w = 0; w < candidates.Length; w++)
            {
                var word = candidates[w];
                while (word != 0)
                {
                    var entry = (w << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    var similarity = MayReach(_profiles[entry], queryProfile, minSimilarity)
                        ? JaroWinkler.Similarity(normalizedQuery, _names[entry]!)
                        : 0.0;
                    if (similarity >= minSimilarity)
                    {
                        results.Add((entry, similarity));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Whether the similarity of two names can reach the threshold, judged from their profiles. Sharing one trigram
    /// says little about the rest of the name, so most candidates are dropped here: at most as many chars can match as
    /// the two names have in common, and the per-bucket char counts bound that from above.
    /// </summary>
    private static bool MayReach(in Profile name, in Profile query, double minSimilarity)
    {
        var shorter = Math.Min(name.Length, query.Length);
        var maxMatches = shorter;
        if (name.Length <= MaxHistogramLength && query.Length <= MaxHistogramLength)
        {
            maxMatches = Math.Min(maxMatches, CommonChars(name, query));
        }

        var prefix = CommonPrefix(name, query, shorter);
        return JaroWinkler.UpperBound(name.Length, query.Length, maxMatches, prefix) >= minSimilarity - BoundTolerance;
    }

    /// <summary>An upper bound of the chars two names have in common: the per-bucket minimum of their char counts.</summary>
    private static int CommonChars(in Profile name, in Profile query)
    {
        var (low, high) = Vector128.Widen(Vector128.Min(name.Histogram, query.Histogram));
        return Vector128.Sum(low + high);
    }

    /// <summary>The common prefix as <see cref="JaroWinkler"/> rewards it: up to its maximum and the shorter length.</summary>
    private static int CommonPrefix(in Profile name, in Profile query, int shorter)
    {
        var differ = name.Head ^ query.Head;
        var prefix = differ == 0 ? JaroWinkler.MaxPrefix : BitOperations.TrailingZeroCount(differ) >> 4;
        return Math.Min(prefix, Math.Min(JaroWinkler.MaxPrefix, shorter));
    }

    /// <summary>
    /// What the similarity bound needs of a name, kept together so that bounding a candidate reads one cache line
    /// and not the name itself.
    /// </summary>
    private readonly struct Profile
    {
        /// <summary>How many chars of the name fall in each of 16 buckets (the low 4 bits of the char; saturating).</summary>
        public readonly Vector128<byte> Histogram;

        /// <summary>The first <see cref="JaroWinkler.MaxPrefix"/> chars, 16 bits each from the low end; zero past the name.</summary>
        public readonly ulong Head;

        public readonly int Length;

        public Profile(string name)
        {
            Span<byte> counts = stackalloc byte[16];
            foreach (var c in name)
            {
                ref var count = ref counts[c & 15];
                if (count < byte.MaxValue)
                {
                    count++;
                }
            }

            Histogram = Vector128.Create((ReadOnlySpan<byte>)counts);
            for (var i = 0; i < Math.Min(JaroWinkler.MaxPrefix, name.Length); i++)
            {
                Head |= (ulong)name[i] << (16 * i);
            }

            Length = name.Length;
        }
    }

    private void CollectCandidates(string query, in Profile queryProfile, double minSimilarity, Span<ulong> candidates)
    {
        if (_exact.TryGetValue(query, out var same))
        {
            Mark(candidates, same);
        }

        // One posting list per trigram position of the query (a trigram the index lacks has an empty one).
        var trigramCount = Math.Max(0, query.Length - 2);
        var postings = t_postings is { } p && p.Length >= trigramCount ? p : t_postings = new int[Math.Max(trigramCount, 32)][];
        var total = 0L;
        for (var i = 0; i < trigramCount; i++)
        {
            var posting = _trigrams.TryGetValue(TrigramKey(query, i), out var found) ? found : [];
            postings[i] = posting;
            total += posting.Length;
        }

        if (total <= SharedTrigramBudget)
        {
            for (var i = 0; i < trigramCount; i++)
            {
                Mark(candidates, postings[i]);
            }
        }
        else
        {
            MarkSharingEnough(postings.AsSpan(0, trigramCount), queryProfile, minSimilarity, candidates);
        }

        if (query.Length > ShortNameLength)
        {
            return;
        }

        // The entry is the query with one char more (the query lost one).
        if (_deletionsBySpan.TryGetValue(query, out var longer))
        {
            Mark(candidates, longer);
        }

        Span<char> variant = stackalloc char[ShortNameLength];
        for (var i = 0; i < query.Length; i++)
        {
            if (i > 0 && query[i] == query[i - 1])
            {
                continue;
            }

            var length = DeleteAt(query, i, variant);
            if (length == 0)
            {
                continue;
            }

            // The entry is the query with one char fewer (the query gained one).
            if (_exactBySpan.TryGetValue(variant[..length], out var shorter))
            {
                Mark(candidates, shorter);
            }

            // The entry and the query lose the same char position: one substitution, or (at some position) a swap.
            if (_deletionsBySpan.TryGetValue(variant[..length], out var sameLength))
            {
                Mark(candidates, sameLength);
            }
        }
    }

    /// <summary>
    /// The key of the trigram at <paramref name="i"/>: its three chars sorted, packed into 48 bits (no string needed).
    /// Sorting makes the key blind to order inside the trigram, so swapping two adjacent chars (a typo Jaro-Winkler
    /// forgives: "sakura" / "sakrua") changes only the two trigrams that contain one of them, not all four.
    /// </summary>
    internal static ulong TrigramKey(string s, int i)
    {
        var a = (ulong)s[i];
        var b = (ulong)s[i + 1];
        var c = (ulong)s[i + 2];
        if (a > b)
        {
            (a, b) = (b, a);
        }

        if (b > c)
        {
            (b, c) = (c, b);
        }

        if (a > b)
        {
            (a, b) = (b, a);
        }

        return (a << 32) | (b << 16) | c;
    }

    /// <summary>
    /// In a large index the query's common trigrams ("ven", "ure") are shared by thousands of names nowhere near it,
    /// and checking them all costs a millisecond a query. There, an entry becomes a candidate only when it shares a
    /// third of the query's trigrams (one typo in the middle of a name costs it three); names under 8 chars still
    /// need only one. Pairs two or more typos apart can then be missed, which the tests measure.
    /// </summary>
    /// <remarks>
    /// Counting the shares over every posting walked tens of thousands of postings a query, so the count is taken in
    /// two steps that give the same candidates. An entry sharing <c>need</c> of the <c>n</c> positions shares at least
    /// one of the <c>n - need + 1</c> positions with the shortest postings: only those are walked, counting. Each
    /// entry met there then has to pass the similarity bound (which it would have to pass anyway as a candidate), and
    /// only the few that do look up the remaining long postings (sorted, so a cursor per posting gallops forward as
    /// the entries ascend).
    /// </remarks>
    private void MarkSharingEnough(Span<int[]> postings, in Profile query, double minSimilarity, Span<ulong> candidates)
    {
        var trigramCount = postings.Length;
        var need = trigramCount >= MinTrigramsForShare ? (int)Math.Ceiling(trigramCount * SharedTrigramShare) : 1;
        postings.Sort(static (x, y) => x.Length.CompareTo(y.Length));
        var walked = trigramCount - need + 1;

        var counts = t_counts is { } c && c.Length >= _names.Length ? c : t_counts = new ushort[_names.Length];
        var words = (_names.Length + 63) >> 6;
        var seen = t_seen is { } s && s.Length >= words ? s : t_seen = new ulong[words];
        for (var k = 0; k < walked; k++)
        {
            foreach (var entry in postings[k])
            {
                counts[entry]++;
                seen[entry >> 6] |= 1UL << (entry & 63);
            }
        }

        var rest = postings[walked..];
        var cursors = (t_cursors is { } r && r.Length >= rest.Length ? r : t_cursors = new int[Math.Max(rest.Length, 32)]).AsSpan(0, rest.Length);
        cursors.Clear();
        var minMatches = t_minMatches ??= new int[(MaxHistogramLength + 1) * (JaroWinkler.MaxPrefix + 1)];
        minMatches.AsSpan().Fill(-1);
        for (var w = 0; w < words; w++)
        {
            var word = seen[w];
            if (word == 0)
            {
                continue;
            }

            seen[w] = 0;
            do
            {
                var entry = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                int shared = counts[entry];
                counts[entry] = 0;
                if (!MayReachCached(_profiles[entry], query, minSimilarity, minMatches))
                {
                    continue;
                }

                for (var k = 0; shared < need && shared + rest.Length - k >= need; k++)
                {
                    if (Contains(rest[k], ref cursors[k], entry))
                    {
                        shared++;
                    }
                }

                if (shared >= need)
                {
                    candidates[entry >> 6] |= 1UL << (entry & 63);
                }
            }
            while (word != 0);
        }
    }

    /// <summary>
    /// <see cref="MayReach"/> with the bound looked up instead of computed: <paramref name="minMatches"/> caches, per
    /// name length and common prefix, the fewest chars in common that reach the threshold (-1: not yet known). The
    /// cached count is taken with <see cref="PreCheckSlack"/>, so this never says no where <see cref="MayReach"/> says yes.
    /// </summary>
    private static bool MayReachCached(in Profile name, in Profile query, double minSimilarity, int[] minMatches)
    {
        if (name.Length > MaxHistogramLength || query.Length > MaxHistogramLength)
        {
            return true;
        }

        var prefix = CommonPrefix(name, query, Math.Min(name.Length, query.Length));
        ref var required = ref minMatches[(name.Length * (JaroWinkler.MaxPrefix + 1)) + prefix];
        if (required < 0)
        {
            required = FewestMatches(name.Length, query.Length, prefix, minSimilarity);
        }

        return CommonChars(name, query) >= required;
    }

    /// <summary>The fewest matching chars whose bound reaches the threshold; above the shorter length when none does.</summary>
    private static int FewestMatches(int length, int queryLength, int prefix, double minSimilarity)
    {
        var shorter = Math.Min(length, queryLength);
        var threshold = minSimilarity - BoundTolerance - PreCheckSlack;

        // The bound grows with the matches: search for the first count that reaches the threshold.
        var low = 0;
        var high = shorter + 1;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (middle <= shorter && JaroWinkler.UpperBound(length, queryLength, middle, prefix) >= threshold)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    /// <summary>Whether the sorted posting holds the entry; entries must come in ascending order per cursor.</summary>
    private static bool Contains(int[] posting, ref int cursor, int entry)
    {
        var low = cursor;
        if (low >= posting.Length || posting[low] > entry)
        {
            return false;
        }

        // Gallop until the posting passes the entry, then search the last step.
        var step = 1;
        var high = low + 1;
        while (high < posting.Length && posting[high] <= entry)
        {
            low = high;
            step <<= 1;
            high = low + step;
        }

        high = Math.Min(high, posting.Length);
        while (high - low > 1)
        {
            var middle = (low + high) >> 1;
            if (posting[middle] <= entry)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        // posting[low] <= entry < posting[low + 1]: the next entry starts here.
        cursor = low;
        return posting[low] == entry;
    }

    private static void Mark(Span<ulong> candidates, int[] posting)
    {
        foreach (var entry in posting)
        {
            candidates[entry >> 6] |= 1UL << (entry & 63);
        }
    }

    private static int DeleteAt(string s, int index, Span<char> destination)
    {
        s.AsSpan(0, index).CopyTo(destination);
        s.AsSpan(index + 1).CopyTo(destination[index..]);
        return s.Length - 1;
    }

    private static void AddPosting<TKey>(Dictionary<TKey, List<int>> postings, TKey key, int entry)
        where TKey : notnull
    {
        if (!postings.TryGetValue(key, out var list))
        {
            list = [];
            postings.Add(key, list);
        }

        // Entries arrive in ascending order, so a repeated key of the same entry is always the last posting.
        if (list.Count == 0 || list[^1] != entry)
        {
            list.Add(entry);
        }
    }

    private static Dictionary<TKey, int[]> Freeze<TKey>(Dictionary<TKey, List<int>> postings)
        where TKey : notnull
    {
        var frozen = new Dictionary<TKey, int[]>(postings.Count, postings.Comparer);
        foreach (var (key, list) in postings)
        {
            frozen.Add(key, [.. list]);
        }

        return frozen;
    }
}
