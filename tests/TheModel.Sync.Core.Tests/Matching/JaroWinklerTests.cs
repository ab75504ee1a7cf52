using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Core.Tests.Matching;

public sealed class JaroWinklerTests
{
    [Theory]
    // The textbook pairs (Winkler 1990; also on Wikipedia).
    [InlineData("MARTHA", "MARHTA", 0.961)]
    [InlineData("DWAYNE", "DUANE", 0.840)]
    [InlineData("DIXON", "DICKSONX", 0.813)]
    // m=8, t=0: jaro = (8/9 + 8/10 + 1) / 3 = 0.8963, no common prefix.
    [InlineData("JELLYFISH", "SMELLYFISH", 0.896)]
    // m=3 (R, A, E), t=0: jaro = (3/5 + 3/5 + 1) / 3 = 0.7333, no common prefix.
    [InlineData("CRATE", "TRACE", 0.733)]
    // A swapped pair: m=4, t=1: jaro = 0.9167, prefix 1 -> 0.925.
    [InlineData("sony", "snoy", 0.925)]
    // Three chars out of order: t = 3/2 = 1.5 (the half is kept): jaro = (1 + 1 + 4.5/6) / 3 = 0.9167, no prefix.
    [InlineData("abcdef", "bcadef", 0.917)]
    // jaro = 0.667 is not above 0.7, so the shared prefix earns no boost (it would give 0.700).
    [InlineData("ab", "ac", 0.667)]
    // One char matches; window 0 at these lengths.
    [InlineData("a", "ab", 0.850)]
    [InlineData("acme", "acme", 1.000)]
    [InlineData("", "", 1.000)]
    [InlineData("", "acme", 0.000)]
    [InlineData("acme", "", 0.000)]
    [InlineData("abc", "xyz", 0.000)]
    // Window 2: m=3, t=0: jaro = (3/3 + 3/6 + 1) / 3 = 0.8333, prefix 3 -> 0.883.
    [InlineData("トヨタ", "トヨタ自動車", 0.883)]
    public void Similarity_KnownPair_MatchesHandComputedValue(string a, string b, double expected)
    {
        Assert.Equal(expected, Math.Round(JaroWinkler.Similarity(a, b), 3));
        Assert.Equal(expected, Math.Round(JaroWinkler.Similarity(b, a), 3));
    }

    [Fact]
    public void Similarity_RandomPairs_IsSymmetricAndWithinBounds()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 5000; i++)
        {
            var a = RandomWord(random);
            var b = random.Next(3) == 0 ? RandomWord(random) : Mutate(random, a);

            var ab = JaroWinkler.Similarity(a, b);
            var ba = JaroWinkler.Similarity(b, a);

            Assert.Equal(ab, ba);
            Assert.InRange(ab, 0.0, 1.0);
            Assert.True(ab <= JaroWinkler.UpperBound(a.Length, b.Length), $"'{a}' / '{b}': {ab} above its length bound");
        }
    }

    [Fact]
    public void Similarity_UpTo64Chars_SameAsTheFlagComputation()
    {
        // Strings up to 64 chars keep their match flags in a word; the answer must be the flag buffer's, bit for bit.
        var random = new Random(64);
        var checkedPairs = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var length = random.Next(1, 66);
            var alphabet = random.Next(2, 8);
            var b = new string([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(alphabet)))]);
            var chars = b.ToList();
            for (var e = random.Next(0, 6); e > 0 && chars.Count > 1; e--)
            {
                chars[random.Next(chars.Count)] = (char)('a' + random.Next(alphabet));
                if (random.Next(3) == 0)
                {
                    chars.RemoveAt(random.Next(chars.Count));
                }
            }

            var a = new string([.. chars]);
            var (shorter, longer) = a.Length < b.Length || (a.Length == b.Length && string.CompareOrdinal(a, b) <= 0) ? (a, b) : (b, a);
            if (shorter.Length == 0 || shorter == longer)
            {
                continue;
            }

            Assert.Equal(JaroWinkler.ComputeByFlags(shorter, longer), JaroWinkler.Similarity(a, b));
            checkedPairs += longer.Length <= 64 ? 1 : 0;
        }

        Assert.True(checkedPairs > 15_000, $"only {checkedPairs} pairs took the word-sized path");
    }

    [Fact]
    public void Similarity_LongStrings_UsesTheSameFormula()
    {
        var a = new string('x', 300) + "a";
        var b = new string('x', 300) + "b";

        // m = 300, t = 0, prefix 4: jaro = (300/301 + 300/301 + 1) / 3.
        var jaro = ((300.0 / 301) + (300.0 / 301) + 1.0) / 3.0;
        var expected = jaro + (4 * 0.1 * (1 - jaro));
        Assert.Equal(expected, JaroWinkler.Similarity(a, b), 12);
    }

    [Fact]
    public void Similarity_NamesUpTo128Chars_AllocatesNothing()
    {
        var a = "acme widgets international holdings of the far east trading company " + new string('q', 50);
        var b = "acme widgits internationl holdings of the far east tradign company " + new string('q', 55);
        JaroWinkler.Similarity(a, b);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = 0.0;
        for (var i = 0; i < 1000; i++)
        {
            sum += JaroWinkler.Similarity(a, b);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 900);
    }

    [Fact]
    public void Similarity_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => JaroWinkler.Similarity(null!, "a"));
        Assert.Throws<ArgumentNullException>(() => JaroWinkler.Similarity("a", null!));
    }

    private static string RandomWord(Random random)
    {
        const string Alphabet = "abcdeino rst";
        var length = random.Next(0, 14);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Mutate(Random random, string word)
    {
        var chars = word.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = chars.Count == 0 ? 0 : random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0 when chars.Count > 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, (char)('a' + random.Next(26)));
                    break;
                case 2 when chars.Count > 1 && at + 1 < chars.Count:
                    (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    break;
                default:
                    if (chars.Count > 0)
                    {
                        chars[at] = (char)('a' + random.Next(26));
                    }

                    break;
            }
        }

        return new string([.. chars]);
    }
}
