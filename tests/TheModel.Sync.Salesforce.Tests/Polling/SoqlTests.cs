using TheModel.Sync.Application.Crm;
using TheModel.Sync.Salesforce.Polling;

namespace TheModel.Sync.Salesforce.Tests.Polling;

public sealed class SoqlTests
{
    [Theory]
    [InlineData("Owner Id")]
    [InlineData("Id FROM User --")]
    [InlineData("Name'")]
    [InlineData("")]
    public void Select_NotAnApiName_IsRefusedWithTheName(string field)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Soql.Select(["Id", field], "Lead"));

        Assert.Equal($"Salesforce field name must be an API name like Status or TheModel_Key__c, was '{field}'.", error.Message);
    }

    [Fact]
    public void Select_RelationshipAndCustomNames_AreAccepted() =>
        Assert.Equal("SELECT Id, Owner.Name, TheModel_Key__c FROM Lead", Soql.Select(["Id", "Owner.Name", "TheModel_Key__c"], "Lead"));

    [Fact]
    public void Poll_WatermarkIdNotAnId_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Soql.Poll(["Id"], "Lead", "SystemModstamp", new Watermark(DateTimeOffset.UnixEpoch, "x' OR Id != '"), DateTimeOffset.UnixEpoch.AddDays(1), 10));

        Assert.StartsWith("The watermark's id must be a Salesforce id, was 'x' OR Id != ''.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MQL", "'MQL'")]
    [InlineData("Bob's", @"'Bob\'s'")]
    [InlineData(@"a\b", @"'a\\b'")]
    [InlineData("say \"hi\"", "'say \\\"hi\\\"'")]
    [InlineData("two\nlines\t", @"'two\nlines\t'")]
    public void Quote_SpecialCharacters_EscapedAsSoqlReadsThem(string value, string literal) =>
        Assert.Equal(literal, Soql.Quote(value));

    [Fact]
    public void Owned_OwnersAndStageFilter_BothInLists()
    {
        var soql = Soql.Owned("SELECT Id, OwnerId, Status FROM Lead", "OwnerId", ["005A", "005B"], new StageFilter("Status", ["MQL", "Working - Contacted"]));

        Assert.Equal("SELECT Id, OwnerId, Status FROM Lead WHERE OwnerId IN ('005A','005B') AND Status IN ('MQL','Working - Contacted')", soql);
    }

    [Fact]
    public void Owned_StageFieldNotAnApiName_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Soql.Owned("SELECT Id FROM Lead", "OwnerId", ["005A"], new StageFilter("Status) OR (Id", ["x"])));

        Assert.Equal("Salesforce field name must be an API name like Status or TheModel_Key__c, was 'Status) OR (Id'.", error.Message);
    }

    [Theory]
    [InlineData("@acme.com", @"'%@acme.com'")]
    [InlineData(".a_b%c.example", @"'%.a\_b\%c.example'")]
    [InlineData("@o'brien\\x.example", @"'%@o\'brien\\x.example'")]
    public void EndsWithPattern_EscapesQuotesAndTheSuffixsOwnWildcards(string suffix, string expected) =>
        Assert.Equal(expected, Soql.EndsWithPattern(suffix));

    [Fact]
    public void LeadsAtDomains_TwoDomains_MatchesEachAtTheAtSignOrASubdomainOnly() =>
        Assert.Equal(
            "SELECT Id, Email FROM Lead WHERE IsConverted = false AND (Email LIKE '%@acme.com' OR Email LIKE '%.acme.com' OR Email LIKE '%@b\\_c.example' OR Email LIKE '%.b\\_c.example') ORDER BY Id",
            Soql.LeadsAtDomains("Lead", "Email", ["acme.com", "b_c.example"]));

    [Fact]
    public void ContactsOfAccountsAndAccountsOfOpportunities_AreExact()
    {
        Assert.Equal(
            "SELECT Id, AccountId FROM Contact WHERE AccountId IN ('001000000000001AAA','001000000000002AAA') ORDER BY Id",
            Soql.ContactsOfAccounts("Contact", ["001000000000001AAA", "001000000000002AAA"]));
        Assert.Equal(
            "SELECT Id, Account__c FROM Opportunity WHERE Id IN ('006000000000001AAA')",
            Soql.AccountsOfOpportunities("Account__c", ["006000000000001AAA"]));
    }

    [Theory]
    [InlineData("ann@Sub.Acme.COM", "sub.acme.com|acme.com|com")]
    [InlineData("acme.com@other.example", "other.example|example")]
    [InlineData("odd@x@acme.com", "acme.com|com")]
    [InlineData("no-at-sign.acme.com", "")]
    [InlineData(null, "")]
    public void DomainsOf_Email_IsTheHostAndItsParentsLowerCase(string? email, string expected) =>
        Assert.Equal(expected, string.Join('|', SalesforcePeopleReader.DomainsOf(email)));
}
