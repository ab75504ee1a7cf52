using System.Text.Json;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Output;

/// <summary>
/// The oracle: decisions written through <see cref="Utf8JsonWriter"/> with <see cref="DecisionJson.WriterOptions"/>, as
/// <see cref="DecisionJson"/> wrote them before it wrote them by hand. Its bytes are the format the files promise.
/// </summary>
internal static class WriterDecisionJson
{
    public static string ToJson(Decision d, DecisionLogContext? context = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, DecisionJson.WriterOptions))
        {
            Write(w, d, context);
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    // Names encoded once: every decision writes them, and a million decisions is a normal run.
    private static readonly JsonEncodedText P_account = JsonEncodedText.Encode("account");
    private static readonly JsonEncodedText P_crm = JsonEncodedText.Encode("crm");
    private static readonly JsonEncodedText P_event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText P_stage_before = JsonEncodedText.Encode("stage_before");
    private static readonly JsonEncodedText P_stage_entered_at_before = JsonEncodedText.Encode("stage_entered_at_before");
    private static readonly JsonEncodedText P_touches = JsonEncodedText.Encode("touches");
    private static readonly JsonEncodedText P_last_touch_at = JsonEncodedText.Encode("last_touch_at");
    private static readonly JsonEncodedText P_created_at = JsonEncodedText.Encode("created_at");
    private static readonly JsonEncodedText P_actions = JsonEncodedText.Encode("actions");
    private static readonly JsonEncodedText P_applied = JsonEncodedText.Encode("applied");
    private static readonly JsonEncodedText P_at = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText P_because = JsonEncodedText.Encode("because");
    private static readonly JsonEncodedText P_config = JsonEncodedText.Encode("config");
    private static readonly JsonEncodedText P_deadline = JsonEncodedText.Encode("deadline");
    private static readonly JsonEncodedText P_due = JsonEncodedText.Encode("due");
    private static readonly JsonEncodedText P_engagement = JsonEncodedText.Encode("engagement");
    private static readonly JsonEncodedText P_excluded = JsonEncodedText.Encode("excluded");
    private static readonly JsonEncodedText P_field = JsonEncodedText.Encode("field");
    private static readonly JsonEncodedText P_fit = JsonEncodedText.Encode("fit");
    private static readonly JsonEncodedText P_kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText P_match = JsonEncodedText.Encode("match");
    private static readonly JsonEncodedText P_matched_by = JsonEncodedText.Encode("matched_by");
    private static readonly JsonEncodedText P_member = JsonEncodedText.Encode("member");
    private static readonly JsonEncodedText P_notes = JsonEncodedText.Encode("notes");
    private static readonly JsonEncodedText P_outcome = JsonEncodedText.Encode("outcome");
    private static readonly JsonEncodedText P_owner = JsonEncodedText.Encode("owner");
    private static readonly JsonEncodedText P_owner_set_at = JsonEncodedText.Encode("owner_set_at");
    private static readonly JsonEncodedText P_person = JsonEncodedText.Encode("person");
    private static readonly JsonEncodedText P_points = JsonEncodedText.Encode("points");
    private static readonly JsonEncodedText P_previous_owner = JsonEncodedText.Encode("previous_owner");
    private static readonly JsonEncodedText P_recheck_at = JsonEncodedText.Encode("recheck_at");
    private static readonly JsonEncodedText P_recycle_reason = JsonEncodedText.Encode("recycle_reason");
    private static readonly JsonEncodedText P_recycle_rule = JsonEncodedText.Encode("recycle_rule");
    private static readonly JsonEncodedText P_rule = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText P_rules = JsonEncodedText.Encode("rules");
    private static readonly JsonEncodedText P_score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText P_segment = JsonEncodedText.Encode("segment");
    private static readonly JsonEncodedText P_sla = JsonEncodedText.Encode("sla");
    private static readonly JsonEncodedText P_stage = JsonEncodedText.Encode("stage");
    private static readonly JsonEncodedText P_stage_entered_at = JsonEncodedText.Encode("stage_entered_at");
    private static readonly JsonEncodedText P_state = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText P_subject = JsonEncodedText.Encode("subject");
    private static readonly JsonEncodedText P_team = JsonEncodedText.Encode("team");
    private static readonly JsonEncodedText P_trigger = JsonEncodedText.Encode("trigger");
    private static readonly JsonEncodedText P_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText P_value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText P_why = JsonEncodedText.Encode("why");
    private static readonly JsonEncodedText V_assign = JsonEncodedText.Encode("assign");
    private static readonly JsonEncodedText V_assigned = JsonEncodedText.Encode("assigned");
    private static readonly JsonEncodedText V_engagement = JsonEncodedText.Encode("engagement");
    private static readonly JsonEncodedText V_fit = JsonEncodedText.Encode("fit");
    private static readonly JsonEncodedText V_kept = JsonEncodedText.Encode("kept");
    private static readonly JsonEncodedText V_set = JsonEncodedText.Encode("set");
    private static readonly JsonEncodedText V_task = JsonEncodedText.Encode("task");

    public static void Write(Utf8JsonWriter w, Decision d, DecisionLogContext? context)
    {
        w.WriteStartObject();
        w.WriteString(P_person, d.PersonId);
        if (context is not null)
        {
            w.WriteString(P_crm, context.Crm);
            WriteNullable(w, P_event, context.Event);
            w.WriteString(P_stage_before, context.StageBefore.Name());
            WriteTime(w, P_stage_entered_at_before, context.StageEnteredAtBefore);
            w.WriteNumber(P_touches, context.Touches);
            WriteTime(w, P_last_touch_at, context.LastTouchAt);
            WriteTime(w, P_created_at, context.CreatedAt);
        }

        WriteTime(w, P_at, d.At);
        w.WriteString(P_config, d.ConfigVersion);
        w.WriteString(P_outcome, d.Outcome == DecisionOutcome.Assigned ? V_assigned : V_kept);
        WriteNullable(w, P_owner, d.Owner.Name);
        WriteNullable(w, P_team, d.Team?.Id);
        WriteNullable(w, P_rule, d.Rule);
        if (d.Because is not null)
        {
            w.WriteString(P_because, d.Because);
        }

        w.WriteString(P_stage, d.Stage.Name());
        WriteNullable(w, P_account, d.Account?.Id);
        WriteNullable(w, P_segment, d.Segment);
        w.WriteNumber(P_score, d.Score);
        w.WriteNumber(P_fit, d.Fit);
        w.WriteNumber(P_engagement, DecisionJson.RoundEngagement(d.Engagement));
        WriteNullable(w, P_previous_owner, d.OwnerBefore.Name);
        WriteTime(w, P_owner_set_at, d.OwnerSetAt);
        WriteTime(w, P_stage_entered_at, d.StageEnteredAt);
        if (d.RecycleReason is not null)
        {
            w.WriteString(P_recycle_reason, d.RecycleReason);
        }

        if (d.RecycleRule is not null)
        {
            w.WriteString(P_recycle_rule, d.RecycleRule);
        }

        if (d.RecheckAt is not null)
        {
            WriteTime(w, P_recheck_at, d.RecheckAt);
        }

        w.WriteStartArray(P_actions);
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
                w.WriteString(P_type, V_set);
                w.WriteString(P_field, a.Field);
                w.WritePropertyName(P_value);
                WriteValue(w, a.Value);
                break;
            case ActionType.Assign:
                w.WriteString(P_type, V_assign);
                w.WriteString(P_owner, a.Owner);
                break;
            default:
                w.WriteString(P_type, V_task);
                w.WriteString(P_owner, a.Owner);
                w.WriteString(P_subject, a.Subject);
                WriteTime(w, P_due, a.Due);
                break;
        }

        w.WriteString(P_rule, a.Rule);
        w.WriteEndObject();
    }

    private static void WriteWhy(Utf8JsonWriter w, Explanation why)
    {
        w.WriteStartObject(P_why);
        WriteNullable(w, P_trigger, why.Trigger);
        if (why.MatchedBy is not null)
        {
            w.WriteString(P_matched_by, why.MatchedBy);
            WriteNullable(w, P_match, why.MatchDetail);
        }

        w.WriteStartArray(P_rules);
        foreach (var r in why.Rules)
        {
            w.WriteStartObject();
            w.WriteString(P_rule, r.Rule.Id);
            w.WriteBoolean(P_applied, r.Applied);
            if (r.Because is { } because)
            {
                w.WriteString(P_because, because);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray(P_excluded);
        foreach (var e in why.Excluded)
        {
            w.WriteStartObject();
            w.WriteString(P_member, e.Member.Id);
            w.WriteString(P_because, e.Reason.Name());
            w.WriteString(P_rule, e.Rule);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray(P_score);
        foreach (var s in why.Score)
        {
            w.WriteStartObject();
            w.WriteString(P_rule, s.Rule.Id);
            w.WriteString(P_kind, s.IsFit ? V_fit : V_engagement);
            w.WriteNumber(P_points, DecisionJson.RoundEngagement(s.Points));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (why.Sla.Count > 0)
        {
            w.WriteStartArray(P_sla);
            foreach (var s in why.Sla)
            {
                w.WriteStartObject();
                w.WriteString(P_sla, s.Sla.Id);
                w.WriteString(P_state, DecisionJson.SlaStateName(s.State));
                WriteTime(w, P_deadline, s.Deadline);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (why.Notes.Count > 0)
        {
            w.WriteStartArray(P_notes);
            foreach (var n in why.Notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

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
                Span<char> buffer = stackalloc char[32];
                w.WriteStringValue(buffer[..Timestamps.Format(v.AsTime, buffer)]);
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

    private static void WriteNullable(Utf8JsonWriter w, JsonEncodedText name, string? value)
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

    private static void WriteTime(Utf8JsonWriter w, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is { } t)
        {
            Span<char> buffer = stackalloc char[32];
            w.WriteString(name, buffer[..Timestamps.Format(t, buffer)]);
        }
        else
        {
            w.WriteNull(name);
        }
    }

}
