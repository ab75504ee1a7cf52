using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotFaultTests
{
    [Fact]
    public async Task ServerError_Scripted_Answers503Then502WithoutApplying()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.Faults.FailNext(2, FaultKind.ServerError, "/crm/v3/objects/contacts");

        var first = await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"a@b.com"}}""");
        var second = await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"a@b.com"}}""");
        var third = await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"a@b.com"}}""");

        Assert.Equal([503, 502, 201], new[] { first.Code, second.Code, third.Code });
        Assert.Equal("error", first.Body["status"]!.GetValue<string>());
        Assert.Single(hs.Simulator.All("contacts"));
    }

    [Fact]
    public async Task LostResponse_AppliesTheWriteThenAnswers500()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.Faults.FailNext(1, FaultKind.LostResponse, "tasks");

        var lost = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"}}""");
        var retry = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"}}""");

        Assert.Equal(500, lost.Code);
        var task = Assert.Single(hs.Simulator.All("tasks"));
        Assert.Equal(409, retry.Code);
        Assert.Equal($"Task already exists. Existing ID: {task.Id}", retry.Body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timeout_HoldsThenAnswers504()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.Faults.FailNext(1, FaultKind.Timeout);
        hs.Simulator.Faults.TimeoutDelay = TimeSpan.FromSeconds(30);

        var pending = hs.GetAsync("crm/v3/objects/contacts");
        await Eventually.TrueAsync(() => hs.Simulator.Faults.Timeouts == 1, "the timeout fault to be drawn");
        Assert.False(pending.IsCompleted);
        var answer = await Eventually.AdvanceUntilDoneAsync(hs.FakeClock, pending, TimeSpan.FromSeconds(30));

        Assert.Equal(504, answer.Code);
    }

    [Fact]
    public async Task RateLimitFault_Answers429TenSecondly()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.Faults.FailNext(1, FaultKind.RateLimit);

        var answer = await hs.GetAsync("crm/v3/objects/contacts");

        Assert.Equal(429, answer.Code);
        Assert.Equal("TEN_SECONDLY_ROLLING", answer.Body["policyName"]!.GetValue<string>());
        Assert.Equal(1, hs.Simulator.Counters.RateLimited);
    }

    [Fact]
    public async Task Latency_DelaysTheAnswerOnTheSimulatorClock()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.Faults.Latency = TimeSpan.FromSeconds(2);

        var pending = hs.GetAsync("crm/v3/objects/contacts");
        await Eventually.TrueAsync(() => hs.Simulator.Counters.CountedCalls == 1, "the request to arrive");
        Assert.False(pending.IsCompleted);

        Assert.Equal(200, (await Eventually.AdvanceUntilDoneAsync(hs.FakeClock, pending, TimeSpan.FromSeconds(2))).Code);
    }

    [Fact]
    public async Task ServerErrorRate_IsRepeatableForASeed()
    {
        async Task<List<int>> RunAsync()
        {
            await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, FaultSeed = 42 });
            hs.Simulator.Faults.ServerErrorRate = 0.5;
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                codes.Add((await hs.GetAsync("crm/v3/objects/contacts")).Code);
            }

            return codes;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(200, first);
        Assert.Contains(first, c => c is 502 or 503);
    }
}
