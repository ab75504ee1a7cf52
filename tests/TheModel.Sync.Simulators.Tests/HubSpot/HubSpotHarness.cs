using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

/// <summary>One HTTP answer from the simulator, body parsed when it is JSON.</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, JsonNode? Json, string Text, HttpResponseHeaders Headers)
{
    public int Code => (int)Status;

    public JsonObject Body => Json as JsonObject ?? throw new InvalidOperationException($"Expected a JSON object, got {Code}: {Text}");

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

/// <summary>A started simulator (on a fake clock unless told otherwise) and an authenticated client for it.</summary>
internal sealed class HubSpotHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 5, 2, 9, 30, 12, 345, TimeSpan.Zero);

    private HubSpotHarness(HubSpotSimulator simulator, FakeTimeProvider? clock)
    {
        Simulator = simulator;
        Clock = clock;
        Client = new HttpClient { BaseAddress = simulator.BaseUrl };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSpotSimulatorOptions.DefaultAccessToken);
    }

    public HubSpotSimulator Simulator { get; }

    public FakeTimeProvider? Clock { get; }

    public FakeTimeProvider FakeClock => Clock ?? throw new InvalidOperationException("This harness runs on the system clock.");

    public HttpClient Client { get; }

    /// <summary>Starts a simulator; <paramref name="configure"/> gets options already holding a fake clock at <see cref="Start"/>.</summary>
    public static async Task<HubSpotHarness> StartAsync(Func<HubSpotSimulatorOptions, HubSpotSimulatorOptions>? configure = null, bool fakeClock = true)
    {
        var clock = fakeClock ? new FakeTimeProvider(Start) : null;
        var options = new HubSpotSimulatorOptions { TimeProvider = clock ?? TimeProvider.System };
        var simulator = new HubSpotSimulator(configure is null ? options : configure(options));
        await simulator.StartAsync();
        return new HubSpotHarness(simulator, clock);
    }

    public Task<ApiAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiAnswer> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? json = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await (client ?? Client).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            parsed = JsonNode.Parse(text);
        }

        return new ApiAnswer(response.StatusCode, parsed, text, response.Headers);
    }

    public string CreateContact(string email, params (string Name, string? Value)[] more)
    {
        var properties = new Dictionary<string, string?> { ["email"] = email };
        foreach (var (name, value) in more)
        {
            properties[name] = value;
        }

        return Simulator.Create("contacts", properties);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Polls a condition until it holds or a wall-clock deadline passes.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Advances the fake clock by <paramref name="step"/> until <paramref name="task"/> completes: the server may not
    /// have started its timer when the first step is taken, so one step is not enough.
    /// </summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider clock, Task<T> task, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out advancing the clock for a pending request.");
            }

            clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(20));
        }

        return await task;
    }
}
