using TheModel.Sync.Application.Generation;
using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Application.Tests.Generation;

public sealed class GenerationInternalsTests
{
    [Fact]
    public void Rng_SameSeed_SameSequence()
    {
        var a = new Rng(123);
        var b = new Rng(123);
        var c = new Rng(124);
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToList();
        var sb = Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToList();
        var sc = Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToList();

        Assert.Equal(sa, sb);
        Assert.NotEqual(sa, sc);
    }

    [Fact]
    public void Rng_KnownSeed_GivesTheFixedSequence()
    {
        // Pinned so that a change to the generator's PRNG (which changes every generated file) is noticed.
        var rng = new Rng(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, rng.NextUInt64());
    }

    [Fact]
    public void Rng_Next_StaysInRangeAndCoversIt()
    {
        var rng = new Rng(7);
        var seen = new int[10];
        for (var i = 0; i < 10_000; i++)
        {
            seen[rng.Next(10)]++;
        }

        Assert.All(seen, n => Assert.InRange(n, 850, 1_150));
        Assert.Equal(5, rng.Between(5, 5));
        Assert.InRange(rng.Between(-3L, 3L), -3L, 3L);
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Asia/Tokyo")]
    public void IsoTime_Format_AgreesWithTheTimeZoneDatabase(string zoneId)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var zone = zoneId == "Asia/Tokyo" ? Zone.Tokyo : Zone.NewYork;
        var rng = new Rng(99);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var end = new DateTimeOffset(2030, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < 20_000; i++)
        {
            var t = rng.Between(start, end);
            var expected = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(t), tz)
                .ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, IsoTime.Format(t, zone));
        }
    }

    [Theory]
    [InlineData(1_772_953_199L, "2026-03-08T01:59:59-05:00")]
    [InlineData(1_772_953_200L, "2026-03-08T03:00:00-04:00")]
    [InlineData(1_793_512_799L, "2026-11-01T01:59:59-04:00")]
    [InlineData(1_793_512_800L, "2026-11-01T01:00:00-05:00")]
    public void IsoTime_Format_UsDaylightSavingEdges(long unixSeconds, string expected) =>
        Assert.Equal(expected, IsoTime.Format(unixSeconds, Zone.NewYork));

    [Fact]
    public void IsoTime_Format_UtcUsesZ() =>
        Assert.Equal("2026-11-30T00:00:00Z", IsoTime.Format(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Zone.Utc));

    [Fact]
    public void IsoTime_StartOfLocalDay_IsLocalMidnight()
    {
        var t = new DateTimeOffset(2026, 7, 15, 2, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        Assert.Equal("2026-07-15T00:00:00+09:00", IsoTime.Format(IsoTime.StartOfLocalDay(t, Zone.Tokyo), Zone.Tokyo));
        Assert.Equal("2026-07-14T00:00:00-04:00", IsoTime.Format(IsoTime.StartOfLocalDay(t, Zone.NewYork), Zone.NewYork));
    }

    [Fact]
    public void AccountCatalog_Slots_HaveDistinctDomainsOutsideTheLists()
    {
        var rules = GenerationRules.Roster();
        var catalog = new AccountCatalog(rules, 5, 40_000, 1_800_000_000, new OwnerPool(rules, 1));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var slugs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lists = rules.Lists;
        for (var slot = 0; slot < 30_000; slot++)
        {
            var id = catalog.Identity(slot);
            Assert.True(seen.Add(id.Domain), $"slot {slot}: {id.Domain} again");
            Assert.True(slugs.Add(id.Domain[..id.Domain.IndexOf('.', StringComparison.Ordinal)]), $"slot {slot}: {id.Domain} shares its name");
            Assert.All(lists, l => Assert.False(l.Contains(id.Domain), $"{id.Domain} is in {l.Id}"));
        }
    }

    [Fact]
    public void AccountCatalog_Build_IsAPureFunctionOfTheIndex()
    {
        var rules = GenerationRules.Roster();
        var catalog = new AccountCatalog(rules, 77, 5_000, 1_800_000_000, new OwnerPool(rules, 1));
        var first = Enumerable.Range(0, 300).Select(i => catalog.Build(4_999 - i)).ToList();
        catalog.Build(17);
        var again = Enumerable.Range(0, 300).Select(i => catalog.Build(4_999 - i)).ToList();

        Assert.Equal(first.Select(a => (a.Name, a.Domain, a.Type, a.Employees, a.Owner)), again.Select(a => (a.Name, a.Domain, a.Type, a.Employees, a.Owner)));
        Assert.All(first, a => Assert.Equal(a.Type, catalog.TypeOf(a.Index)));
    }

    [Fact]
    public void AccountCatalog_Duplicates_ShareTheDomainAndMatchByName()
    {
        var rules = GenerationRules.Roster();
        var catalog = new AccountCatalog(rules, 3, 3_000, 1_800_000_000, new OwnerPool(rules, 1));
        var duplicates = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var a = catalog.Build(i);
            if (a.DuplicateOf < 0)
            {
                continue;
            }

            duplicates++;
            var original = catalog.Build(a.DuplicateOf);
            Assert.Equal(-1, original.DuplicateOf);
            Assert.Equal(original.Domain, a.Domain);
            if (a.Kanji == original.Kanji)
            {
                var (x, y) = (CompanyNames.Normalize(original.Name), CompanyNames.Normalize(a.Name));
                Assert.True(JaroWinkler.Similarity(x, y) >= 0.9, $"'{original.Name}' and its duplicate '{a.Name}'");
            }
        }

        Assert.InRange(duplicates, 50, 140);
    }

    [Theory]
    [InlineData("Toyo Seiki", false, true)]
    [InlineData("Acme Analytics", false, false)]
    [InlineData("東洋精機", true, true)]
    public void Variant_AnyDraw_NormalizesLikeTheCore(string core, bool kanji, bool japan)
    {
        var rng = new Rng(1);
        var expected = CompanyNames.Normalize(core);
        for (var i = 0; i < 200; i++)
        {
            var variant = AccountCatalog.Variant(rng, core, kanji, japan);
            var normalized = CompanyNames.Normalize(variant);
            Assert.True(
                normalized == expected || JaroWinkler.Similarity(normalized, expected) >= 0.9,
                $"'{variant}' normalizes to '{normalized}', not '{expected}'");
        }
    }
}
