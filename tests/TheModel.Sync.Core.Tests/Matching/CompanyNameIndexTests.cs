using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Core.Tests.Matching;

public sealed class CompanyNameIndexTests
{
    private static readonly string[] Words =
    [
        "acme", "sakura", "global", "systems", "tokyo", "trading", "blue", "river", "tech", "solutions", "nippon",
        "pacific", "software", "logistics", "holdings", "digital", "partners", "green", "energy", "foods", "medical",
        "kyoto", "osaka", "north", "star", "cloud", "data", "labs", "works", "design", "mitsu", "yamada", "shoji",
        "トヨタ", "ソニー", "商事", "電機", "ホールディングス",
    ];

    private static readonly string[] ShortNames = ["hp", "3m", "ge", "lg", "nec", "kao", "sony", "ricoh", "denso", "canon", "x", "ab"];

    [Fact]
    public void FindSimilar_ExactName_ReturnsEveryEntryWithItAtSimilarityOne()
    {
        var index = new CompanyNameIndex(["acme", null, "acme", "", "sony", "acme widgets"]);
        var results = new List<(int Entry, double Similarity)>();

        index.FindSimilar("acme", 1.0, results);

        Assert.Equal([(0, 1.0), (2, 1.0)], results);
    }

    [Theory]
    [InlineData("hp")]
    [InlineData("x")]
    [InlineData("トヨタ")]
    public void FindSimilar_ShortExactName_IsFound(string name)
    {
        var index = new CompanyNameIndex(["acme", name, "sony"]);
        var results = new List<(int Entry, double Similarity)>();

        index.FindSimilar(name, 0.99, results);

        Assert.Equal([(1, 1.0)], results);
    }

    [Theory]
    // One edit destroys every trigram of these short names; the one-edit keys still find them.
    [InlineData("snoy", "sony", 0.925)]
    [InlineData("acem", "acme", 0.933)]
    [InlineData("deso", "denso", 0.947)]
    [InlineData("ab", "abc", 0.911)]
    [InlineData("abc", "ab", 0.911)]
    [InlineData("a", "ab", 0.850)]
    // Long names keep a trigram under one edit.
    [InlineData("sakura tradign", "sakura trading", 0.986)]
    public void FindSimilar_OneEditAway_IsFoundWithItsSimilarity(string query, string name, double expected)
    {
        var index = new CompanyNameIndex(["unrelated", name, "zzzz"]);
        var results = new List<(int Entry, double Similarity)>();

        index.FindSimilar(query, 0.85, results);

        var (entry, similarity) = Assert.Single(results);
        Assert.Equal(1, entry);
        Assert.Equal(expected, Math.Round(similarity, 3));
    }

    [Fact]
    public void FindSimilar_NamesLongerThanTheHistogramLimit_StillCompared()
    {
        var name = string.Concat(Enumerable.Repeat("pacific logistics ", 20));
        var typo = name.Replace("logistics", "logsitics", StringComparison.Ordinal);
        var index = new CompanyNameIndex(["acme", name]);
        var results = new List<(int Entry, double Similarity)>();

        index.FindSimilar(typo, 0.9, results);

        var (entry, similarity) = Assert.Single(results);
        Assert.Equal(1, entry);
        Assert.Equal(JaroWinkler.Similarity(typo, name), similarity);
    }

    [Fact]
    public void FindSimilar_ReusedList_IsClearedAndAscending()
    {
        var index = new CompanyNameIndex(["blue river", "acme", "blue rivers", "blue rive", "bleu river"]);
        var results = new List<(int Entry, double Similarity)> { (99, 0.5) };

        index.FindSimilar("blue river", 0.9, results);

        Assert.Equal([0, 2, 3, 4], results.Select(r => r.Entry));
        Assert.Equal(1.0, results[0].Similarity);
    }

    [Fact]
    public void FindSimilar_EmptyQueryOrNoMatch_ReturnsNothing()
    {
        var index = new CompanyNameIndex(["acme", "sony"]);
        var results = new List<(int Entry, double Similarity)>();

        index.FindSimilar("", 0.5, results);
        Assert.Empty(results);

        index.FindSimilar("pacific logistics", 0.5, results);
        Assert.Empty(results);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void FindSimilar_ThresholdOutsideZeroToOne_Throws(double minSimilarity)
    {
        var index = new CompanyNameIndex(["acme"]);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.FindSimilar("acme", minSimilarity, []));
    }

    [Theory]
    [InlineData(0.90)]
    [InlineData(0.95)]
    [InlineData(1.00)]
    public void FindSimilar_GeneratedNamesWithTypos_SameAsBruteForceScan(double minSimilarity)
    {
        var (names, queries) = GenerateCorpus();
        var index = new CompanyNameIndex(names);
        var results = new List<(int Entry, double Similarity)>();
        var fuzzyHits = 0;

        foreach (var query in queries)
        {
            var expected = BruteForce(names, query, minSimilarity);

            index.FindSimilar(query, minSimilarity, results);

            Assert.True(expected.SequenceEqual(results), $"query '{query}' at {minSimilarity}: expected [{Describe(expected)}], got [{Describe(results)}]");
            fuzzyHits += results.Count(r => r.Similarity < 1.0);
        }

        // The comparison must exercise fuzzy matches, not only exact ones.
        if (minSimilarity < 1.0)
        {
            Assert.True(fuzzyHits > 100, $"only {fuzzyHits} fuzzy hits at {minSimilarity}");
        }
    }

    [Theory]
    // Below 0.9, short names two typos apart pass the threshold without sharing a trigram; blocking misses a few.
    [InlineData(0.80, 0.95)]
    [InlineData(0.85, 0.98)]
    public void FindSimilar_LowThreshold_FindsNearlyAllAndNothingExtra(double minSimilarity, double minRecall)
    {
        var (names, queries) = GenerateCorpus();
        var index = new CompanyNameIndex(names);
        var results = new List<(int Entry, double Similarity)>();
        var expectedCount = 0;
        var foundCount = 0;

        foreach (var query in queries)
        {
            var expected = BruteForce(names, query, minSimilarity);

            index.FindSimilar(query, minSimilarity, results);

            Assert.All(results, r => Assert.Contains(r, expected));
            expectedCount += expected.Count;
            foundCount += results.Count;
        }

        var recall = (double)foundCount / expectedCount;
        Assert.True(recall >= minRecall, $"recall {recall:0.0000} ({foundCount}/{expectedCount}) at {minSimilarity}");
        Assert.True(recall < 1.0, "blocking became exact at this threshold: move it to the exact comparison");
    }

    [Fact]
    public void FindSimilar_LargeIndex_TightensBlockingButKeepsNearlyAllAndNothingExtra()
    {
        // Thousands of names from a small vocabulary: every trigram of a query has long postings, so the index
        // blocks on entries sharing a third of the query's trigrams.
        var random = new Random(77);
        var names = GenerateNames(random, 20_000);
        var index = new CompanyNameIndex(names);
        var queries = Enumerable.Range(0, 300).Select(_ => Typo(random, names[random.Next(names.Count)] ?? "acme")).ToList();
        var results = new List<(int Entry, double Similarity)>();
        var expectedCount = 0;
        var foundCount = 0;
        foreach (var query in queries)
        {
            var expected = BruteForce(names, query, 0.9);
            index.FindSimilar(query, 0.9, results);
            Assert.All(results, r => Assert.Contains(r, expected));
            expectedCount += expected.Count;
            foundCount += results.Count;
        }

        var recall = (double)foundCount / expectedCount;
        Assert.True(expectedCount > 1000, $"only {expectedCount} matches: the corpus does not exercise the large-index path");
        Assert.True(recall >= 0.97, $"recall {recall:0.0000} ({foundCount}/{expectedCount})");
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.8)]
    [InlineData(0.95)]
    public void FindSimilar_LargeIndex_SameAsTheDocumentedCandidatesScanned(double minSimilarity)
    {
        // The search walks only some postings and bounds before counting shares; whatever it skips must not change
        // the answer: the candidates as the remarks define them, each compared in full, over every entry.
        var random = new Random(2024);
        var names = GenerateNames(random, 20_000);
        var index = new CompanyNameIndex(names);
        var queries = Enumerable.Range(0, 250).Select(_ => Typo(random, names[random.Next(names.Count)] ?? "acme"))
            .Concat(["pacific logistics holdings", "ab", "sony", "tokyo tokyo tokyo", "aaaaaaaaaaaaaaaa"])
            .ToList();
        var results = new List<(int Entry, double Similarity)>();
        var entryKeys = names.Select(n => string.IsNullOrEmpty(n) ? [] : TrigramKeys(n)).ToList();
        var largeQueries = 0;
        var fuzzyHits = 0;
        foreach (var query in queries)
        {
            var (expected, large) = ByDefinition(names, entryKeys, query, minSimilarity);
            largeQueries += large ? 1 : 0;

            index.FindSimilar(query, minSimilarity, results);

            Assert.True(expected.SequenceEqual(results), $"query '{query}' at {minSimilarity}: expected [{Describe(expected)}], got [{Describe(results)}]");
            fuzzyHits += results.Count(r => r.Similarity < 1.0);
        }

        Assert.True(largeQueries > 100, $"only {largeQueries} queries took the large-index path");
        Assert.True(fuzzyHits > 200, $"only {fuzzyHits} fuzzy hits");
    }

    /// <summary>The candidates of the class remarks, by brute force, and whether the query counted shared trigrams.</summary>
    private static (List<(int Entry, double Similarity)> Found, bool Large) ByDefinition(
        IReadOnlyList<string?> names, List<HashSet<ulong>> entryKeys, string query, double minSimilarity)
    {
        static HashSet<string> Deletions(string s) => [.. Enumerable.Range(0, s.Length).Select(i => s.Remove(i, 1)).Where(d => d.Length > 0)];

        // Shares count the query's trigram positions, so a trigram the query repeats counts each time.
        var queryKeys = Enumerable.Range(0, Math.Max(0, query.Length - 2)).Select(i => CompanyNameIndex.TrigramKey(query, i)).ToList();
        var postings = queryKeys.Sum(k => entryKeys.Count(keys => keys.Contains(k)));
        var large = postings > CompanyNameIndex.SharedTrigramBudget;
        var need = large && queryKeys.Count >= 6 ? (int)Math.Ceiling(queryKeys.Count * 0.34) : 1;
        var queryDeletions = Deletions(query);
        var found = new List<(int Entry, double Similarity)>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var shared = queryKeys.Count(entryKeys[i].Contains);
            var shortEdit = query.Length <= CompanyNameIndex.ShortNameLength
                && ((name.Length <= CompanyNameIndex.ShortNameLength && Deletions(name).Overlaps(queryDeletions.Append(query)))
                    || queryDeletions.Contains(name));
            if (name == query || shared >= need || shortEdit)
            {
                var similarity = JaroWinkler.Similarity(query, name);
                if (similarity >= minSimilarity)
                {
                    found.Add((i, similarity));
                }
            }
        }

        return (found, large);
    }

    private static HashSet<ulong> TrigramKeys(string s) =>
        [.. Enumerable.Range(0, Math.Max(0, s.Length - 2)).Select(i => CompanyNameIndex.TrigramKey(s, i))];

    private static (List<string?> Names, List<string> Queries) GenerateCorpus()
    {
        var random = new Random(4242);
        var names = GenerateNames(random, 400);
        var queries = names.Where(n => !string.IsNullOrEmpty(n)).Select(n => n!)
            .Concat(Enumerable.Range(0, 400).Select(_ => Typo(random, names[random.Next(names.Count)] ?? "acme")))
            .ToList();
        return (names, queries);
    }

    private static List<(int Entry, double Similarity)> BruteForce(IReadOnlyList<string?> names, string query, double minSimilarity)
    {
        var found = new List<(int Entry, double Similarity)>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var similarity = JaroWinkler.Similarity(query, name);
            if (similarity >= minSimilarity)
            {
                found.Add((i, similarity));
            }
        }

        return found;
    }

    private static List<string?> GenerateNames(Random random, int count)
    {
        var names = new List<string?>(count);
        while (names.Count < count)
        {
            switch (random.Next(10))
            {
                case 0:
                    names.Add(ShortNames[random.Next(ShortNames.Length)]);
                    break;
                case 1:
                    // Typos of names already present, so that near-duplicates exist in the index itself.
                    names.Add(names.Count == 0 ? "acme" : Typo(random, names[random.Next(names.Count)] ?? "sony"));
                    break;
                case 2:
                    names.Add(random.Next(2) == 0 ? null : "");
                    break;
                default:
                    var words = random.Next(1, 4);
                    names.Add(string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)])));
                    break;
            }
        }

        return names;
    }

    private static string Typo(Random random, string name)
    {
        var chars = name.ToList();
        var edits = random.Next(1, 3);
        for (var e = 0; e < edits && chars.Count > 1; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, (char)('a' + random.Next(26)));
                    break;
                case 2 when at + 1 < chars.Count:
                    (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    break;
                default:
                    chars[at] = (char)('a' + random.Next(26));
                    break;
            }
        }

        return new string([.. chars]);
    }

    private static string Describe(IEnumerable<(int Entry, double Similarity)> found) =>
        string.Join(", ", found.Select(f => $"{f.Entry}:{f.Similarity:0.000}"));
}
