using Microsoft.Extensions.Logging;

namespace TheModel.Sync.HubSpot;

/// <summary>
/// Every log line of the HubSpot connector, with stable event ids 4100-4199. Values are ids, counts, timestamps and
/// HubSpot's own messages: never the access token, never a person's email or phone.
/// </summary>
internal static partial class HubSpotLog
{
    [LoggerMessage(4100, LogLevel.Debug, "HubSpot burst limiter holds a call for {WaitMs} ms ({InWindow} calls in the last {IntervalMs} ms, {Allowed} allowed)")]
    public static partial void BurstWait(ILogger logger, long waitMs, int inWindow, long intervalMs, long allowed);

    [LoggerMessage(4101, LogLevel.Debug, "HubSpot search limiter holds a search for {WaitMs} ms ({PerSecond} per second allowed)")]
    public static partial void SearchWait(ILogger logger, long waitMs, int perSecond);

    [LoggerMessage(4102, LogLevel.Warning, "HubSpot answered 429 ({Limit}) to {Method} {Path}; the next attempt waits {BackoffMs} ms (correlation id {CorrelationId})")]
    public static partial void RateLimited(ILogger logger, string limit, string method, string? path, long backoffMs, string? correlationId);

    [LoggerMessage(4103, LogLevel.Warning, "HubSpot calls paused: {Reason}; one call may check for a new day's allocation at {NextProbeAt:O}")]
    public static partial void BudgetPaused(ILogger logger, string reason, DateTimeOffset nextProbeAt);

    [LoggerMessage(4104, LogLevel.Information, "HubSpot calls resumed: {Reason}")]
    public static partial void BudgetResumed(ILogger logger, string reason);

    [LoggerMessage(4105, LogLevel.Information, "HubSpot budget paused: letting one call through to check for a new day's allocation")]
    public static partial void BudgetProbe(ILogger logger);

    [LoggerMessage(4106, LogLevel.Warning, "HubSpot {Operation}: {Failed} of {Inputs} inputs failed ({Categories})")]
    public static partial void BatchErrors(ILogger logger, string operation, int failed, int inputs, string categories);

    [LoggerMessage(4107, LogLevel.Warning, "HubSpot task create of {Count} tasks has an unknown outcome ({Error}); a search by key found {Found} of them")]
    public static partial void TasksReconciled(ILogger logger, int count, string error, int found);

    [LoggerMessage(4108, LogLevel.Warning, "HubSpot {Operation} of {Inputs} inputs failed: {Error}")]
    public static partial void BatchFailed(ILogger logger, string operation, int inputs, string error);

    // 4109 was "search restarted before the 10,000-result ceiling": polls no longer page with offsets.

    [LoggerMessage(4110, LogLevel.Information, "HubSpot search of {ObjectType}: a whole page shares {Property} = {Timestamp}; reading that timestamp in hs_object_id order after id {AfterId}")]
    public static partial void SearchByIdAtTimestamp(ILogger logger, string objectType, string property, long timestamp, string? afterId);

    [LoggerMessage(4111, LogLevel.Error, "HubSpot rejected the credentials: {Error}")]
    public static partial void AuthenticationFailed(ILogger logger, string error);

    [LoggerMessage(4112, LogLevel.Information, "HubSpot daily allocation renewed ({Remaining} of {Limit} remaining); this worker's count for the day starts again")]
    public static partial void NewDay(ILogger logger, long remaining, long? limit);

    [LoggerMessage(4113, LogLevel.Warning, "HubSpot {Operation}: {Count} items were neither in the results nor in the errors")]
    public static partial void BatchItemsMissing(ILogger logger, string operation, int count);

    [LoggerMessage(4114, LogLevel.Information, "HubSpot search of owned {ObjectType}: {Total} match {Owners} owners; read in hs_object_id order, so the 10,000-result ceiling of one query does not apply")]
    public static partial void OwnedPastCeiling(ILogger logger, string objectType, long total, int owners);

    [LoggerMessage(4115, LogLevel.Debug, "HubSpot search of owned {ObjectType}: {Read} persons of {Owners} owners in {Pages} pages")]
    public static partial void OwnedRead(ILogger logger, string objectType, int read, int owners, int pages);

    [LoggerMessage(4116, LogLevel.Debug, "HubSpot persons of {Object} {RecordId}: {People} contacts, through {Companies} companies")]
    public static partial void PeopleOfRead(ILogger logger, string @object, string recordId, int companies, int people);

    [LoggerMessage(4117, LogLevel.Information, "HubSpot has no {FromType} {FromId} (deleted, or not a HubSpot id): it has no {ToType} associated")]
    public static partial void AssociationsOfUnknown(ILogger logger, string fromType, string fromId, string toType);

    [LoggerMessage(4118, LogLevel.Information, "HubSpot persons of {Records} lost deals and churned companies: {People} contacts, through {Deals} deals and {Companies} companies")]
    public static partial void PeopleOfBatchRead(ILogger logger, int records, int deals, int companies, int people);
}
