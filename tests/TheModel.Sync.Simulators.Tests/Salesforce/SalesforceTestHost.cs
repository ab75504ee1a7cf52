using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Simulators.Salesforce;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

/// <summary>A started simulator plus an HttpClient that speaks to it the way a connector would.</summary>
internal sealed class SalesforceTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 30, 15, TimeSpan.Zero);

    private SalesforceTestHost(SalesforceSimulator simulator, FakeTimeProvider time, HttpClient http)
    {
        Simulator = simulator;
        Time = time;
        Http = http;
    }

    public SalesforceSimulator Simulator { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public string Data => $"/services/data/{Simulator.ApiVersion}/";

    public static async Task<SalesforceTestHost> StartAsync(Action<SalesforceSimulatorOptions>? configure = null, bool authenticate = true)
    {
        var time = new FakeTimeProvider(Start);
        var options = new SalesforceSimulatorOptions { TimeProvider = time };
        configure?.Invoke(options);
        var simulator = new SalesforceSimulator(options);
        await simulator.StartAsync();
        var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        var host = new SalesforceTestHost(simulator, time, http);
        if (authenticate)
        {
            await host.AuthenticateAsync();
        }

        return host;
    }

    /// <summary>Client-credentials login; sets the bearer token on <see cref="Http"/>.</summary>
    public async Task<string> AuthenticateAsync()
    {
        using var response = await Http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "3MVG9SimulatedConnectedAppKey",
            ["client_secret"] = "simulated-consumer-secret",
        }));
        var body = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = body!["access_token"]!.GetValue<string>();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return token;
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, object? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : Data + path);
        if (body is not null)
        {
            var text = body as string ?? (body as JsonNode)?.ToJsonString() ?? System.Text.Json.JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Http.SendAsync(request);
        return (response.StatusCode, await ReadJsonAsync(response), response);
    }

    public Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, path, null, headers);

    public Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> QueryAsync(string soql, IDictionary<string, string>? headers = null) =>
        GetAsync("query?q=" + Uri.EscapeDataString(soql), headers);

    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public string InsertLead(string lastName = "Lovelace", string company = "Acme", Dictionary<string, object?>? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["LastName"] = lastName, ["Company"] = company };
        foreach (var (name, value) in extra ?? [])
        {
            fields[name] = value;
        }

        return Simulator.Insert("Lead", fields);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Builds RS256 JWT bearer assertions the way a connector signs them.</summary>
internal static class TestJwt
{
    public static string Create(RSA key, string iss, string sub, string aud, DateTimeOffset exp, string alg = "RS256")
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}"));
        var claims = new JsonObject { ["iss"] = iss, ["sub"] = sub, ["aud"] = aud, ["exp"] = exp.ToUnixTimeSeconds() };
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url.EncodeToString(signature);
    }
}
