using System.Text.Json;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Budget;
using TheModel.Sync.HubSpot.Polling;

namespace TheModel.Sync.HubSpot.Writing;

/// <summary>
/// Writes a plan in as few calls as HubSpot allows (crm-api-facts.md H-2, H-6): only the properties that differ from
/// what the caller last read; updates merged per record and sent 100 per <c>batch/update</c>; tasks 100 per
/// <c>batch/create</c> with their associations inline and the idempotency key in the unique <c>themodel_key</c>.
/// <list type="bullet">
/// <item>A whole batch refused with a 4xx (other than 401/403/429) is split in halves until the refused inputs are
/// alone, so one bad input never takes 99 good ones with it.</item>
/// <item>401/403 throw <see cref="HubSpotApiException"/>: no write can succeed until an operator fixes the token.</item>
/// <item>Transient failures left after the handler's retries, 429s and a paused budget make the batch Failed; for
/// task creates whose outcome is unknown (no answer, 408, 5xx) a search by key first finds the tasks that were made.</item>
/// </list>
/// </summary>
internal sealed class HubSpotWriter(IHubSpotObjectsApi api, ICrmSchemaSource schemas, ILogger<HubSpotWriter> logger)
{
    public const int BatchSize = 100;
    public const string TasksObject = "tasks";

    /// <summary>HubSpot refuses a search whose request body is longer (crm-api-facts.md H-3).</summary>
    public const int MaxSearchBodyCharacters = 3_000;

    private const string AssociationCategory = "HUBSPOT_DEFINED";
    private const int TaskToContact = 204;
    private const int TaskToCompany = 192;
    private const int TaskToDeal = 216;

    public async Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var schema = schemas.For(CrmKind.HubSpot);
        var outcomes = new WriteOutcome[plan.Count];
        await WriteUpdatesAsync(plan.Updates, schema, outcomes, cancellationToken).ConfigureAwait(false);
        await WriteTasksAsync(plan.Tasks, schema, outcomes, plan.Updates.Count, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private async Task WriteUpdatesAsync(IReadOnlyList<RecordUpdate> updates, CrmSchema schema, WriteOutcome[] outcomes, CancellationToken cancellationToken)
    {
        // Several updates of one record become one input (later values win); each keeps its own outcome slot.
        var byRecord = new Dictionary<(string Type, string Id), PendingUpdate>();
        var order = new List<PendingUpdate>();
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i];
            var changed = Differences(update);
            if (changed.Count == 0)
            {
                outcomes[i] = new WriteOutcome(update.Key, WriteStatus.Unchanged, null, update.RecordId);
                continue;
            }

            var type = schema.ObjectName(update.Object);
            if (!byRecord.TryGetValue((type, update.RecordId), out var pending))
            {
                pending = new PendingUpdate(type, update.RecordId);
                byRecord.Add((type, update.RecordId), pending);
                order.Add(pending);
            }

            foreach (var (field, value) in changed)
            {
                pending.Properties[field] = value;
            }

            pending.PlanIndexes.Add(i);
        }

        foreach (var group in order.GroupBy(p => p.Type))
        {
            foreach (var chunk in group.Chunk(BatchSize))
            {
                var results = await UpdateBatchAsync(group.Key, chunk, cancellationToken).ConfigureAwait(false);
                foreach (var pending in chunk)
                {
                    var result = results[pending.Id];
                    foreach (var index in pending.PlanIndexes)
                    {
                        outcomes[index] = new WriteOutcome(updates[index].Key, result.Status, result.Error, result.CrmId ?? pending.Id);
                    }
                }
            }
        }
    }

    /// <summary>The wanted values that differ from the known ones; an empty value (null or "") is sent as "", which clears it.</summary>
    private static Dictionary<string, string> Differences(RecordUpdate update)
    {
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, wanted) in update.Fields)
        {
            var value = wanted ?? string.Empty;
            if (update.Known is not null
                && update.Known.TryGetValue(field, out var known)
                && string.Equals(known ?? string.Empty, value, StringComparison.Ordinal))
            {
                continue;
            }

            changed[field] = value;
        }

        return changed;
    }

    private async Task<Dictionary<string, InputOutcome>> UpdateBatchAsync(string type, IReadOnlyList<PendingUpdate> chunk, CancellationToken cancellationToken)
    {
        var operation = $"batch/update of {type}";
        var request = new BatchUpdateRequest([.. chunk.Select(p => new UpdateInput(p.Id, p.Properties))]);
        var ids = chunk.Select(p => p.Id).ToList();
        try
        {
            var response = await HubSpotApi.CallAsync(
                operation,
                ct => api.BatchUpdateAsync(type, request, HubSpotCall.IdempotentWrite, ct),
                cancellationToken).ConfigureAwait(false);
            var outcomes = BatchOutcomes.Map(ids, response, result => result.Id, isCreate: false, out var missing);
            LogBatch(operation, chunk.Count, outcomes, missing);
            return outcomes;
        }
        catch (HubSpotApiException e) when (Refused(e) && chunk.Count > 1)
        {
            return await SplitAsync(chunk, part => UpdateBatchAsync(type, part, cancellationToken)).ConfigureAwait(false);
        }
        catch (HubSpotApiException e) when (Refused(e))
        {
            HubSpotLog.BatchFailed(logger, operation, chunk.Count, e.Message);
            return ids.ToDictionary(id => id, _ => InputOutcome.Rejected(e.Message), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HubSpotApiException { IsAuthentication: false } or HubSpotBudgetPausedException)
        {
            HubSpotLog.BatchFailed(logger, operation, chunk.Count, e.Message);
            return ids.ToDictionary(id => id, _ => InputOutcome.Failed(e.Message), StringComparer.Ordinal);
        }
        catch (HubSpotApiException e) when (e.IsAuthentication)
        {
            HubSpotLog.AuthenticationFailed(logger, e.Message);
            throw;
        }
    }

    private async Task WriteTasksAsync(IReadOnlyList<TaskCreate> tasks, CrmSchema schema, WriteOutcome[] outcomes, int offset, CancellationToken cancellationToken)
    {
        // A key repeated in one plan is one task: created once, reported for each occurrence.
        var unique = new Dictionary<string, TaskCreate>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            unique.TryAdd(task.Key, task);
        }

        var results = new Dictionary<string, InputOutcome>(StringComparer.Ordinal);
        foreach (var chunk in unique.Values.Chunk(BatchSize))
        {
            foreach (var (key, outcome) in await CreateTaskBatchAsync(chunk, schema.TaskKeyField, cancellationToken).ConfigureAwait(false))
            {
                results[key] = outcome;
            }
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            var result = results[tasks[i].Key];
            outcomes[offset + i] = new WriteOutcome(tasks[i].Key, result.Status, result.Error, result.CrmId);
        }
    }

    private async Task<Dictionary<string, InputOutcome>> CreateTaskBatchAsync(IReadOnlyList<TaskCreate> chunk, string keyField, CancellationToken cancellationToken)
    {
        var operation = $"batch/create of {TasksObject}";
        var request = new BatchCreateRequest([.. chunk.Select(t => TaskInput(t, keyField))]);
        var keys = chunk.Select(t => t.Key).ToList();
        try
        {
            var response = await HubSpotApi.CallAsync(
                operation,
                ct => api.BatchCreateAsync(TasksObject, request, HubSpotCall.IdempotentWrite, ct),
                cancellationToken).ConfigureAwait(false);
            var outcomes = BatchOutcomes.Map(
                keys,
                response,
                result => result.ObjectWriteTraceId ?? result.Properties.GetValueOrDefault(keyField),
                isCreate: true,
                out var missing);
            LogBatch(operation, chunk.Count, outcomes, missing);
            return outcomes;
        }
        catch (HubSpotApiException e) when (Refused(e) && chunk.Count > 1)
        {
            return await SplitAsync(chunk, part => CreateTaskBatchAsync(part, keyField, cancellationToken)).ConfigureAwait(false);
        }
        catch (HubSpotApiException e) when (Refused(e))
        {
            // A lone input refused as a whole: a 409 naming the existing task means an earlier attempt made it.
            var outcome = BatchOutcomes.Classify(
                new BatchError { Category = e.Category ?? "VALIDATION_ERROR", Message = e.Error?.Message ?? e.Message },
                isCreate: true);
            if (outcome.Status != WriteStatus.Written)
            {
                HubSpotLog.BatchFailed(logger, operation, chunk.Count, e.Message);
                outcome = outcome with { Error = e.Message };
            }

            return new Dictionary<string, InputOutcome>(StringComparer.Ordinal) { [keys[0]] = outcome };
        }
        catch (HubSpotApiException e) when (e.OutcomeUnknown)
        {
            return await ReconcileAsync(keys, keyField, e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubSpotApiException { IsAuthentication: false } or HubSpotBudgetPausedException)
        {
            HubSpotLog.BatchFailed(logger, operation, chunk.Count, e.Message);
            return keys.ToDictionary(key => key, _ => InputOutcome.Failed(e.Message), StringComparer.Ordinal);
        }
        catch (HubSpotApiException e) when (e.IsAuthentication)
        {
            HubSpotLog.AuthenticationFailed(logger, e.Message);
            throw;
        }
    }

    /// <summary>
    /// After a create whose outcome is unknown, finds by key the tasks that exist: those are Written, the rest Failed
    /// (a later retry of those conflicts on the unique key if the task appears after all, so it is still made once).
    /// The keys go in as many searches as HubSpot's 3,000-character body limit needs.
    /// </summary>
    private async Task<Dictionary<string, InputOutcome>> ReconcileAsync(List<string> keys, string keyField, string error, CancellationToken cancellationToken)
    {
        var outcomes = keys.ToDictionary(key => key, _ => InputOutcome.Failed(error), StringComparer.Ordinal);
        var found = 0;
        foreach (var part in KeySearches(keys, keyField))
        {
            try
            {
                var page = await HubSpotApi.CallAsync(
                    $"search of {TasksObject} by {keyField}",
                    ct => api.SearchAsync(TasksObject, KeySearch(keyField, part), HubSpotCall.Search, ct),
                    cancellationToken).ConfigureAwait(false);
                foreach (var task in page.Results)
                {
                    if (task.Properties.GetValueOrDefault(keyField) is { } key && outcomes.ContainsKey(key))
                    {
                        outcomes[key] = InputOutcome.Written(task.Id);
                        found++;
                    }
                }
            }
            catch (Exception e) when (e is HubSpotApiException { IsAuthentication: false } or HubSpotBudgetPausedException)
            {
                var both = $"{error}; the search for the tasks by key failed too: {e.Message}";
                HubSpotLog.BatchFailed(logger, $"batch/create of {TasksObject}", part.Count, both);
                foreach (var key in part)
                {
                    outcomes[key] = InputOutcome.Failed(both);
                }
            }
        }

        HubSpotLog.TasksReconciled(logger, keys.Count, error, found);
        return outcomes;
    }

    /// <summary>Splits <paramref name="keys"/> so that no search body is longer than <see cref="MaxSearchBodyCharacters"/>.</summary>
    private static List<List<string>> KeySearches(IReadOnlyList<string> keys, string keyField)
    {
        var empty = JsonSerializer.Serialize(KeySearch(keyField, []), HubSpotJson.Options).Length;
        var parts = new List<List<string>>();
        var part = new List<string>();
        var length = empty;
        foreach (var key in keys)
        {
            // The key as a JSON string, and the comma before it.
            var added = JsonSerializer.Serialize(key, HubSpotJson.Options).Length + 1;
            if (part.Count > 0 && length + added > MaxSearchBodyCharacters)
            {
                parts.Add(part);
                (part, length) = ([], empty);
            }

            part.Add(key);
            length += added;
        }

        if (part.Count > 0)
        {
            parts.Add(part);
        }

        return parts;
    }

    private static SearchRequest KeySearch(string keyField, IReadOnlyList<string> keys) => new(
        [new SearchFilterGroup([new SearchFilter(keyField, "IN", Values: keys)])],
        null,
        [keyField],
        BatchSize);

    private static CreateInput TaskInput(TaskCreate task, string keyField)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hs_timestamp"] = HubSpotRecords.IsoMilliseconds(task.Due),
            ["hs_task_subject"] = task.Subject,
            ["hs_task_status"] = "NOT_STARTED",
            ["hs_task_priority"] = "MEDIUM",
            ["hs_task_type"] = "TODO", // HubSpot's task type value (EMAIL, CALL or TODO), not a note to self
            ["hubspot_owner_id"] = task.OwnerId,
            [keyField] = task.Key,
        };
        List<AssociationInput> associations = [Association(task.PersonId, TaskToContact)];
        if (task.AccountId is { Length: > 0 } account)
        {
            associations.Add(Association(account, TaskToCompany));
        }

        if (task.OpportunityId is { Length: > 0 } opportunity)
        {
            associations.Add(Association(opportunity, TaskToDeal));
        }

        return new CreateInput(properties, associations, task.Key);
    }

    private static AssociationInput Association(string id, int typeId) =>
        new(new AssociationTarget(id), [new AssociationSpec(AssociationCategory, typeId)]);

    /// <summary>A request refused as a whole for what it carries (a 4xx other than 401, 403, 408 and 429).</summary>
    private static bool Refused(HubSpotApiException e) => e.StatusCode is >= 400 and < 500 and not (401 or 403 or 408 or 429);

    private static async Task<Dictionary<string, InputOutcome>> SplitAsync<T>(IReadOnlyList<T> chunk, Func<IReadOnlyList<T>, Task<Dictionary<string, InputOutcome>>> send)
    {
        var half = chunk.Count / 2;
        var first = await send([.. chunk.Take(half)]).ConfigureAwait(false);
        foreach (var (key, outcome) in await send([.. chunk.Skip(half)]).ConfigureAwait(false))
        {
            first[key] = outcome;
        }

        return first;
    }

    private void LogBatch(string operation, int inputs, Dictionary<string, InputOutcome> outcomes, int missing)
    {
        var failed = outcomes.Values.Where(o => o.Status is WriteStatus.Failed or WriteStatus.Rejected).ToList();
        if (failed.Count > 0)
        {
            HubSpotLog.BatchErrors(logger, operation, failed.Count, inputs, string.Join("; ", failed.Select(f => f.Error).Distinct().Take(5)));
        }

        if (missing > 0)
        {
            HubSpotLog.BatchItemsMissing(logger, operation, missing);
        }
    }

    private sealed class PendingUpdate(string type, string id)
    {
        public string Type { get; } = type;

        public string Id { get; } = id;

        public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

        public List<int> PlanIndexes { get; } = [];
    }
}
