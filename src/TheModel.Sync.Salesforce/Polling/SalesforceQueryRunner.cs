using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>Runs one SOQL query to its end: the first page, then every <c>nextRecordsUrl</c> (facts S-3).</summary>
internal sealed class SalesforceQueryRunner(ISalesforceDataApi api, IOptions<SalesforceOptions> options)
{
    private const string QueryPathPrefix = "/services/data/";

    private readonly string _version = options.Value.ApiVersion;

    /// <summary>
    /// Every record of the query, mapped page by page (so a page's JSON is released before the next is read).
    /// <paramref name="batchSize"/> is sent as <c>Sforce-Query-Options: batchSize=N</c>; Salesforce may still send fewer.
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(string soql, int batchSize, Func<JsonElement, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        var queryOptions = string.Create(CultureInfo.InvariantCulture, $"batchSize={batchSize}");
        var operation = $"query '{SalesforceHttp.Shorten(soql)}'";
        var results = new List<T>();
        using var first = await api.QueryAsync(_version, soql, queryOptions, cancellationToken).ConfigureAwait(false);
        var page = await SalesforceHttp.ReadAsync<QueryPage>(first, operation, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            foreach (var record in page.Records ?? [])
            {
                results.Add(map(record));
            }

            if (page.Done || string.IsNullOrEmpty(page.NextRecordsUrl))
            {
                return results;
            }

            // Only a locator on this API is followed: the URL comes from the response, never a host from it.
            if (!page.NextRecordsUrl.StartsWith(QueryPathPrefix, StringComparison.Ordinal))
            {
                throw new SalesforceApiException(
                    $"Salesforce {operation} returned a nextRecordsUrl outside {QueryPathPrefix}, was '{page.NextRecordsUrl}'.",
                    statusCode: null,
                    errorCode: "UNEXPECTED_NEXT_RECORDS_URL");
            }

            using var next = await api.QueryMoreAsync(page.NextRecordsUrl[1..], queryOptions, cancellationToken).ConfigureAwait(false);
            page = await SalesforceHttp.ReadAsync<QueryPage>(next, operation, cancellationToken).ConfigureAwait(false);
        }
    }
}
