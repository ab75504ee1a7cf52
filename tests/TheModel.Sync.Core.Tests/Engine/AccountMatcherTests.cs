using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Core.Tests.Support;

namespace TheModel.Sync.Core.Tests.Engine;

public sealed class AccountMatcherTests
{
    private static readonly string[] Words = ["Sakura", "Fuji", "Pacific", "Summit", "Harbor", "Cedar", "Nova", "Kiyomizu", "Atlas", "Orion", "Meridian", "Kumo"];

    // Large enough that the name index is built on a second thread beside the id and domain indexes.
    [Theory]
    [InlineData(50)]
    [InlineData(12_000)]
    public void Match_FindsEveryAccountByIdDomainAndName_SmallAndLargeIndexes(int count)
    {
        var rules = new TestRules().Build();
        var accounts = Enumerable.Range(0, count).Select(Account).ToList();
        var matcher = new AccountMatcher(rules, accounts);

        Assert.Equal(count, matcher.Count);
        for (var i = 0; i < count; i += Math.Max(1, count / 400))
        {
            var expected = accounts[i].Id;
            var byId = matcher.Match(Persons.New(email: "x@free.example", accountId: expected), "free.example");
            var byDomain = matcher.Match(Persons.New(email: $"x@jp.co{i}.example"), $"jp.co{i}.example");
            var byName = matcher.Match(Persons.New(email: "x@elsewhere.example", company: $"{accounts[i].Name}, Inc."), "elsewhere.example");
            Assert.Equal(
                (expected, "account_id", expected, "domain", expected, "company_name"),
                (byId.Account?.Id, byId.By, byDomain.Account?.Id, byDomain.By, byName.Account?.Id, byName.By));
        }

        Assert.Null(matcher.Match(Persons.New(email: "x@nowhere.example", company: "Qwxz Unrelated"), "nowhere.example").Account);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(12_000)]
    public void New_AnAccountWithoutId_ThrowsTheSameExceptionWhetherTheIndexesAreBuiltSideBySideOrNot(int count)
    {
        var rules = new TestRules().Build();
        var accounts = Enumerable.Range(0, count).Select(Account).ToList();
        accounts[count / 2] = new Account { Id = null!, Name = "Nameless", Domain = "nameless.example" };

        Assert.Throws<ArgumentNullException>(() => new AccountMatcher(rules, accounts));
    }

    private static Account Account(int i) => new()
    {
        Id = $"acc-{i:D5}",
        Name = $"{Words[i % Words.Length]} {Words[(i / Words.Length) % Words.Length]} {i:D5}",
        Domain = $"co{i}.example",
    };
}
