using System.Globalization;
using System.Text.Json;

namespace TheModel.Sync.HubSpot.Webhooks;

/// <summary>
/// One HubSpot app-webhook (v3) event, per crm-api-facts H-7 "Event fields".
/// Only the common fields are kept; merge and association extras are ignored.
/// </summary>
public sealed record HubSpotEvent(
    long EventId,
    long SubscriptionId,
    long PortalId,
    long AppId,
    long OccurredAt,
    string SubscriptionType,
    int AttemptNumber,
    long ObjectId,
    string? PropertyName,
    string? PropertyValue,
    string? ChangeSource,
    string? SourceId,
    string? ChangeFlag)
{
    private static readonly HashSet<string> KnownTypes = BuildKnownTypes();

    /// <summary>The part of <see cref="SubscriptionType"/> before the first dot (contact, company, deal…).</summary>
    public string ObjectType => Split().ObjectType;

    /// <summary>The part of <see cref="SubscriptionType"/> after the first dot (creation, propertyChange…); empty when there is no dot.</summary>
    public string Action => Split().Action;

    /// <summary>
    /// True for the classic crm subscription types: contact|company|deal|ticket|product|line_item
    /// × creation|deletion|propertyChange|associationChange|merge|restore, plus contact.privacyDeletion.
    /// Matching is exact (case-sensitive), as HubSpot sends them.
    /// </summary>
    public bool IsKnownType => KnownTypes.Contains(SubscriptionType);

    /// <summary>
    /// De-duplication key: subscriptionId:eventId:objectId:occurredAt:propertyName
    /// (eventId alone is not unique, per H-7). A missing propertyName is an empty segment.
    /// </summary>
    public string DedupeKey => string.Create(
        CultureInfo.InvariantCulture,
        $"{SubscriptionId}:{EventId}:{ObjectId}:{OccurredAt}:{PropertyName}");

    private (string ObjectType, string Action) Split()
    {
        var dot = SubscriptionType.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? (SubscriptionType, string.Empty)
            : (SubscriptionType[..dot], SubscriptionType[(dot + 1)..]);
    }

    private static HashSet<string> BuildKnownTypes()
    {
        string[] objects = ["contact", "company", "deal", "ticket", "product", "line_item"];
        string[] actions = ["creation", "deletion", "propertyChange", "associationChange", "merge", "restore"];
        var set = new HashSet<string>(StringComparer.Ordinal) { "contact.privacyDeletion" };
        foreach (var obj in objects)
        {
            foreach (var action in actions)
            {
                set.Add(obj + "." + action);
            }
        }

        return set;
    }
}

/// <summary>The outcome of <see cref="HubSpotWebhookPayload.Parse"/>: either the events or an error message.</summary>
public sealed class HubSpotPayloadResult
{
    private HubSpotPayloadResult(IReadOnlyList<HubSpotEvent> events, string? error)
    {
        Events = events;
        Error = error;
    }

    /// <summary>True when the body parsed; <see cref="Events"/> then holds zero or more events.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The parsed events, in body order; empty on failure.</summary>
    public IReadOnlyList<HubSpotEvent> Events { get; }

    /// <summary>Why the body was rejected; null on success.</summary>
    public string? Error { get; }

    /// <summary>A successful result.</summary>
    public static HubSpotPayloadResult Success(IReadOnlyList<HubSpotEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new HubSpotPayloadResult(events, null);
    }

    /// <summary>A failed result.</summary>
    public static HubSpotPayloadResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new HubSpotPayloadResult([], error);
    }
}

/// <summary>
/// Pure parser for HubSpot webhook deliveries (a JSON array of up to 100 events), per crm-api-facts H-7.
/// Unknown fields are ignored. Required: eventId, subscriptionId, portalId, occurredAt, objectId (integers)
/// and subscriptionType (string; <c>eventType</c> is accepted as a fallback name). appId and attemptNumber
/// are optional integers (default 0); the other known fields are optional strings (null allowed).
/// </summary>
public static class HubSpotWebhookPayload
{
    /// <summary>The most events HubSpot puts in one request.</summary>
    public const int MaxEvents = 100;

    /// <summary>Parses a raw webhook body. Never throws for bad input; returns a failure instead.</summary>
    public static HubSpotPayloadResult Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return HubSpotPayloadResult.Failure("body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return HubSpotPayloadResult.Failure("body is not a JSON array");
            }

            var count = root.GetArrayLength();
            if (count > MaxEvents)
            {
                return HubSpotPayloadResult.Failure(string.Create(
                    CultureInfo.InvariantCulture,
                    $"body has {count} events; at most {MaxEvents} are allowed"));
            }

            var events = new List<HubSpotEvent>(count);
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var error = TryReadEvent(element, out var evt);
                if (error is not null)
                {
                    return HubSpotPayloadResult.Failure(string.Create(
                        CultureInfo.InvariantCulture,
                        $"event {index}: {error}"));
                }

                events.Add(evt!);
                index++;
            }

            return HubSpotPayloadResult.Success(events);
        }
    }

    private static string? TryReadEvent(JsonElement element, out HubSpotEvent? evt)
    {
        evt = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "not a JSON object";
        }

        string? error;
        if ((error = RequiredLong(element, "eventId", out var eventId)) is not null
            || (error = RequiredLong(element, "subscriptionId", out var subscriptionId)) is not null
            || (error = RequiredLong(element, "portalId", out var portalId)) is not null
            || (error = OptionalLong(element, "appId", out var appId)) is not null
            || (error = RequiredLong(element, "occurredAt", out var occurredAt)) is not null
            || (error = SubscriptionType(element, out var subscriptionType)) is not null
            || (error = OptionalInt(element, "attemptNumber", out var attemptNumber)) is not null
            || (error = RequiredLong(element, "objectId", out var objectId)) is not null
            || (error = OptionalString(element, "propertyName", out var propertyName)) is not null
            || (error = OptionalString(element, "propertyValue", out var propertyValue)) is not null
            || (error = OptionalString(element, "changeSource", out var changeSource)) is not null
            || (error = OptionalString(element, "sourceId", out var sourceId)) is not null
            || (error = OptionalString(element, "changeFlag", out var changeFlag)) is not null)
        {
            return error;
        }

        evt = new HubSpotEvent(
            eventId,
            subscriptionId,
            portalId,
            appId,
            occurredAt,
            subscriptionType!,
            attemptNumber,
            objectId,
            propertyName,
            propertyValue,
            changeSource,
            sourceId,
            changeFlag);
        return null;
    }

    private static string? RequiredLong(JsonElement element, string name, out long value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out var property))
        {
            return $"{name} is missing";
        }

        return ReadLong(property, name, out value);
    }

    private static string? OptionalLong(JsonElement element, string name, out long value)
    {
        value = 0;
        return element.TryGetProperty(name, out var property) && property.ValueKind != JsonValueKind.Null
            ? ReadLong(property, name, out value)
            : null;
    }

    private static string? ReadLong(JsonElement property, string name, out long value)
    {
        value = 0;
        if (property.ValueKind != JsonValueKind.Number)
        {
            return $"{name} is not a number";
        }

        return property.TryGetInt64(out value) ? null : $"{name} is not an integer";
    }

    private static string? OptionalInt(JsonElement element, string name, out int value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.ValueKind != JsonValueKind.Number)
        {
            return $"{name} is not a number";
        }

        return property.TryGetInt32(out value) ? null : $"{name} is not an integer";
    }

    private static string? SubscriptionType(JsonElement element, out string? value)
    {
        value = null;
        var name = "subscriptionType";
        if (!element.TryGetProperty(name, out var property))
        {
            name = "eventType";
            if (!element.TryGetProperty(name, out property))
            {
                return "subscriptionType is missing";
            }
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            return $"{name} is not a string";
        }

        value = property.GetString()!;
        return value.Length == 0 ? $"{name} is empty" : null;
    }

    private static string? OptionalString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            return $"{name} is not a string";
        }

        value = property.GetString();
        return null;
    }
}
