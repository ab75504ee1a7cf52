using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.OutboundMessages;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Ingest;

/// <summary>
/// <c>POST /webhooks/salesforce</c>: an Outbound Message (SOAP, DTDs refused) for the configured org only; Lead,
/// Contact, Account and Opportunity notifications are queued (one event per notification, deduplicated on the
/// notification id) and the exact <see cref="OutboundAck"/> envelope is returned once they are durably queued.
/// Other sObjects are acknowledged and counted. Outbound Messages carry no signature: the org id check (and the
/// network: Salesforce's IP ranges, HTTPS, a secret path) is all the authentication there is.
/// </summary>
internal sealed partial class SalesforceOutboundHandler(
    IOptions<SalesforceOutboundOptions> options,
    IEventQueue queue,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<SalesforceOutboundHandler> logger)
{
    private const string Crm = "salesforce";
    private readonly SalesforceOutboundOptions _options = options.Value;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.IsConfigured)
        {
            return Refuse(StatusCodes.Status404NotFound, "not_configured", "Salesforce Outbound Messages are not accepted: Salesforce:OrganizationId is not set");
        }

        var body = await RequestBody.ReadAsync(context.Request, RequestBody.MaxBytes, context.RequestAborted);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "too_large", $"the body is larger than {RequestBody.MaxBytes} bytes");
        }

        using var stream = new MemoryStream(body, writable: false);
        var parsed = await OutboundMessageParser.ParseAsync(stream, _options.OrganizationId!.Trim(), cancellationToken: context.RequestAborted);
        if (!parsed.IsSuccess)
        {
            return parsed.ErrorKind == OutboundParseErrorKind.WrongOrganization
                ? Refuse(StatusCodes.Status401Unauthorized, "bad_org", parsed.ErrorMessage)
                : Refuse(StatusCodes.Status400BadRequest, "malformed", parsed.ErrorMessage);
        }

        var events = new List<CrmEvent>(parsed.Message.Notifications.Count);
        var ignored = 0;
        var now = time.GetUtcNow();
        foreach (var n in parsed.Message.Notifications)
        {
            var obj = ObjectOf(n.ObjectType);
            if (obj is null)
            {
                ignored++;
                metrics.EventsIgnored.WithLabels(Crm, n.ObjectType).Inc();
                continue;
            }

            if (!SalesforceIds.TryCanonical(n.Fields.GetValueOrDefault("Id"), out var recordId))
            {
                return Refuse(StatusCodes.Status400BadRequest, "malformed", $"notification {n.Id}: the {n.ObjectType} has no valid sf:Id");
            }

            var occurredAt = CrmRecordMapper.ParseTime(n.Fields.GetValueOrDefault("SystemModstamp"))
                ?? CrmRecordMapper.ParseTime(n.Fields.GetValueOrDefault("LastModifiedDate"))
                ?? now;
            events.Add(new CrmEvent("sf:" + n.Id, CrmKind.Salesforce, obj.Value, recordId, "outbound." + n.ObjectType, occurredAt, EventOrigin.OutboundMessage, n.Fields));
        }

        int queued;
        try
        {
            queued = events.Count == 0 ? 0 : await queue.EnqueueAsync(events, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.QueueFailed(logger, events.Count, ex);
            return Refuse(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "the notifications could not be queued; Salesforce will retry");
        }

        metrics.CountEnqueued(events, queued);
        Log.Accepted(logger, parsed.Message.Notifications.Count, queued, events.Count - queued, ignored);
        return Results.Text(OutboundAck.Envelope, OutboundAck.ContentType, statusCode: StatusCodes.Status200OK);
    }

    /// <summary>Leads and Contacts are people (whichever the config routes; the other is read, not found and ignored).</summary>
    internal static CrmObject? ObjectOf(string sObjectType) => sObjectType switch
    {
        "Lead" or "Contact" => CrmObject.Person,
        "Account" => CrmObject.Account,
        "Opportunity" => CrmObject.Opportunity,
        _ => null,
    };

    private IResult Refuse(int status, string reason, string message)
    {
        metrics.Rejected.WithLabels(Crm, reason).Inc();
        Log.Refused(logger, status, reason, message);
        return Results.Text(message, "text/plain; charset=utf-8", statusCode: status);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Outbound Message with {Count} notifications: {Queued} queued, {Duplicates} already queued, {Ignored} ignored")]
        public static partial void Accepted(ILogger logger, int count, int queued, int duplicates, int ignored);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Outbound Message refused with {Status} ({Reason}): {Detail}")]
        public static partial void Refused(ILogger logger, int status, string reason, string detail);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Queueing {Count} Salesforce notifications failed")]
        public static partial void QueueFailed(ILogger logger, int count, Exception exception);
    }
}
