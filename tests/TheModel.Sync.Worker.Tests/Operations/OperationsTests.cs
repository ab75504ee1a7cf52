using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Operations;

public sealed class OperationsTests
{
    [Fact]
    public async Task GetHealthz_ProcessUp_Returns200()
    {
        await using var host = await StartAsync();

        using var response = await host.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetReadyz_AllGood_Returns200NamingEachCheck()
    {
        await using var host = await StartAsync();

        using var response = await host.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        foreach (var name in new[] { "config", "store", "crm:hubspot", "crm:salesforce" })
        {
            Assert.Equal("ok", checks.GetProperty(name).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task GetReadyz_ConnectorLastCallRefusedCredentials_Returns503NamingTheCrm()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        host.HubSpot.FailAllCalls = new HttpRequestException("401 INVALID_AUTHENTICATION", null, HttpStatusCode.Unauthorized);

        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        await EventuallyAsync(async () => (await host.Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "readyz to fail");

        using var final = await host.Http.GetAsync("/readyz");
        using var body = JsonDocument.Parse(await final.Content.ReadAsStringAsync());
        Assert.Equal("failed", body.RootElement.GetProperty("status").GetString());
        var crm = body.RootElement.GetProperty("checks").GetProperty("crm:hubspot");
        Assert.Equal("failed", crm.GetProperty("status").GetString());
        Assert.Contains("INVALID_AUTHENTICATION", crm.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", body.RootElement.GetProperty("checks").GetProperty("crm:salesforce").GetProperty("status").GetString());
    }

    [Fact]
    public async Task BadReload_KeepsRoutingOnTheGoodConfig_ReadyzDegradedAndCounted_UntilFixed()
    {
        await using var host = await StartAsync();
        var reloader = host.Service<ConfigReloader>();
        var routing = Path.Combine(host.ConfigDirectory, "routing.yaml");
        var good = await File.ReadAllTextAsync(routing);
        var version = host.Service<RoutingConfigProvider>().Status.Version;

        await File.WriteAllTextAsync(routing, good.Replace("strategy: round_robin", "strategy: round_robinn", StringComparison.Ordinal) + "\nbogus_key: 1\n");
        Assert.Equal(ReloadResult.Failed, await reloader.CheckAsync(default));

        using (var response = await host.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
            var config = body.RootElement.GetProperty("checks").GetProperty("config");
            Assert.Equal("degraded", config.GetProperty("status").GetString());
            Assert.Contains("routing.yaml", config.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var status = host.Service<RoutingConfigProvider>().Status;
        Assert.True(status.LastErrors.Count >= 2, string.Join('\n', status.LastErrors));
        Assert.Equal(version, status.Version);
        Assert.Contains("Config reload error", host.Logs.Text, StringComparison.Ordinal);
        var scrape = await host.MetricsAsync();
        Assert.Equal(1, Metric(scrape, "themodel_config_reloads_total{result=\"failed\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_config_degraded"));

        // Routing goes on with the last good config.
        host.AddJapaneseLead("101");
        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        await EventuallyAsync(() => host.HubSpot.Field("101", "hubspot_owner_id") == "41234567", "routing on the last good config");

        // The same broken content is not tried again; fixing it clears the degraded state.
        Assert.Equal(ReloadResult.Unchanged, await reloader.CheckAsync(default));
        await File.WriteAllTextAsync(routing, good);
        Assert.Equal(ReloadResult.Applied, await reloader.CheckAsync(default));
        Assert.False(host.Service<RoutingConfigProvider>().Status.Degraded);
        Assert.Equal(1, await host.MetricAsync("themodel_config_reloads_total{result=\"ok\"}"));
    }

    [Fact]
    public async Task ConfigFileChanged_WatcherOrPeriodicCheck_AppliesTheNewConfig()
    {
        await using var host = await StartAsync();
        var provider = host.Service<RoutingConfigProvider>();
        var before = provider.Status.Version;
        var model = Path.Combine(host.ConfigDirectory, "model.yaml");

        await File.AppendAllTextAsync(model, "\n# a comment changes the version, not the rules\n");

        // The watcher's debounce and the periodic check both wait on the fake clock: move it until the reload lands.
        await EventuallyAsync(
            () =>
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                return provider.Status.Version != before;
            },
            "the changed config to be applied");
        Assert.False(provider.Status.Degraded);
    }

    [Fact]
    public async Task GetMetrics_AfterTraffic_ExposesTheNamedSeries()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        using var refused = await host.PostHubSpotAsync("[]", secret: "wrong-secret-value");
        await EventuallyAsync(() => host.HubSpot.OwnerChangeCount == 1, "the write");

        var scrape = await host.MetricsAsync();

        string[] series =
        [
            "themodel_events_received_total", "themodel_webhook_rejected_total", "themodel_queue_depth", "themodel_queue_lag_seconds",
            "themodel_decisions_total", "themodel_crm_writes_total", "themodel_crm_api_calls", "themodel_crm_api_budget_remaining",
            "themodel_dead_letters", "themodel_event_to_write_seconds_bucket", "themodel_config_reloads_total", "themodel_events_processed_total",
        ];
        foreach (var name in series)
        {
            Assert.Contains("\n" + name, scrape, StringComparison.Ordinal);
        }

        Assert.Equal(42, Metric(scrape, "themodel_crm_api_calls{crm=\"hubspot\"}"));
        Assert.Equal(4958, Metric(scrape, "themodel_crm_api_budget_remaining{crm=\"hubspot\"}"));
        Assert.Equal(0, Metric(scrape, "themodel_queue_depth{state=\"pending\"}"));
    }

    [Fact]
    public async Task Log_MessageWithEmailPhoneAndSecret_WrittenRedacted()
    {
        await using var host = await StartAsync();
        var logger = host.Service<ILoggerFactory>().CreateLogger("Test");

        logger.LogWarning("Lead kenta@newco.example (+81 90-1234-5678) arrived with key " + Secret);
        logger.LogWarning("Person {Email} phoned from {Phone}", "aiko.sato@corp.example.co.jp", "(555) 123-4567");

        var text = host.Logs.Text;
        Assert.DoesNotContain("kenta@newco.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aiko.sato@corp", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1234-5678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("123-4567", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("Lead [email] ([phone]) arrived with key [secret]", text, StringComparison.Ordinal);
        Assert.Contains("Person [email] phoned from [phone]", text, StringComparison.Ordinal);
    }
}
