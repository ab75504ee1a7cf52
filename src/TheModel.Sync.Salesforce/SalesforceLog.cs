using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Salesforce;

/// <summary>
/// Every log event of the connector, with stable ids (17xx). Tokens, secrets, keys and record field values are never
/// parameters: ids, counts, codes and hosts only.
/// </summary>
internal static partial class SalesforceLog
{
    [LoggerMessage(1701, LogLevel.Information, "Salesforce token acquired with the {Flow} flow for instance {InstanceHost}")]
    public static partial void TokenAcquired(ILogger logger, SalesforceAuthFlow flow, string instanceHost);

    [LoggerMessage(1702, LogLevel.Error, "Salesforce token request with the {Flow} flow failed: HTTP {Status} {Error}")]
    public static partial void TokenRefused(ILogger logger, SalesforceAuthFlow flow, int status, string error);

    [LoggerMessage(1703, LogLevel.Information, "Salesforce rejected the session (HTTP 401) on {Method} {Path}; renewing the token and resending once")]
    public static partial void SessionRejected(ILogger logger, string method, string path);

    [LoggerMessage(1704, LogLevel.Error, "Salesforce rejected a freshly issued session (HTTP 401) on {Method} {Path}; giving up on this request")]
    public static partial void SessionRejectedAfterRenewal(ILogger logger, string method, string path);

    [LoggerMessage(1710, LogLevel.Warning, "Salesforce API calls paused: {Reason}; probing again every {ProbeInterval}")]
    public static partial void BudgetPaused(ILogger logger, string reason, TimeSpan probeInterval);

    [LoggerMessage(1711, LogLevel.Information, "Salesforce API calls resumed after {PausedFor}: usage {Used} of {Limit}, cap {Cap}")]
    public static partial void BudgetResumed(ILogger logger, TimeSpan pausedFor, long? used, long? limit, long cap);

    [LoggerMessage(1712, LogLevel.Warning, "Salesforce answered REQUEST_LIMIT_EXCEEDED on {Method} {Path}")]
    public static partial void RequestLimitExceeded(ILogger logger, string method, string path);

    [LoggerMessage(1720, LogLevel.Debug, "Salesforce poll of {SObject} since {Since} read {Count} records (more: {HasMore})")]
    public static partial void PollRead(ILogger logger, string sObject, string since, int count, bool hasMore);

    [LoggerMessage(1721, LogLevel.Warning, "Salesforce poll of {SObject} dropped {Count} records at or before the watermark {Since}")]
    public static partial void PollDroppedSeen(ILogger logger, string sObject, int count, string since);

    [LoggerMessage(1730, LogLevel.Information, "Salesforce write: {Items} items in {Calls} calls; written {Written}, unchanged {Unchanged}, rejected {Rejected}, failed {Failed}")]
    public static partial void WriteCompleted(ILogger logger, int items, int calls, int written, int unchanged, int rejected, int failed);

    [LoggerMessage(1731, LogLevel.Warning, "Salesforce write: {Count} records failed transiently (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    public static partial void WriteRetrying(ILogger logger, int count, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(1732, LogLevel.Error, "Salesforce write call with {Count} records failed as a whole: {Reason}")]
    public static partial void WriteCallFailed(ILogger logger, int count, string reason);

    [LoggerMessage(1722, LogLevel.Debug, "Salesforce persons of {RecordId}: {Count} {PersonObject} records")]
    public static partial void PeopleOfRead(ILogger logger, string recordId, int count, string personObject);

    [LoggerMessage(1723, LogLevel.Information, "Salesforce persons of {Object} {RecordId}: none to look for ({Reason})")]
    public static partial void PeopleOfNone(ILogger logger, string @object, string recordId, string reason);

    [LoggerMessage(1724, LogLevel.Information, "Salesforce persons of {Records} lost opportunities and churned accounts: {Count} {PersonObject} records in {Queries} queries")]
    public static partial void PeopleOfBatchRead(ILogger logger, int records, int count, string personObject, int queries);
}
