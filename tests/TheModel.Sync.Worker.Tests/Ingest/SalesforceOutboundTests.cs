using System.Net;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Salesforce.OutboundMessages;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Ingest;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Ingest;

public sealed class SalesforceOutboundTests
{
    private static string Message(string orgId, params (string NotificationId, string Type, string RecordId)[] notifications) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>{orgId}</OrganizationId>
           <ActionId>04k000000000001AAA</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/60.0/00D000000000001</EnterpriseUrl>
           <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/60.0/00D000000000001</PartnerUrl>
           {string.Concat(notifications.Select(n => $"""
           <Notification>
            <Id>{n.NotificationId}</Id>
            <sObject xsi:type="sf:{n.Type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
             <sf:Id>{n.RecordId}</sf:Id>
             <sf:Company>Acme</sf:Company>
             <sf:OwnerId>005000000000001AAA</sf:OwnerId>
             <sf:SystemModstamp>2026-11-30T00:59:00.000Z</sf:SystemModstamp>
            </sObject>
           </Notification>
           """))}
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """;

    private static string Rejected(string reason) => $"themodel_webhook_rejected_total{{crm=\"salesforce\",reason=\"{reason}\"}}";

    [Fact]
    public async Task PostSalesforce_LeadNotification_AnswersTheExactAckAfterQueueing()
    {
        await using var host = await StartAsync();

        using var response = await host.PostSalesforceAsync(Message(OrgId, ("04l000000000001AAA", "Lead", "00Q000000000001EAA")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(OutboundAck.Envelope, await response.Content.ReadAsStringAsync());
        var scrape = await host.MetricsAsync();
        Assert.Equal(1, Metric(scrape, "themodel_events_queued_total{crm=\"salesforce\",origin=\"outbound_message\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_events_received_total{crm=\"salesforce\",origin=\"outbound_message\",object=\"person\"}"));
    }

    [Fact]
    public async Task PostSalesforce_SameNotificationTwice_QueuedOnceAndAckedBothTimes()
    {
        await using var host = await StartAsync();
        var soap = Message(OrgId, ("04l000000000002AAA", "Contact", "003000000000001AAA"), ("04l000000000003AAA", "Account", "001000000000001AAA"));

        using var first = await host.PostSalesforceAsync(soap);
        using var second = await host.PostSalesforceAsync(soap);

        Assert.Equal(OutboundAck.Envelope, await second.Content.ReadAsStringAsync());
        var scrape = await host.MetricsAsync();
        Assert.Equal(2, Metric(scrape, "themodel_events_queued_total{crm=\"salesforce\",origin=\"outbound_message\"}"));
        Assert.Equal(2, Metric(scrape, "themodel_events_duplicate_total{crm=\"salesforce\",origin=\"outbound_message\"}"));
    }

    [Fact]
    public async Task PostSalesforce_AnotherOrganization_Returns401AndCountsBadOrg()
    {
        await using var host = await StartAsync();

        using var response = await host.PostSalesforceAsync(Message("00D000000000002EAA", ("04l000000000001AAA", "Lead", "00Q000000000001EAA")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("bad_org")));
    }

    [Fact]
    public async Task PostSalesforce_DocumentTypeDeclaration_Returns400AndCountsMalformed()
    {
        await using var host = await StartAsync();
        var soap = Message(OrgId, ("04l000000000001AAA", "Lead", "00Q000000000001EAA"))
            .Replace("?>\n<soapenv:Envelope", "?>\n<!DOCTYPE x [<!ENTITY e \"boom\">]>\n<soapenv:Envelope", StringComparison.Ordinal);
        Assert.Contains("<!DOCTYPE", soap, StringComparison.Ordinal);

        using var response = await host.PostSalesforceAsync(soap);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("malformed")));
    }

    [Fact]
    public async Task PostSalesforce_RecordIdWithWrongChecksum_Returns400()
    {
        await using var host = await StartAsync();

        using var response = await host.PostSalesforceAsync(Message(OrgId, ("04l000000000001AAA", "Lead", "00Q000000000001AAA")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no valid sf:Id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSalesforce_NotXml_Returns400()
    {
        await using var host = await StartAsync();

        using var response = await host.PostSalesforceAsync("{\"not\":\"soap\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostSalesforce_OtherSObject_AckedIgnoredAndCounted()
    {
        await using var host = await StartAsync();

        using var response = await host.PostSalesforceAsync(Message(OrgId, ("04l000000000004AAA", "Case", "500000000000001AAA")));

        Assert.Equal(OutboundAck.Envelope, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await host.MetricAsync("themodel_events_ignored_total{crm=\"salesforce\",type=\"Case\"}"));
    }

    [Theory]
    [InlineData("Lead", CrmObject.Person)]
    [InlineData("Contact", CrmObject.Person)]
    [InlineData("Account", CrmObject.Account)]
    [InlineData("Opportunity", CrmObject.Opportunity)]
    [InlineData("Task", null)]
    [InlineData("lead", null)]
    public void ObjectOf_SObjectType_MapsToCanonicalObject(string type, CrmObject? expected) =>
        Assert.Equal(expected, SalesforceOutboundHandler.ObjectOf(type));

    [Fact]
    public async Task PostSalesforce_Notification_QueuesEventWithNotificationKeyAndSObjectFields()
    {
        await using var host = await StartAsync();
        await host.Service<EventConsumer>().StopAsync(default);

        // With the consumer stopped, the queued entry can be read back as it was queued.
        using var response = await host.PostSalesforceAsync(Message(OrgId, ("04l000000000005AAA", "Lead", "00Q000000000001")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var queued = Assert.Single(await host.Service<IEventQueue>().ReadAsync("test", 10, TimeSpan.Zero, default));
        Assert.Equal("sf:04l000000000005AAA", queued.Event.DedupeKey);
        Assert.Equal("00Q000000000001EAA", queued.Event.RecordId);
        Assert.Equal(EventOrigin.OutboundMessage, queued.Event.Origin);
        Assert.Equal("Acme", queued.Event.Fields!["Company"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 59, 0, TimeSpan.Zero), queued.Event.OccurredAt);
    }
}
