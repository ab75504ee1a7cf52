using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;
using TheModel.Sync.Salesforce.Http;

namespace TheModel.Sync.Salesforce.Writing;

/// <summary>
/// Writes a plan with as few calls as possible (see <see cref="CollectionPacker"/>) and maps every per-record
/// SaveResult back to its item. Records that fail transiently (row locks, 5xx subrequests, roll-backs caused by
/// another record) are re-packed together and sent again after a back-off, up to
/// <see cref="SalesforceOptions.WriteAttempts"/> times; permanent errors are final at once.
/// </summary>
/// <remarks>
/// Every write is idempotent — absolute field values, tasks upserted by their key — so whole calls are marked for the
/// resilience handler's retries and a record sent twice cannot do harm. Every call carries
/// <c>Sforce-Auto-Assign: FALSE</c> (and each Composite subrequest too): without it Salesforce runs the org's
/// assignment rules on Lead updates and overwrites the owner just written (facts S-4).
/// </remarks>
internal sealed class SalesforceWriter(
    ISalesforceDataApi api,
    ICrmSchemaSource schemas,
    IOptions<SalesforceOptions> options,
    TimeProvider time,
    ILogger<SalesforceWriter> logger)
{
    private const string AutoAssignHeader = "Sforce-Auto-Assign";

    // Codes that say "not now" rather than "never" about one record.
    private static readonly HashSet<string> TransientRecordCodes = new(StringComparer.Ordinal)
    {
        "UNABLE_TO_LOCK_ROW",
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "PROCESSING_HALTED",
        "REQUEST_LIMIT_EXCEEDED",
        "SERVER_UNAVAILABLE",
        "UNKNOWN_EXCEPTION",
    };

    private static readonly IReadOnlyDictionary<string, string> SubrequestHeaders =
        new Dictionary<string, string>(StringComparer.Ordinal) { [AutoAssignHeader] = "FALSE" };

    private readonly SalesforceOptions _options = options.Value;

    private string TaskKeyField => schemas.For(CrmKind.Salesforce).TaskKeyField;

    public async Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var schema = schemas.For(CrmKind.Salesforce);
        var outcomes = new WriteOutcome?[plan.Count];
        var pending = new List<WriteItem>();
        for (var i = 0; i < plan.Updates.Count; i++)
        {
            Collect(WriteItem.ForUpdate(i, plan.Updates[i], schema), i, outcomes, pending);
        }

        for (var i = 0; i < plan.Tasks.Count; i++)
        {
            var index = plan.Updates.Count + i;
            Collect(WriteItem.ForTask(index, plan.Tasks[i], schema), index, outcomes, pending);
        }

        // One call at a time, packed from everything still to send: a record refused for a transient reason (a row
        // lock) rides in a later call of the same plan instead of a round of its own, so retries cost almost no extra
        // calls. Only when nothing but retries is left does the writer back off before sending them again.
        var calls = 0;
        var attempts = new Dictionary<WriteItem, int>(ReferenceEqualityComparer.Instance);
        var round = 1;
        while (pending.Count > 0)
        {
            // Retries wait until they fill a whole collection of their kind or nothing fresh is left, so they never
            // leave a call with a part-filled collection while fresh records are waiting.
            var fresh = pending.Where(i => !attempts.ContainsKey(i)).ToList();
            var eligible = fresh.Count == 0
                ? pending
                : [.. fresh, .. pending.Where(attempts.ContainsKey).GroupBy(i => i.Kind)
                    .Where(g => g.Count() >= CollectionPacker.MaxRecordsPerCollection)
                    .SelectMany(g => g.Take(g.Count() / CollectionPacker.MaxRecordsPerCollection * CollectionPacker.MaxRecordsPerCollection))];
            var call = CollectionPacker.Pack(eligible)[0];
            var sent = call.SelectMany(c => c.Items).ToHashSet(ReferenceEqualityComparer.Instance);
            pending = pending.Where(i => !sent.Contains(i)).ToList();
            var retry = new List<WriteItem>();
            calls++;
            await SendAsync(call, outcomes, retry, cancellationToken).ConfigureAwait(false);
            foreach (var item in retry)
            {
                var tried = attempts[item] = attempts.GetValueOrDefault(item) + 1;
                if (tried >= _options.WriteAttempts)
                {
                    outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Failed, item.LastError);
                }
                else
                {
                    pending.Add(item);
                }
            }

            if (pending.Count > 0 && pending.All(attempts.ContainsKey))
            {
                var delay = RetryDelay(round);
                SalesforceLog.WriteRetrying(logger, pending.Count, round, _options.WriteAttempts, delay);
                round++;
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }

        var result = outcomes.Select(o => o!).ToList();
        SalesforceLog.WriteCompleted(
            logger,
            result.Count,
            calls,
            result.Count(o => o.Status == WriteStatus.Written),
            result.Count(o => o.Status == WriteStatus.Unchanged),
            result.Count(o => o.Status == WriteStatus.Rejected),
            result.Count(o => o.Status == WriteStatus.Failed));
        return result;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: doubling from <see cref="SalesforceOptions.WriteRetryDelay"/>, at most a minute.</summary>
    internal TimeSpan RetryDelay(int attempt)
    {
        var delay = _options.WriteRetryDelay * Math.Pow(2, attempt - 1);
        return delay > SalesforceOptionsValidator.MaxWriteRetryDelay ? SalesforceOptionsValidator.MaxWriteRetryDelay : delay;
    }

    private static void Collect((WriteItem? Item, WriteOutcome? Outcome) prepared, int index, WriteOutcome?[] outcomes, List<WriteItem> pending)
    {
        if (prepared.Item is not null)
        {
            pending.Add(prepared.Item);
        }
        else
        {
            outcomes[index] = prepared.Outcome;
        }
    }

    private async Task SendAsync(IReadOnlyList<CollectionChunk> call, WriteOutcome?[] outcomes, List<WriteItem> retry, CancellationToken cancellationToken)
    {
        IReadOnlyList<(CollectionChunk Chunk, int Status, JsonElement Body)> results;
        try
        {
            results = call.Count == 1
                ? [await SendCollectionAsync(call[0], cancellationToken).ConfigureAwait(false)]
                : await SendCompositeAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsCallFailure(e, cancellationToken))
        {
            var count = call.Sum(c => c.Items.Count);
            var reason = e is HttpRequestException or JsonException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            SalesforceLog.WriteCallFailed(logger, count, reason);
            foreach (var item in call.SelectMany(c => c.Items))
            {
                outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Failed, reason);
            }

            return;
        }

        foreach (var (chunk, status, body) in results)
        {
            MapChunk(chunk, status, body, outcomes, retry);
        }
    }

    /// <summary>Failures of the call as a whole, after the pipeline's retries. Cancellation and refused logins propagate.</summary>
    private static bool IsCallFailure(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is HttpRequestException or ExecutionRejectedException or OperationCanceledException or JsonException;

    private async Task<(CollectionChunk, int, JsonElement)> SendCollectionAsync(CollectionChunk chunk, CancellationToken cancellationToken)
    {
        var body = ToRequest(chunk);
        using var response = chunk.Kind == WriteKind.Update
            ? await api.UpdateCollectionAsync(_options.ApiVersion, body, idempotent: true, cancellationToken).ConfigureAwait(false)
            : await api.UpsertCollectionAsync(_options.ApiVersion, WriteItem.TaskObject, TaskKeyField, body, idempotent: true, cancellationToken)
                .ConfigureAwait(false);
        var results = await ReadSuccessAsync<JsonElement>(response, "sObject Collections write", cancellationToken).ConfigureAwait(false);
        return (chunk, (int)response.StatusCode, results);
    }

    private async Task<IReadOnlyList<(CollectionChunk, int, JsonElement)>> SendCompositeAsync(
        IReadOnlyList<CollectionChunk> call,
        CancellationToken cancellationToken)
    {
        var subrequests = new List<CompositeSubrequest>(call.Count);
        for (var i = 0; i < call.Count; i++)
        {
            var chunk = call[i];
            subrequests.Add(new CompositeSubrequest(
                "PATCH",
                chunk.Kind == WriteKind.Update
                    ? $"/services/data/{_options.ApiVersion}/composite/sobjects"
                    : $"/services/data/{_options.ApiVersion}/composite/sobjects/{WriteItem.TaskObject}/{TaskKeyField}",
                ReferenceId(chunk, i),
                ToRequest(chunk),
                SubrequestHeaders));
        }

        // Not collated: subrequests with their own headers run in order anyway, and order keeps lock contention
        // between our own collections out of the picture.
        var request = new CompositeRequest(AllOrNone: false, CollateSubrequests: false, subrequests);
        using var response = await api.CompositeAsync(_options.ApiVersion, request, idempotent: true, cancellationToken).ConfigureAwait(false);
        var composite = await ReadSuccessAsync<CompositeResponse>(response, "Composite write", cancellationToken).ConfigureAwait(false);
        var byReference = new Dictionary<string, CompositeSubresponse>(StringComparer.Ordinal);
        foreach (var subresponse in composite.Responses ?? [])
        {
            if (subresponse.ReferenceId is not null)
            {
                byReference[subresponse.ReferenceId] = subresponse;
            }
        }

        var results = new List<(CollectionChunk, int, JsonElement)>(call.Count);
        for (var i = 0; i < call.Count; i++)
        {
            results.Add(byReference.TryGetValue(ReferenceId(call[i], i), out var found)
                ? (call[i], found.HttpStatusCode, found.Body)
                : (call[i], 0, default));
        }

        return results;
    }

    private static string ReferenceId(CollectionChunk chunk, int position) =>
        (chunk.Kind == WriteKind.Update ? "update" : "taskUpsert") + position.ToString(CultureInfo.InvariantCulture);

    private static CollectionRequest ToRequest(CollectionChunk chunk) =>
        new(AllOrNone: false, chunk.Items.Select(i => i.ToJson()).ToList());

    private static async Task<T> ReadSuccessAsync<T>(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await SalesforceHttp.ReadAsync<T>(response, operation, cancellationToken).ConfigureAwait(false);
        }
        catch (SalesforceApiException) when (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The session handler already renewed the token once; say so rather than only "401".
            throw new SalesforceApiException(
                $"Salesforce {operation} was refused (HTTP 401) even with a freshly issued token.",
                HttpStatusCode.Unauthorized,
                "INVALID_SESSION_ID");
        }
    }

    private static void MapChunk(CollectionChunk chunk, int status, JsonElement body, WriteOutcome?[] outcomes, List<WriteItem> retry)
    {
        if (status is >= 200 and < 300)
        {
            if (body.ValueKind == JsonValueKind.Array && body.GetArrayLength() == chunk.Items.Count)
            {
                var i = 0;
                foreach (var result in body.EnumerateArray())
                {
                    MapRecord(chunk.Items[i++], result, outcomes, retry);
                }

                return;
            }

            var count = body.ValueKind == JsonValueKind.Array ? body.GetArrayLength() : 0;
            var mismatch = $"Salesforce returned {count} results for {chunk.Items.Count} records";
            foreach (var item in chunk.Items)
            {
                outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Failed, mismatch);
            }

            return;
        }

        // A subrequest that failed as a whole (or none answered: status 0): the same verdict for each of its records.
        var errors = body.ValueKind == JsonValueKind.Undefined
            ? [new SalesforceError("PROCESSING_HALTED", "the Composite response had no result for this collection", [])]
            : SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body.GetRawText()));
        var kind = status == 0 ? SalesforceFailureKind.Transient : SalesforceResponses.Classify(status, errors);
        var message = SalesforceHttp.Describe(errors);
        foreach (var item in chunk.Items)
        {
            if (kind == SalesforceFailureKind.Permanent && !errors.All(e => TransientRecordCodes.Contains(e.ErrorCode)))
            {
                outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Rejected, message);
            }
            else
            {
                item.LastError = $"HTTP {status} {message}";
                retry.Add(item);
            }
        }
    }

    private static void MapRecord(WriteItem item, JsonElement result, WriteOutcome?[] outcomes, List<WriteItem> retry)
    {
        var success = result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("success", out var flag)
            && flag.ValueKind == JsonValueKind.True;
        if (success)
        {
            var id = item.Kind == WriteKind.TaskUpsert && result.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                ? SalesforceIds.TryCanonical(idElement.GetString(), out var canonical) ? canonical : idElement.GetString()
                : null;
            outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Written, CrmId: id);
            return;
        }

        IReadOnlyList<SalesforceError> errors = result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("errors", out var errorArray)
            && errorArray.ValueKind == JsonValueKind.Array
            ? SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(errorArray.GetRawText()))
            : [];
        var message = SalesforceHttp.Describe(errors);
        if (errors.Count > 0 && errors.All(e => TransientRecordCodes.Contains(e.ErrorCode)))
        {
            item.LastError = message;
            retry.Add(item);
        }
        else
        {
            outcomes[item.Index] = new WriteOutcome(item.Key, WriteStatus.Rejected, message);
        }
    }
}
