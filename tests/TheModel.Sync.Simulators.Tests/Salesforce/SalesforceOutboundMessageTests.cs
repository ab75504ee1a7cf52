using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceOutboundMessageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Touch_SendsTheVendorEnvelopeWithCurrentValues()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener);
        var lead = host.InsertLead("Lovelace", "Acme", new() { ["Email"] = "ada@acme.example" });
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        host.Simulator.Touch("Lead", lead, new Dictionary<string, object?> { ["Status"] = "Working - Contacted", ["Email"] = null });
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        var messages = listener.Received;
        Assert.Equal(2, messages.Count);
        var message = messages[1];
        Assert.StartsWith("text/xml", message.ContentType, StringComparison.Ordinal);
        Assert.Equal("\"\"", message.SoapAction);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", message.Body, StringComparison.Ordinal);
        var notifications = message.Document.Descendants(OutboundListener.Om + "notifications").Single();
        Assert.Equal(
            ["OrganizationId", "ActionId", "SessionId", "EnterpriseUrl", "PartnerUrl", "Notification"],
            notifications.Elements().Select(e => e.Name.LocalName).ToArray());
        var org = host.Simulator.OrganizationId;
        Assert.Equal(org, notifications.Element(OutboundListener.Om + "OrganizationId")!.Value);
        Assert.Equal(host.Simulator.OutboundActionId, notifications.Element(OutboundListener.Om + "ActionId")!.Value);
        Assert.StartsWith("04k", host.Simulator.OutboundActionId, StringComparison.Ordinal);
        Assert.Equal("true", notifications.Element(OutboundListener.Om + "SessionId")!.Attribute(OutboundListener.Xsi + "nil")!.Value);
        var root = host.Simulator.BaseUrl.GetLeftPart(UriPartial.Authority);
        Assert.Equal($"{root}/services/Soap/c/62.0/{org[..15]}", notifications.Element(OutboundListener.Om + "EnterpriseUrl")!.Value);
        Assert.Equal($"{root}/services/Soap/u/62.0/{org[..15]}", notifications.Element(OutboundListener.Om + "PartnerUrl")!.Value);

        var (id, sObject) = Assert.Single(message.Notifications);
        Assert.StartsWith("04l", id, StringComparison.Ordinal);
        Assert.Equal(18, id.Length);
        Assert.NotEqual(messages[0].Notifications[0].Id, id);
        Assert.Equal("sf:Lead", sObject.Attribute(OutboundListener.Xsi + "type")!.Value);
        Assert.Equal(["Id", "OwnerId", "Status", "Email", "Company", "SystemModstamp"], sObject.Elements().Select(e => e.Name.LocalName).ToArray());
        Assert.Equal(lead, sObject.Element(OutboundListener.Sf + "Id")!.Value);
        Assert.Equal("Working - Contacted", sObject.Element(OutboundListener.Sf + "Status")!.Value);
        Assert.Equal("true", sObject.Element(OutboundListener.Sf + "Email")!.Attribute(OutboundListener.Xsi + "nil")!.Value);
        Assert.Equal("2026-03-02T09:30:15.000Z", sObject.Element(OutboundListener.Sf + "SystemModstamp")!.Value);
        Assert.Equal(new(2, 2, 0, 0, 0, 0, 0), host.Simulator.Outbound);
    }

    [Fact]
    public async Task ApiWrites_DoNotSendOutboundMessagesByDefault_ButCanBeMadeTo()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var quiet = await StartAsync(listener);
        await using var echoing = await StartAsync(listener, o => o.OutboundOnApiWrites = true);

        await quiet.SendAsync(HttpMethod.Post, "sobjects/Lead", new JsonObject { ["LastName"] = "A", ["Company"] = "B" });
        await echoing.SendAsync(HttpMethod.Post, "sobjects/Lead", new JsonObject { ["LastName"] = "A", ["Company"] = "B" });
        await quiet.Simulator.WaitForOutboundIdleAsync(Patience);
        await echoing.Simulator.WaitForOutboundIdleAsync(Patience);

        Assert.Equal(0, quiet.Simulator.Outbound.NotificationsDelivered);
        Assert.Equal(1, echoing.Simulator.Outbound.NotificationsDelivered);
    }

    [Fact]
    public async Task NonAck_IsRetriedWithBackoffUntilAcknowledged()
    {
        var answers = new (int, string)[]
        {
            (500, "<html>down</html>"),
            (200, OutboundListener.Ack.Replace("<Ack>true</Ack>", "<Ack>false</Ack>", StringComparison.Ordinal)),
            (200, OutboundListener.Ack.Replace("http://soap.sforce.com/2005/09/outbound", "urn:somewhere-else", StringComparison.Ordinal)),
            (200, OutboundListener.Ack),
        };
        await using var listener = await OutboundListener.StartAsync(call => answers[Math.Min(call, answers.Length - 1)]);
        await using var host = await StartAsync(listener);

        host.InsertLead();
        await AdvanceUntilAsync(host, () => host.Simulator.Outbound.FailedAttempts == 1, TimeSpan.Zero);
        var failedAt = host.Time.GetUtcNow();
        await AdvanceUntilAsync(host, () => host.Simulator.Outbound.FailedAttempts == 2, TimeSpan.FromSeconds(1));
        Assert.True(host.Time.GetUtcNow() - failedAt >= TimeSpan.FromSeconds(15));
        await AdvanceUntilAsync(host, () => host.Simulator.Outbound.NotificationsDelivered == 1, TimeSpan.FromSeconds(1));

        var stats = host.Simulator.Outbound;
        Assert.Equal(3, stats.FailedAttempts);
        Assert.Equal(4, stats.MessagesPosted);
        Assert.Equal(3, stats.Retries);
        Assert.Equal(0, stats.Pending);
        Assert.Single(listener.Received.Select(m => m.Notifications[0].Id).Distinct());
        Assert.True(host.Time.GetUtcNow() - failedAt >= TimeSpan.FromSeconds(15 + 30 + 60));
    }

    [Fact]
    public async Task NeverAcknowledged_IsDroppedAfterTheMaximumAge()
    {
        await using var listener = await OutboundListener.StartAsync(_ => (503, "busy"));
        await using var host = await StartAsync(listener, o =>
        {
            o.OutboundMaxAge = TimeSpan.FromMinutes(5);
            o.OutboundMaxRetryDelay = TimeSpan.FromMinutes(1);
        });

        host.InsertLead();
        await AdvanceUntilAsync(host, () => host.Simulator.Outbound.Dropped == 1, TimeSpan.FromSeconds(5));

        Assert.Equal(0, host.Simulator.Outbound.Pending);
        Assert.True(host.Simulator.Outbound.FailedAttempts >= 5);
    }

    [Fact]
    public async Task ManyNotifications_AreSentAtMost100PerMessage()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener);
        host.Simulator.PauseOutbound();
        for (var i = 0; i < 150; i++)
        {
            host.InsertLead($"L{i}");
        }

        Assert.Equal(150, host.Simulator.Outbound.Pending);
        host.Simulator.ResumeOutbound();
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        Assert.Equal([100, 50], listener.Received.Select(m => m.Notifications.Count).ToArray());
        Assert.Equal(150, listener.Received.SelectMany(m => m.Notifications).Select(n => n.Id).Distinct().Count());
        Assert.Equal(150, host.Simulator.Outbound.NotificationsDelivered);
    }

    [Fact]
    public async Task Notifications_CarryValuesAsTheyAreAtSendTime()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener);
        host.Simulator.PauseOutbound();
        var lead = host.InsertLead(extra: new() { ["Status"] = "Open - Not Contacted" });
        host.Simulator.Touch("Lead", lead, new Dictionary<string, object?> { ["Status"] = "Working - Contacted" });

        host.Simulator.ResumeOutbound();
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        var notifications = Assert.Single(listener.Received).Notifications;
        Assert.Equal(2, notifications.Count);
        Assert.All(notifications, n => Assert.Equal("Working - Contacted", n.SObject.Element(OutboundListener.Sf + "Status")!.Value));
    }

    [Fact]
    public async Task DuplicateRate_DeliversTheSameNotificationIdAgain()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener, o => o.OutboundDuplicateRate = 1.0);

        host.InsertLead();
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        var ids = listener.Received.SelectMany(m => m.Notifications).Select(n => n.Id).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(1, host.Simulator.Outbound.NotificationsDelivered);
        Assert.Equal(1, host.Simulator.Outbound.DuplicatesDelivered);
    }

    [Fact]
    public async Task OutOfOrder_ShufflesTheQueuedNotifications()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener, o => o.OutboundOutOfOrder = true);
        host.Simulator.PauseOutbound();
        var leads = Enumerable.Range(0, 30).Select(i => host.InsertLead($"L{i}")).ToList();

        host.Simulator.ResumeOutbound();
        await host.Simulator.WaitForOutboundIdleAsync(Patience);

        var sent = Assert.Single(listener.Received).Notifications.Select(n => n.SObject.Element(OutboundListener.Sf + "Id")!.Value).ToList();
        Assert.Equal(leads.Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
        Assert.NotEqual(leads, sent);
    }

    [Fact]
    public async Task WaitForOutboundIdle_WhilePaused_TimesOutWithTheCounters()
    {
        await using var listener = await OutboundListener.StartAsync();
        await using var host = await StartAsync(listener);
        host.Simulator.PauseOutbound();
        host.InsertLead();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => host.Simulator.WaitForOutboundIdleAsync(TimeSpan.FromMilliseconds(200)));

        Assert.Contains("Pending = 1", error.Message, StringComparison.Ordinal);
    }

    private static Task<SalesforceTestHost> StartAsync(OutboundListener listener, Action<Simulators.Salesforce.SalesforceSimulatorOptions>? configure = null) =>
        SalesforceTestHost.StartAsync(o =>
        {
            o.OutboundEndpoint = listener.Url;
            configure?.Invoke(o);
        });

    /// <summary>Moves the fake clock in steps until the sender reaches the state, with a real-time deadline.</summary>
    private static async Task AdvanceUntilAsync(SalesforceTestHost host, Func<bool> condition, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not reached; outbound state {host.Simulator.Outbound}.");
            host.Time.Advance(step);
            await Task.Delay(10);
        }
    }
}
