using System.Text.Json;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Output;

/// <summary>Writes decisions as section 13's JSON objects, one per line.</summary>
public static class DecisionJson
{
    /// <summary>Section 14: engagement rounded to 2 decimals, halves away from zero.</summary>
    public static decimal RoundEngagement(double engagement) =>
        Math.Round((decimal)engagement, 2, MidpointRounding.AwayFromZero);

    public static void Write(Utf8JsonWriter w, Decision d)
    {
        w.WriteStartObject();
        w.WriteString("person", d.PersonId);
        w.WriteString("at", Timestamps.Format(d.At));
        w.WriteString("config", d.ConfigVersion);
        w.WriteString("outcome", d.Outcome == DecisionOutcome.Assigned ? "assigned" : "kept");
        WriteNullable(w, "owner", d.Owner.Name);
        WriteNullable(w, "team", d.Team?.Id);
        WriteNullable(w, "rule", d.Rule);
        if (d.Because is not null)
        {
            w.WriteString("because", d.Because);
        }

        w.WriteString("stage", d.Stage.Name());
        WriteNullable(w, "account", d.Account?.Id);
        WriteNullable(w, "segment", d.Segment);
        w.WriteNumber("score", d.Score);
        w.WriteNumber("fit", d.Fit);
        w.WriteNumber("engagement", RoundEngagement(d.Engagement));
        WriteNullable(w, "previous_owner", d.OwnerBefore.Name);
        WriteTime(w, "owner_set_at", d.OwnerSetAt);
        WriteTime(w, "stage_entered_at", d.StageEnteredAt);
        if (d.RecycleReason is not null)
        {
            w.WriteString("recycle_reason", d.RecycleReason);
        }

        if (d.RecycleRule is not null)
        {
            w.WriteString("recycle_rule", d.RecycleRule);
        }

        if (d.RecheckAt is not null)
        {
            WriteTime(w, "recheck_at", d.RecheckAt);
        }

        w.WriteStartArray("actions");
        foreach (var a in d.Actions)
        {
            WriteAction(w, a);
        }

        w.WriteEndArray();
        WriteWhy(w, d.Why);
        w.WriteEndObject();
    }

    private static void WriteAction(Utf8JsonWriter w, DecisionAction a)
    {
        w.WriteStartObject();
        switch (a.Type)
        {
            case ActionType.Set:
                w.WriteString("type", "set");
                w.WriteString("field", a.Field);
                w.WritePropertyName("value");
                WriteValue(w, a.Value);
                break;
            case ActionType.Assign:
                w.WriteString("type", "assign");
                w.WriteString("owner", a.Owner);
                break;
            default:
                w.WriteString("type", "task");
                w.WriteString("owner", a.Owner);
                w.WriteString("subject", a.Subject);
                WriteTime(w, "due", a.Due);
                break;
        }

        w.WriteString("rule", a.Rule);
        w.WriteEndObject();
    }

    private static void WriteWhy(Utf8JsonWriter w, Explanation why)
    {
        w.WriteStartObject("why");
        WriteNullable(w, "trigger", why.Trigger);
        if (why.MatchedBy is not null)
        {
            w.WriteString("matched_by", why.MatchedBy);
            WriteNullable(w, "match", why.MatchDetail);
        }

        w.WriteStartArray("rules");
        foreach (var r in why.Rules)
        {
            w.WriteStartObject();
            w.WriteString("rule", r.Rule.Id);
            w.WriteBoolean("applied", r.Applied);
            if (r.Because is { } because)
            {
                w.WriteString("because", because);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("excluded");
        foreach (var e in why.Excluded)
        {
            w.WriteStartObject();
            w.WriteString("member", e.Member.Id);
            w.WriteString("because", e.Reason.Name());
            w.WriteString("rule", e.Rule);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("score");
        foreach (var s in why.Score)
        {
            w.WriteStartObject();
            w.WriteString("rule", s.Rule.Id);
            w.WriteString("kind", s.IsFit ? "fit" : "engagement");
            w.WriteNumber("points", RoundEngagement(s.Points));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (why.Sla.Count > 0)
        {
            w.WriteStartArray("sla");
            foreach (var s in why.Sla)
            {
                w.WriteStartObject();
                w.WriteString("sla", s.Sla.Id);
                w.WriteString("state", SlaStateName(s.State));
                WriteTime(w, "deadline", s.Deadline);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (why.Notes.Count > 0)
        {
            w.WriteStartArray("notes");
            foreach (var n in why.Notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static string SlaStateName(SlaState s) => s switch
    {
        SlaState.Met => "met",
        SlaState.Pending => "pending",
        SlaState.Breached => "breached",
        SlaState.NoClock => "no_clock",
        _ => "already_handled",
    };

    private static void WriteValue(Utf8JsonWriter w, Value v)
    {
        switch (v.Kind)
        {
            case ValueKind.String:
                w.WriteStringValue(v.AsString);
                break;
            case ValueKind.Number:
                w.WriteNumberValue(v.AsNumber);
                break;
            case ValueKind.Bool:
                w.WriteBooleanValue(v.AsBool);
                break;
            case ValueKind.Time:
                w.WriteStringValue(Timestamps.Format(v.AsTime));
                break;
            case ValueKind.List:
                w.WriteStartArray();
                foreach (var item in v.AsList)
                {
                    w.WriteStringValue(item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } t)
        {
            w.WriteString(name, Timestamps.Format(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>A decision as one line of text (for tests and small outputs).</summary>
    public static string ToJson(Decision d)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            Write(w, d);
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
