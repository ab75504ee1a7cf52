using System.Globalization;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Operations;

/// <summary>
/// The funnel series on <c>/metrics</c>, driven through the real webhook, consumer and processor with a fake HubSpot:
/// a lead created after the worker started is routed (new -> mql), then worked in the CRM (mql -> working).
/// </summary>
public sealed class FunnelMetricsTests
{
    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static async Task<int> DecisionsAsync(WorkerTestHost host)
    {
        var scrape = await host.MetricsAsync();
        return scrape.Split('\n').Where(l => l.StartsWith("themodel_decisions_total{", StringComparison.Ordinal))
            .Sum(l => (int)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static async Task PostChangeAsync(WorkerTestHost host, long eventId, string id, int decisionsBefore)
    {
        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(eventId, "contact.propertyChange", long.Parse(id, CultureInfo.InvariantCulture), host.Time.GetUtcNow().ToUnixTimeMilliseconds(), "hs_lead_status")}]");
        await EventuallyAsync(async () => await DecisionsAsync(host) > decisionsBefore, $"the decision on event {eventId}");
    }

    [Fact]
    public async Task Metrics_LeadRoutedThenWorkedInTheCrm_CountsEntriesTransitionsStaySlaAndOpenCounts()
    {
        await using var host = await StartAsync();
        host.Time.Advance(TimeSpan.FromMinutes(1));
        host.AddJapaneseLead("101");
        host.HubSpot.People["101"]["createdate"] = Iso(host.Time.GetUtcNow());
        using (var created = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]"))
        {
            await EventuallyAsync(() => host.HubSpot.OwnerChangeCount == 1, "the assignment");
        }

        await EventuallyAsync(async () => await DecisionsAsync(host) == 1, "the first decision counted");
        var routed = await host.MetricsAsync();

        Assert.Equal(1, Metric(routed, "themodel_stage_entries_total{crm=\"hubspot\",stage=\"new\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(routed, "themodel_stage_entries_total{crm=\"hubspot\",stage=\"mql\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(routed, "themodel_stage_transitions_total{crm=\"hubspot\",from=\"new\",to=\"mql\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(routed, "themodel_owner_open{team=\"sr-jp\",member=\"aiko\"}"));
        Assert.Equal(60, Metric(routed, "themodel_owner_capacity{team=\"sr-jp\",member=\"aiko\"}"));
        Assert.Equal(40, Metric(routed, "themodel_owner_capacity{team=\"sr-jp\",member=\"yui\"}"));
        Assert.DoesNotContain("themodel_sla_total{", routed, StringComparison.Ordinal);
        Assert.DoesNotContain("themodel_stage_entries_total{crm=\"salesforce\"", routed, StringComparison.Ordinal);

        // An hour later the rep logs a call: the first-touch SLA is met (the lead is still an MQL).
        host.Time.Advance(TimeSpan.FromHours(1));
        var person = host.HubSpot.People["101"];
        person["num_contacted_notes"] = "1";
        person["notes_last_contacted"] = Iso(host.Time.GetUtcNow());
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await PostChangeAsync(host, 2, "101", 1);

        // Another call: the SLA still reads met, and must not count again.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        person["num_contacted_notes"] = "2";
        await PostChangeAsync(host, 3, "101", 2);
        var touched = await host.MetricsAsync();

        Assert.Equal(1, Metric(touched, "themodel_sla_total{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"met\"}"));
        Assert.Equal(0, Metric(touched, "themodel_sla_total{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"missed\"}"));
        Assert.Equal(0, Metric(touched, "themodel_stage_transitions_total{crm=\"hubspot\",from=\"mql\",to=\"working\",team=\"sr-jp\"}"));

        // Two hours after the assignment the rep starts working the lead in HubSpot.
        host.Time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(10));
        person["hs_lead_status"] = "IN_PROGRESS";
        person["themodel_stage_entered_at"] = Iso(host.Time.GetUtcNow());
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await PostChangeAsync(host, 4, "101", 3);
        var worked = await host.MetricsAsync();

        Assert.Equal(1, Metric(worked, "themodel_stage_transitions_total{crm=\"hubspot\",from=\"mql\",to=\"working\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(worked, "themodel_stage_entries_total{crm=\"hubspot\",stage=\"working\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(worked, "themodel_stage_entries_total{crm=\"hubspot\",stage=\"new\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(worked, "themodel_time_in_stage_seconds_count{stage=\"mql\",team=\"sr-jp\"}"));
        Assert.Equal(7200, Metric(worked, "themodel_time_in_stage_seconds_sum{stage=\"mql\",team=\"sr-jp\"}"), 3);
        Assert.Equal(1, Metric(worked, "themodel_sla_total{sla=\"sr-first-touch\",team=\"sr-jp\",result=\"met\"}"));
        Assert.Equal(1, Metric(worked, "themodel_stage_transitions_total{crm=\"hubspot\",from=\"new\",to=\"mql\",team=\"sr-jp\"}"));
        Assert.Equal(0, Metric(worked, "themodel_recycles_total{reason=\"none\"}"));
    }

    [Fact]
    public async Task Metrics_PersonCreatedBeforeTheWorkerStarted_NoEntryIntoNew()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("102");
        host.HubSpot.People["102"]["createdate"] = Iso(host.Time.GetUtcNow().AddDays(-3));
        host.Time.Advance(TimeSpan.FromMinutes(1));
        using (var created = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 102, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]"))
        {
            await EventuallyAsync(() => host.HubSpot.OwnerChangeCount == 1, "the assignment");
        }

        await EventuallyAsync(async () => await DecisionsAsync(host) == 1, "the decision counted");
        var scrape = await host.MetricsAsync();

        Assert.Equal(0, Metric(scrape, "themodel_stage_entries_total{crm=\"hubspot\",stage=\"new\",team=\"sr-jp\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_stage_transitions_total{crm=\"hubspot\",from=\"new\",to=\"mql\",team=\"sr-jp\"}"));
    }
}
