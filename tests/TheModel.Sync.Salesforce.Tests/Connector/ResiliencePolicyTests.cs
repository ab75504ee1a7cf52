using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Tests.Connector;

public sealed class ResiliencePolicyTests
{
    [Theory]
    [InlineData("GET", false, true)]
    [InlineData("POST", false, false)]
    [InlineData("PATCH", false, false)]
    [InlineData("POST", true, true)]
    [InlineData("PATCH", true, true)]
    public async Task DataClient_ServerError_RetriedOnlyWhenSafeToRepeat(string method, bool markedIdempotent, bool retried)
    {
        var resilience = new HttpStandardResilienceOptions();
        SalesforceServiceCollectionExtensions.ConfigureResilience(resilience, new SalesforceOptions(), retryAnyMethod: false);
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://salesforce-instance.invalid/services/data/v62.0/composite");
        if (markedIdempotent)
        {
            SalesforceRequestOptions.MarkIdempotent(request);
        }

        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        var context = ResilienceContextPool.Shared.Get();

        var decision = await resilience.Retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), 0));

        Assert.Equal(retried, decision);
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public async Task TokenClient_ServerError_RetriedEvenForPost()
    {
        var resilience = new HttpStandardResilienceOptions();
        SalesforceServiceCollectionExtensions.ConfigureResilience(resilience, new SalesforceOptions(), retryAnyMethod: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://login.salesforce.com/services/oauth2/token");
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { RequestMessage = request };
        var context = ResilienceContextPool.Shared.Get();

        Assert.True(await resilience.Retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), 0)));
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public void Timeouts_FollowRequestTimeout()
    {
        var resilience = new HttpStandardResilienceOptions();

        SalesforceServiceCollectionExtensions.ConfigureResilience(resilience, new SalesforceOptions { RequestTimeout = TimeSpan.FromSeconds(90) }, retryAnyMethod: false);

        Assert.Equal(TimeSpan.FromSeconds(90), resilience.AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(390), resilience.TotalRequestTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(180), resilience.CircuitBreaker.SamplingDuration);
        Assert.True(resilience.Retry.ShouldRetryAfterHeader);
    }
}
