using System.Buffers;
using System.Text.Json;

namespace TheModel.Sync.Benchmarks.Ingest;

/// <summary>
/// Webhook bodies shaped like HubSpot's app-webhook deliveries (facts H-7): a JSON array of events with the vendor's
/// field names, mostly contact changes, some company and deal changes and a few ticket events the worker accepts but
/// does not queue. Event ids come from one counter, so no event is a duplicate of another.
/// </summary>
internal sealed class HubSpotBatches
{
    private const long PortalId = 62515;
    private const long AppId = 1160452;

    // Share (out of 100), subscription type, subscription id, and the properties a propertyChange picks from.
    private static readonly EventKind[] Kinds =
    [
        new(15, "contact.creation", 101, []),
        new(45, "contact.propertyChange", 102,
        [
            ("lifecyclestage", ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead"]),
            ("hs_lead_status", ["NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT"]),
            ("jobtitle", ["Head of Sales Operations", "営業企画部 部長", "CTO"]),
            ("email", ["taro.yamada@example.co.jp", "j.smith@example.com"]),
            ("hubspot_owner_id", ["31337001", "31337002", "31337003"]),
        ]),
        new(5, "company.creation", 103, []),
        new(15, "company.propertyChange", 104,
        [
            ("numberofemployees", ["25", "250", "2500"]),
            ("industry", ["COMPUTER_SOFTWARE", "MACHINERY", "FINANCIAL_SERVICES"]),
            ("domain", ["example.co.jp", "example.com"]),
        ]),
        new(5, "deal.creation", 105, []),
        new(10, "deal.propertyChange", 106,
        [
            ("dealstage", ["appointmentscheduled", "qualifiedtobuy", "closedwon"]),
            ("amount", ["1200000", "48000"]),
        ]),
        new(5, "ticket.creation", 107, []),
    ];

    private static readonly string[] ChangeSources = ["CRM_UI", "CRM_UI", "API", "INTEGRATION", "IMPORT", "CRM"];

    private long _nextEventId;

    public HubSpotBatches(long firstEventId) => _nextEventId = firstEventId - 1;

    /// <summary>Event types HubSpot would send that the worker does not queue (they are answered and counted only).</summary>
    public static IReadOnlySet<string> IgnoredTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "ticket.creation" };

    /// <summary>A body of <paramref name="count"/> events that happened in the last two seconds before <paramref name="nowMs"/>.</summary>
    public WebhookBody Build(int count, long nowMs, Random random, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        var ignorable = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var i = 0; i < count; i++)
            {
                if (IgnoredTypes.Contains(WriteEvent(json, Interlocked.Increment(ref _nextEventId), nowMs, random)))
                {
                    ignorable++;
                }
            }

            json.WriteEndArray();
        }

        return new WebhookBody(buffer.WrittenSpan.ToArray(), ignorable);
    }

    /// <summary>Writes one event; returns its subscription type.</summary>
    private static string WriteEvent(Utf8JsonWriter json, long eventId, long nowMs, Random random)
    {
        var kind = Pick(random);
        var source = ChangeSources[random.Next(ChangeSources.Length)];
        json.WriteStartObject();
        json.WriteNumber("eventId", eventId);
        json.WriteNumber("subscriptionId", kind.SubscriptionId);
        json.WriteNumber("portalId", PortalId);
        json.WriteNumber("appId", AppId);
        json.WriteNumber("occurredAt", nowMs - random.Next(2000));
        json.WriteString("subscriptionType", kind.Type);
        json.WriteNumber("attemptNumber", 0);
        json.WriteNumber("objectId", 1_000_000 + random.Next(5_000_000));
        if (kind.Properties.Length > 0)
        {
            var (name, values) = kind.Properties[random.Next(kind.Properties.Length)];
            json.WriteString("propertyName", name);
            json.WriteString("propertyValue", values[random.Next(values.Length)]);
        }

        json.WriteString("changeSource", source);
        if (source == "CRM_UI")
        {
            json.WriteString("sourceId", "userId:882761034");
        }

        if (kind.Type.EndsWith(".creation", StringComparison.Ordinal))
        {
            json.WriteString("changeFlag", "NEW");
        }

        json.WriteEndObject();
        return kind.Type;
    }

    private static EventKind Pick(Random random)
    {
        var roll = random.Next(100);
        foreach (var kind in Kinds)
        {
            roll -= kind.Share;
            if (roll < 0)
            {
                return kind;
            }
        }

        return Kinds[^1];
    }

    private sealed record EventKind(int Share, string Type, long SubscriptionId, (string Name, string[] Values)[] Properties);
}

/// <summary>A webhook body and how many of its events are of a type the worker only counts.</summary>
internal sealed record WebhookBody(byte[] Bytes, int Ignorable);
