namespace TheModel.Sync.Salesforce.Budget;

/// <summary>
/// The innermost handler: sees every attempt's response (retries included, as Salesforce counts them) and hands its
/// <c>Sforce-Limit-Info</c> to the budget.
/// </summary>
internal sealed class ApiUsageObserverHandler(SalesforceApiBudget budget) : DelegatingHandler
{
    public const string LimitInfoHeader = "Sforce-Limit-Info";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.RecordResponse(response.Headers.TryGetValues(LimitInfoHeader, out var values) ? values.FirstOrDefault() : null);
        return response;
    }
}
