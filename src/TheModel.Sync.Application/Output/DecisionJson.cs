using System.Text.Encodings.Web;
using System.Text.Json;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Output;

/// <summary>Writes decisions as section 13's JSON objects, one per line.</summary>
public static class DecisionJson
{
    /// <summary>
    /// How decision files are written: JSON Lines for machines and people, so names in Japanese and quotes in reasons
    /// stay readable instead of becoming \u escapes (the files are never embedded in HTML).
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>
    /// Section 14: engagement rounded to 2 decimals, halves away from zero. A value that rounds to zero is the plain 0
    /// (a decimal keeps the sign and scale of what it rounded: -0.001 would print as "0.00").
    /// </summary>
    public static decimal RoundEngagement(double engagement)
    {
        var rounded = Math.Round((decimal)engagement, 2, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0m : rounded;
    }

    /// <summary>
    /// <see cref="RoundEngagement"/> as the writer prints it. Most engagement and points are whole: a whole double
    /// converts to a decimal of scale 0, which prints as the integer, without the decimal's slower arithmetic.
    /// </summary>
    internal static void WriteRounded(JsonLineBuffer w, double value)
    {
        if (JsonLineBuffer.IsSmallWhole(value))
        {
            w.Integer((long)value);
        }
        else
        {
            w.Number(RoundEngagement(value));
        }
    }

    [ThreadStatic]
    private static JsonLineBuffer? t_line;

    public static void Write(Utf8JsonWriter w, Decision d) => Write(w, d, null);

    /// <summary>
    /// A decision, plus (in the live worker's decision log) what the report and live explain need beyond section
    /// 13's minimum: the CRM, the event that caused it, and the person's stage, touches and creation before it.
    /// </summary>
    public static void Write(Utf8JsonWriter w, Decision d, DecisionLogContext? context)
    {
        var line = t_line ??= new JsonLineBuffer(1 << 12);
        line.Clear();
        Write(line, d, context);
        w.WriteRawValue(line.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>
    /// The same object written by hand (see <see cref="JsonLineBuffer"/>), byte for byte what a
    /// <see cref="Utf8JsonWriter"/> with <see cref="WriterOptions"/> writes; <c>simulate</c> writes its lines this way.
    /// </summary>
    internal static void Write(JsonLineBuffer w, Decision d, DecisionLogContext? context)
    {
        w.Raw("{\"person\":"u8);
        w.String(d.PersonId);
        if (context is not null)
        {
            w.Raw(",\"crm\":"u8);
            w.String(context.Crm);
            w.Raw(",\"event\":"u8);
            w.String(context.Event);
            w.Raw(",\"stage_before\":"u8);
            w.String(context.StageBefore.Name());
            w.Raw(",\"stage_entered_at_before\":"u8);
            w.TimeOrNull(context.StageEnteredAtBefore);
            w.Raw(",\"touches\":"u8);
            w.Number(context.Touches);
            w.Raw(",\"last_touch_at\":"u8);
            w.TimeOrNull(context.LastTouchAt);
            w.Raw(",\"created_at\":"u8);
            w.TimeOrNull(context.CreatedAt);
        }

        w.Raw(",\"at\":"u8);
        w.Time(d.At);
        w.Raw(",\"config\":"u8);
        w.String(d.ConfigVersion);
        w.Raw(d.Outcome == DecisionOutcome.Assigned ? ",\"outcome\":\"assigned\",\"owner\":"u8 : ",\"outcome\":\"kept\",\"owner\":"u8);
        w.String(d.Owner.Name);
        w.Raw(",\"team\":"u8);
        w.String(d.Team?.Id);
        w.Raw(",\"rule\":"u8);
        w.String(d.Rule);
        if (d.Because is not null)
        {
            w.Raw(",\"because\":"u8);
            w.String(d.Because);
        }

        w.Raw(",\"stage\":"u8);
        w.String(d.Stage.Name());
        w.Raw(",\"account\":"u8);
        w.String(d.Account?.Id);
        w.Raw(",\"segment\":"u8);
        w.String(d.Segment);
        w.Raw(",\"score\":"u8);
        w.Number(d.Score);
        w.Raw(",\"fit\":"u8);
        w.Number(d.Fit);
        w.Raw(",\"engagement\":"u8);
        WriteRounded(w, d.Engagement);
        w.Raw(",\"previous_owner\":"u8);
        w.String(d.OwnerBefore.Name);
        w.Raw(",\"owner_set_at\":"u8);
        w.TimeOrNull(d.OwnerSetAt);
        w.Raw(",\"stage_entered_at\":"u8);
        w.TimeOrNull(d.StageEnteredAt);
        if (d.RecycleReason is not null)
        {
            w.Raw(",\"recycle_reason\":"u8);
            w.String(d.RecycleReason);
        }

        if (d.RecycleRule is not null)
        {
            w.Raw(",\"recycle_rule\":"u8);
            w.String(d.RecycleRule);
        }

        if (d.RecheckAt is { } recheckAt)
        {
            w.Raw(",\"recheck_at\":"u8);
            w.Time(recheckAt);
        }

        w.Raw(",\"actions\":["u8);
        var first = true;
        foreach (var a in d.Actions)
        {
            if (!first)
            {
                w.Raw(","u8);
            }

            first = false;
            WriteAction(w, a);
        }

        w.Raw("],\"why\":"u8);
        WriteWhy(w, d.Why);
        w.Raw("}"u8);
    }

    private static void WriteAction(JsonLineBuffer w, DecisionAction a)
    {
        switch (a.Type)
        {
            case ActionType.Set:
                w.Raw("{\"type\":\"set\",\"field\":"u8);
                w.String(a.Field);
                w.Raw(",\"value\":"u8);
                WriteValue(w, a.Value);
                break;
            case ActionType.Assign:
                w.Raw("{\"type\":\"assign\",\"owner\":"u8);
                w.String(a.Owner);
                break;
            default:
                w.Raw("{\"type\":\"task\",\"owner\":"u8);
                w.String(a.Owner);
                w.Raw(",\"subject\":"u8);
                w.String(a.Subject);
                w.Raw(",\"due\":"u8);
                w.TimeOrNull(a.Due);
                break;
        }

        w.Raw(",\"rule\":"u8);
        w.String(a.Rule);
        w.Raw("}"u8);
    }

    private static void WriteWhy(JsonLineBuffer w, Explanation why)
    {
        w.Raw("{\"trigger\":"u8);
        w.String(why.Trigger);
        if (why.MatchedBy is not null)
        {
            w.Raw(",\"matched_by\":"u8);
            w.String(why.MatchedBy);
            w.Raw(",\"match\":"u8);
            w.String(why.MatchDetail);
        }

        w.Raw(",\"rules\":["u8);
        for (var i = 0; i < why.Rules.Count; i++)
        {
            var r = why.Rules[i];
            w.Raw(i == 0 ? "{\"rule\":"u8 : ",{\"rule\":"u8);
            w.String(r.Rule.Id);
            w.Raw(r.Applied ? ",\"applied\":true"u8 : ",\"applied\":false"u8);
            if (r.Because is { } because)
            {
                w.Raw(",\"because\":"u8);
                w.String(because);
            }

            w.Raw("}"u8);
        }

        w.Raw("],\"excluded\":["u8);
        for (var i = 0; i < why.Excluded.Count; i++)
        {
            var e = why.Excluded[i];
            w.Raw(i == 0 ? "{\"member\":"u8 : ",{\"member\":"u8);
            w.String(e.Member.Id);
            w.Raw(",\"because\":"u8);
            w.String(e.Reason.Name());
            w.Raw(",\"rule\":"u8);
            w.String(e.Rule);
            w.Raw("}"u8);
        }

        w.Raw("],\"score\":["u8);
        for (var i = 0; i < why.Score.Count; i++)
        {
            var s = why.Score[i];
            w.Raw(i == 0 ? "{\"rule\":"u8 : ",{\"rule\":"u8);
            w.String(s.Rule.Id);
            w.Raw(s.IsFit ? ",\"kind\":\"fit\",\"points\":"u8 : ",\"kind\":\"engagement\",\"points\":"u8);
            WriteRounded(w, s.Points);
            w.Raw("}"u8);
        }

        w.Raw("]"u8);
        if (why.Sla.Count > 0)
        {
            w.Raw(",\"sla\":["u8);
            for (var i = 0; i < why.Sla.Count; i++)
            {
                var s = why.Sla[i];
                w.Raw(i == 0 ? "{\"sla\":"u8 : ",{\"sla\":"u8);
                w.String(s.Sla.Id);
                w.Raw(",\"state\":"u8);
                w.String(SlaStateName(s.State));
                w.Raw(",\"deadline\":"u8);
                w.TimeOrNull(s.Deadline);
                w.Raw("}"u8);
            }

            w.Raw("]"u8);
        }

        if (why.Notes.Count > 0)
        {
            w.Raw(",\"notes\":["u8);
            for (var i = 0; i < why.Notes.Count; i++)
            {
                if (i > 0)
                {
                    w.Raw(","u8);
                }

                w.String(why.Notes[i]);
            }

            w.Raw("]"u8);
        }

        w.Raw("}"u8);
    }

    public static string SlaStateName(SlaState s) => s switch
    {
        SlaState.Met => "met",
        SlaState.Pending => "pending",
        SlaState.Breached => "breached",
        SlaState.NoClock => "no_clock",
        _ => "already_handled",
    };

    private static void WriteValue(JsonLineBuffer w, Value v)
    {
        switch (v.Kind)
        {
            case ValueKind.String:
                w.String(v.AsString);
                break;
            case ValueKind.Number:
                w.Number(v.AsNumber);
                break;
            case ValueKind.Bool:
                w.Bool(v.AsBool);
                break;
            case ValueKind.Time:
                w.Time(v.AsTime);
                break;
            case ValueKind.List:
                w.Raw("["u8);
                var first = true;
                foreach (var item in v.AsList)
                {
                    if (!first)
                    {
                        w.Raw(","u8);
                    }

                    first = false;
                    w.String(item);
                }

                w.Raw("]"u8);
                break;
            default:
                w.Null();
                break;
        }
    }

    /// <summary>A decision as one line of text (for tests, small outputs and the worker's decision log).</summary>
    public static string ToJson(Decision d, DecisionLogContext? context = null)
    {
        var line = new JsonLineBuffer(1 << 12);
        Write(line, d, context);
        return System.Text.Encoding.UTF8.GetString(line.WrittenSpan);
    }
}

/// <summary>
/// What the live decision log adds to a decision: the CRM (<c>salesforce</c> or <c>hubspot</c>), the event kind that
/// caused the evaluation, and the person as read before it (stage and when it was entered, touches, last touch,
/// creation). The report derives stage entries, time in stage and time to first touch from these.
/// </summary>
public sealed record DecisionLogContext(
    string Crm,
    string? Event,
    Stage StageBefore,
    DateTimeOffset? StageEnteredAtBefore,
    double Touches,
    DateTimeOffset? LastTouchAt,
    DateTimeOffset? CreatedAt);
