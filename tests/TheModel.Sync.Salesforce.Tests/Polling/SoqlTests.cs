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
}
