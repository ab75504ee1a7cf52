using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Budget;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace TheModel.Sync.Salesforce.Tests.Connector;

/// <summary>
/// A WireMock server standing in for both the login host and the instance, and a container built the way the worker
/// builds it: <c>ServiceCollection</c> + <c>AddSalesforce(configuration section)</c> with settings from a dictionary.
/// </summary>
internal sealed class SalesforceHarness : IAsyncDisposable
{
    public const string AccessToken = "00Dxx0000000001!AQ4AQtokenOne";
    public const string SecondAccessToken = "00Dxx0000000001!AQ4AQtokenTwo";
    public const string ClientId = "3MVG9client";
    public const string ClientSecret = "s3cr3t-value";
    public const string OrgId = "00D000000000001EAA";
    public const string Version = "v62.0";
    public const string DataPath = "/services/data/v62.0";
    public const string TokenPath = "/services/oauth2/token";

    private SalesforceHarness(WireMockServer server, ObservedTimeProvider time, ServiceProvider services)
    {
        Server = server;
        Time = time;
        Services = services;
    }

    public WireMockServer Server { get; }

    public ObservedTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public string Url => Server.Url!;

    public ICrmConnector Connector => Services.GetRequiredKeyedService<ICrmConnector>(CrmKind.Salesforce);

    public SalesforceApiBudget Budget => Services.GetRequiredService<SalesforceApiBudget>();

    /// <summary>Starts the server and the container; <paramref name="settings"/> may change or add <c>Salesforce:*</c> keys.</summary>
    public static SalesforceHarness Start(Action<Dictionary<string, string?>, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["http://127.0.0.1:0"],

            // Kestrel's default request line is 8 KB; Salesforce takes the ~16 KB query URLs the connector may send.
            AdditionalServiceRegistration = s => s.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestLineSize = 32 * 1024),
        });
        var time = new ObservedTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Salesforce:LoginUrl"] = server.Url,
            ["Salesforce:AuthFlow"] = "ClientCredentials",
            ["Salesforce:ClientId"] = ClientId,
            ["Salesforce:ClientSecret"] = ClientSecret,
            ["Salesforce:RequestTimeout"] = "00:10:00",
            ["Salesforce:WriteRetryDelay"] = "00:00:01",
            ["Salesforce:BudgetProbeInterval"] = "00:01:00",
        };
        settings?.Invoke(values, server.Url!);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time);
        services?.Invoke(collection);
        collection.AddSalesforce(configuration.GetSection("Salesforce"));
        return new SalesforceHarness(server, time, collection.BuildServiceProvider(validateScopes: true));
    }

    /// <summary>A successful token answer (fields as in facts S-2) whose instance is this server.</summary>
    public void StubToken(string accessToken = AccessToken, string? scenario = null, string? whenState = null, string? nextState = null)
    {
        var request = Server.Given(Request.Create().WithPath(TokenPath).UsingPost());
        if (scenario is not null)
        {
            request = request.InScenario(scenario);
            if (whenState is not null)
            {
                request = request.WhenStateIs(whenState);
            }

            if (nextState is not null)
            {
                request = request.WillSetStateTo(nextState);
            }
        }

        request.RespondWith(Response.Create()
            .WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(TokenBody(accessToken, Url)));
    }

    public static string TokenBody(string accessToken, string instanceUrl) =>
        $$"""
        {"access_token":"{{accessToken}}","signature":"c2lnbmF0dXJl","scope":"api","instance_url":"{{instanceUrl}}",
         "id":"https://login.salesforce.com/id/{{OrgId}}/005000000000001AAA","token_type":"Bearer","issued_at":"1767603600000"}
        """;

    /// <summary>A JSON answer on <paramref name="path"/> with <c>Sforce-Limit-Info</c>.</summary>
    public void StubJson(string method, string path, int status, string body, string limitInfo = "api-usage=10/100000", int priority = 10)
    {
        Server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .AtPriority(priority)
            .RespondWith(Json(status, body, limitInfo));
    }

    public static IResponseBuilder Json(int status, string body, string limitInfo = "api-usage=10/100000") =>
        Response.Create()
            .WithStatusCode(status)
            .WithHeader("Content-Type", "application/json;charset=UTF-8")
            .WithHeader("Sforce-Limit-Info", limitInfo)
            .WithBody(body);

    /// <summary>The requests the server saw on paths starting with <paramref name="pathPrefix"/>, in order.</summary>
    public IReadOnlyList<ILogEntry> Requests(string pathPrefix = "/services/data") =>
        Server.LogEntries
            .Where(e => e.RequestMessage!.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage!.DateTime)
            .ToList();

    public static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers is { } headers && headers.TryGetValue(name, out var values) ? string.Join(",", values) : string.Empty;

    /// <summary>The decoded <c>q</c> of a query request.</summary>
    public static string Soql(ILogEntry entry) => entry.RequestMessage!.Query!["q"].Single();

    /// <summary>
    /// Runs <paramref name="action"/> while moving the fake clock on by <paramref name="step"/> until it finishes, for
    /// code that waits on the clock (back-offs, budget probes, resilience delays). Bounded by a real-time deadline.
    /// </summary>
    public async Task<T> RunWithClockAsync<T>(Func<Task<T>> action, TimeSpan step)
    {
        var task = action();
        var deadline = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("The operation did not finish within 30 s of real time.");
            }

            await Task.Delay(5);
            Time.Advance(step);
        }

        return await task;
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }

    public static string NewPrivateKeyPem(out RSA publicKey)
    {
        var rsa = RSA.Create(2048);
        publicKey = rsa;
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    public static string Ts(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }
}
