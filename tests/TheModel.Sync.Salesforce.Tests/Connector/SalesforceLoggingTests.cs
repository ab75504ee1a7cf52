using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using WireMock.RequestBuilders;

namespace TheModel.Sync.Salesforce.Tests.Connector;

/// <remarks>Logs are for operators and may leave the machine: they carry event ids, counts and codes, never tokens or secrets.</remarks>
public sealed class SalesforceLoggingTests
{
    [Fact]
    public async Task Logs_TokenRenewalAndWrite_HaveStableIdsAndNoSecrets()
    {
        var logs = new CapturingLoggerProvider();
        await using var h = SalesforceHarness.Start(services: s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        h.StubToken(SalesforceHarness.AccessToken, "tokens", whenState: null, nextState: "second");
        h.StubToken(SalesforceHarness.SecondAccessToken, "tokens", whenState: "second", nextState: "second");
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet()
                .WithHeader("Authorization", "Bearer " + SalesforceHarness.AccessToken))
            .RespondWith(SalesforceHarness.Json(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, """{"totalSize":0,"done":true,"records":[]}""", priority: 20);
        h.StubJson("PATCH", SalesforceHarness.DataPath + "/composite/sobjects", 200, """[{"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"nope","fields":[]}]}]""");

        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None);
        await h.Connector.WriteAsync(
            new WritePlan([new RecordUpdate("k1", CrmObject.Person, SalesforceIds.To18("00Q000000000001"), new Dictionary<string, string?> { ["Status"] = "Working" })], []),
            CancellationToken.None);

        var events = logs.Events;
        Assert.Equal(2, events.Count(e => e.Id.Id == 1701));
        Assert.Single(events, e => e.Id.Id == 1703);
        Assert.Single(events, e => e.Id.Id == 1720);
        Assert.Single(events, e => e.Id.Id == 1730 && e.Text.Contains("rejected 1", StringComparison.Ordinal));
        Assert.All(events, e =>
        {
            Assert.DoesNotContain(SalesforceHarness.AccessToken, e.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(SalesforceHarness.SecondAccessToken, e.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(SalesforceHarness.ClientSecret, e.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", e.Text, StringComparison.Ordinal);
        });
    }
}
