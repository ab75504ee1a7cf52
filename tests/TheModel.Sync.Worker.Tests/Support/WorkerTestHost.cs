using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Webhooks;
using TheModel.Sync.Worker.Host;

namespace TheModel.Sync.Worker.Tests.Support;

/// <summary>What a test host is built with; the defaults are a HubSpot and a Salesforce fake and no schedules.</summary>
internal sealed class TestHostSettings
{
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal)
    {
        ["HubSpot:ClientSecret"] = WorkerTestHost.Secret,
        ["Salesforce:OrganizationId"] = WorkerTestHost.OrgId,
        ["Worker:SchedulesEnabled"] = "false",

        // The clock is fake: a batch window would wait on it; each read takes what is there.
        ["Worker:BatchWindow"] = "0s",
    };

    /// <summary>One store shared by several hosts (instances on one Redis, in miniature).</summary>
    public InProcessStores? SharedStores { get; set; }

    public FakeTimeProvider? Time { get; set; }

    public bool WithSalesforce { get; set; } = true;

    /// <summary>More registrations, made after the fakes (as a sandbox verb's would be).</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>Null: a temporary copy of the sample config.</summary>
    public string? ConfigDirectory { get; set; }
}

/// <summary>
/// The worker host started in-process on 127.0.0.1 port 0 with in-process stores, fake CRMs and a fake clock,
/// with an HTTP client aimed at it and its log output captured.
/// </summary>
internal sealed class WorkerTestHost : IAsyncDisposable
{
    /// <summary>Monday 2026-11-30 10:00 in Tokyo: the Japanese SR team is at work.</summary>
    public static readonly DateTimeOffset Monday10Tokyo = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    public const string Secret = "test-client-secret-7f3a9c";

    /// <summary>The facts file's example org id (the checksum matches).</summary>
    public const string OrgId = "00D000000000001EAA";

    private readonly TempFolder? _ownedConfig;
    private bool _stopped;

    private WorkerTestHost(WebApplication app, FakeTimeProvider time, FakeConnector hubSpot, FakeConnector salesforce, LogCapture logs, string configDirectory, TempFolder? ownedConfig)
    {
        App = app;
        Time = time;
        HubSpot = hubSpot;
        Salesforce = salesforce;
        Logs = logs;
        ConfigDirectory = configDirectory;
        _ownedConfig = ownedConfig;
        BaseAddress = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public FakeConnector HubSpot { get; }

    public FakeConnector Salesforce { get; }

    public LogCapture Logs { get; }

    public string ConfigDirectory { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static WebApplication Build(TestHostSettings settings, FakeTimeProvider time, FakeConnector hubSpot, FakeConnector salesforce, LogCapture logs, string configDirectory) =>
        WorkerHost.Build(
            new WorkerHostOptions { ConfigDirectory = configDirectory, Urls = "http://127.0.0.1:0", LogOutput = logs },
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddSingleton<ICrmConnector>(hubSpot);
                if (settings.WithSalesforce)
                {
                    services.AddSingleton<ICrmConnector>(salesforce);
                }

                if (settings.SharedStores is { } shared)
                {
                    services.AddSingleton(shared);
                }

                settings.Services?.Invoke(services);
            },
            settings.Settings);

    public static async Task<WorkerTestHost> StartAsync(Action<TestHostSettings>? configure = null)
    {
        var settings = new TestHostSettings();
        configure?.Invoke(settings);
        var time = settings.Time ?? new FakeTimeProvider(Monday10Tokyo);
        var owned = settings.ConfigDirectory is null ? TempFolder.WithSampleConfig() : null;
        var configDirectory = settings.ConfigDirectory ?? owned!.Path;
        var hubSpot = new FakeConnector(CrmKind.HubSpot);
        var salesforce = new FakeConnector(CrmKind.Salesforce);
        var logs = new LogCapture();
        WebApplication? app = null;
        try
        {
            app = Build(settings, time, hubSpot, salesforce, logs, configDirectory);
            await app.StartAsync();
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            owned?.Dispose();
            throw;
        }

        return new WorkerTestHost(app, time, hubSpot, salesforce, logs, configDirectory, owned);
    }

    /// <summary>A new contact as HubSpot holds it: an inbound demo request from Japan (routes to aiko, 41234567).</summary>
    public void AddJapaneseLead(string id) =>
        HubSpot.People[id] = new Dictionary<string, string?>
        {
            ["email"] = $"kenta{id}@newco.example",
            ["company"] = "NewCo",
            ["jobtitle"] = "CTO",
            ["country"] = "JP",
            ["numemployees"] = "50",
            ["lifecyclestage"] = "lead",
            ["hs_lead_status"] = "NEW",
            ["last_form"] = "Demo request",
            ["last_form_at"] = "2026-11-30T00:00:00.000Z",
        };

    public static string HubSpotEvent(long eventId, string type, long objectId, long occurredAt, string? property = null) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"eventId":{{eventId}},"subscriptionId":25,"portalId":33,"appId":1160452,"occurredAt":{{occurredAt}},"subscriptionType":"{{type}}","attemptNumber":0,"objectId":{{objectId}},"changeSource":"CRM_UI"{{(property is null ? "" : $",\"propertyName\":\"{property}\",\"propertyValue\":\"x\"")}}}""");

    /// <summary>Posts a body to the HubSpot endpoint signed as HubSpot would sign it (over <paramref name="signedUri"/> when given).</summary>
    public Task<HttpResponseMessage> PostHubSpotAsync(string body, DateTimeOffset? timestamp = null, string? secret = null, string? signedUri = null) =>
        PostHubSpotAsync(Encoding.UTF8.GetBytes(body), timestamp, secret, signedUri);

    public async Task<HttpResponseMessage> PostHubSpotAsync(byte[] body, DateTimeOffset? timestamp = null, string? secret = null, string? signedUri = null)
    {
        var uri = new Uri(BaseAddress, "/webhooks/hubspot");
        var ts = (timestamp ?? Time.GetUtcNow()).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-HubSpot-Request-Timestamp", ts);
        request.Headers.Add("X-HubSpot-Signature-v3", HubSpotSignature.ComputeV3(secret ?? Secret, "POST", signedUri ?? uri.ToString(), body, ts));
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostSalesforceAsync(string soap)
    {
        using var content = new StringContent(soap, Encoding.UTF8, "text/xml");
        return await Http.PostAsync("/webhooks/salesforce", content);
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    /// <summary>The value of one series in a Prometheus scrape (0 when absent).</summary>
    public static double Metric(string scrape, string series)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async Task<double> MetricAsync(string series) => Metric(await MetricsAsync(), series);

    /// <summary>Waits for a condition the host reaches on its own (a consumer batch), failing after a deadline.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A graceful stop (SIGTERM), leaving the host to be disposed.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_stopped)
        {
            await App.StopAsync();
        }

        await App.DisposeAsync();
        _ownedConfig?.Dispose();
    }
}

/// <summary>A text writer tests read while the host writes to it.</summary>
internal sealed class LogCapture : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            _text.Append(buffer, index, count);
        }
    }
}

/// <summary>A folder that disappears with the test, optionally holding a copy of the sample config.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tm-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public static TempFolder WithSampleConfig()
    {
        var folder = new TempFolder();
        var source = System.IO.Path.Combine(RepoRoot(), "config");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(folder.Path, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the test result is what matters.
        }
    }
}
