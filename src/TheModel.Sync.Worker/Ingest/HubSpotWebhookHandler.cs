using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Webhooks;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Ingest;

/// <summary>
/// <c>POST /webhooks/hubspot</c>: checks the v3 signature over the URL HubSpot called, the raw body and the timestamp
/// (at most 5 minutes old), takes a JSON array of up to 100 events, queues the contact, company and deal events and
/// answers 200 once they are durably queued. Other event types are accepted and counted, not queued (HubSpot retries
/// anything but a 2xx). No CRM call is made here.
/// </summary>
internal sealed partial class HubSpotWebhookHandler(
    IOptions<HubSpotWebhookOptions> options,
    IEventQueue queue,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<HubSpotWebhookHandler> logger)
{
    private const string Crm = "hubspot";
    private readonly HubSpotWebhookOptions _options = options.Value;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!_options.IsConfigured)
        {
            return Refuse(StatusCodes.Status404NotFound, "not_configured", "HubSpot webhooks are not accepted: HubSpot:ClientSecret is not set");
        }

        var body = await RequestBody.ReadAsync(request, RequestBody.MaxBytes, context.RequestAborted);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "too_large", $"the body is larger than {RequestBody.MaxBytes} bytes");
        }

        var uri = _options.WebhookUrl is { Length: > 0 } configured ? configured : CalledUri(context);
        var check = HubSpotSignature.VerifyV3(
            _options.ClientSecret!,
            request.Method,
            uri,
            body,
            request.Headers["X-HubSpot-Signature-v3"].ToString(),
            request.Headers["X-HubSpot-Request-Timestamp"].ToString(),
            time.GetUtcNow());
        if (check == HubSpotSignatureResult.Stale)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "stale_timestamp", "X-HubSpot-Request-Timestamp is more than 5 minutes from now");
        }

        if (check != HubSpotSignatureResult.Valid)
        {
            Log.BadSignature(logger, check.ToString(), uri);
            return Refuse(StatusCodes.Status401Unauthorized, "bad_signature", "the X-HubSpot-Signature-v3 signature does not verify");
        }

        var count = CountEvents(body);
        if (count > HubSpotWebhookPayload.MaxEvents)
        {
            return Refuse(StatusCodes.Status400BadRequest, "too_many_events", string.Create(CultureInfo.InvariantCulture, $"the body has {count} events; at most {HubSpotWebhookPayload.MaxEvents} are accepted"));
        }

        var parsed = HubSpotWebhookPayload.Parse(body);
        if (!parsed.IsSuccess)
        {
            return Refuse(StatusCodes.Status400BadRequest, "malformed", parsed.Error!);
        }

        var events = new List<CrmEvent>(parsed.Events.Count);
        var ignored = 0;
        foreach (var e in parsed.Events)
        {
            if (ToCrmEvent(e) is { } crmEvent)
            {
                events.Add(crmEvent);
            }
            else
            {
                ignored++;
                metrics.EventsIgnored.WithLabels(Crm, e.IsKnownType ? e.SubscriptionType : "unknown").Inc();
            }
        }

        int queued;
        try
        {
            queued = events.Count == 0 ? 0 : await queue.EnqueueAsync(events, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.QueueFailed(logger, events.Count, ex);
            return Refuse(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "the events could not be queued; retry later");
        }

        metrics.CountEnqueued(events, queued);
        Log.Accepted(logger, parsed.Events.Count, queued, events.Count - queued, ignored);
        return Results.Json(new IngestAnswer(parsed.Events.Count, queued, events.Count - queued, ignored));
    }

    /// <summary>
    /// The event as the pipeline sees it: contacts are people, companies accounts, deals opportunities; anything
    /// else (tickets, products, line items, unknown types) is not routed.
    /// </summary>
    internal static CrmEvent? ToCrmEvent(HubSpotEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        CrmObject? obj = e.IsKnownType ? e.ObjectType switch
        {
            "contact" => CrmObject.Person,
            "company" => CrmObject.Account,
            "deal" => CrmObject.Opportunity,
            _ => null,
        } : null;
        if (obj is null)
        {
            return null;
        }

        IReadOnlyDictionary<string, string?>? fields = e.PropertyName is { Length: > 0 } name
            ? new Dictionary<string, string?>(StringComparer.Ordinal) { [name] = e.PropertyValue }
            : null;
        return new CrmEvent(
            "hs:" + e.DedupeKey,
            CrmKind.HubSpot,
            obj.Value,
            e.ObjectId.ToString(CultureInfo.InvariantCulture),
            e.SubscriptionType,
            DateTimeOffset.FromUnixTimeMilliseconds(e.OccurredAt),
            EventOrigin.Webhook,
            fields);
    }

    /// <summary>The URL as the request was sent (scheme, host, raw path and query): what HubSpot signed.</summary>
    private static string CalledUri(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
        {
            target = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        }

        return $"{request.Scheme}://{request.Host.ToUriComponent()}{target}";
    }

    /// <summary>How many elements the top-level array has; 0 when the body is not an array (the parser says why).</summary>
    private static int CountEvents(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return 0;
            }

            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                count++;
                reader.Skip();
            }

            return count;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private IResult Refuse(int status, string reason, string message)
    {
        metrics.Rejected.WithLabels(Crm, reason).Inc();
        Log.Refused(logger, status, reason, message);
        return Results.Json(new IngestError(reason, message), statusCode: status);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "HubSpot delivery of {Count} events: {Queued} queued, {Duplicates} already queued, {Ignored} ignored")]
        public static partial void Accepted(ILogger logger, int count, int queued, int duplicates, int ignored);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "HubSpot webhook refused with {Status} ({Reason}): {Detail}")]
        public static partial void Refused(ILogger logger, int status, string reason, string detail);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "HubSpot signature check {Result} for {Uri}; set HubSpot:WebhookUrl when a proxy changes the URL HubSpot calls")]
        public static partial void BadSignature(ILogger logger, string result, string uri);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Queueing {Count} HubSpot events failed")]
        public static partial void QueueFailed(ILogger logger, int count, Exception exception);
    }
}

/// <summary>The body of a webhook answer: how many events came, were queued, were already queued, were ignored.</summary>
internal sealed record IngestAnswer(int Received, int Queued, int Duplicates, int Ignored);

/// <summary>The body of a refusal.</summary>
internal sealed record IngestError(string Reason, string Message);
