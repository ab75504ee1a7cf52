using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// One decision log line in plain words, for <c>explain --person CRM:ID</c>. It reads the JSON (section 13's record
/// plus the log's fields) rather than a <c>Decision</c>: the config that made it may no longer be the one loaded.
/// </summary>
internal static class LiveExplainText
{
    public static string Render(JsonElement d)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{Str(d, "at") ?? "(no time)"}  {Str(d, "event") ?? "(unknown event)"}  config {Str(d, "config") ?? "?"}");

        var before = Str(d, "stage_before");
        var after = Str(d, "stage") ?? "?";
        var stageLine = before is null || before == after ? $"  Stage: {after}" : $"  Stage: {before} -> {after}";
        var since = Str(d, "stage_entered_at_before");
        var created = Str(d, "created_at");
        var context = new List<string>();
        if (since is not null)
        {
            context.Add($"in {before ?? after} since {since}");
        }

        if (created is not null)
        {
            context.Add($"created {created}");
        }

        if (d.TryGetProperty("touches", out var touches) && touches.ValueKind == JsonValueKind.Number)
        {
            context.Add($"{touches.GetRawText()} touch{(touches.GetRawText() == "1" ? string.Empty : "es")}" + (Str(d, "last_touch_at") is { } last ? $", last {last}" : string.Empty));
        }

        sb.AppendLine(context.Count == 0 ? stageLine : $"{stageLine} ({string.Join("; ", context)})");

        var owner = Str(d, "owner");
        var team = Str(d, "team") is { } t ? $" (team {t})" : string.Empty;
        var rule = Str(d, "rule");
        sb.AppendLine(Str(d, "outcome") == "assigned"
            ? $"  Outcome: assigned to {owner ?? "no owner"}{team} by rule {rule ?? "?"}" + (Str(d, "previous_owner") is { } prev && prev != owner ? $", from {prev}" : string.Empty)
            : $"  Outcome: kept with {owner ?? "no owner"}{team}{(rule is null ? string.Empty : $" by rule {rule}")}{(Str(d, "because") is { } because ? $" ({because})" : string.Empty)}");

        var why = d.TryGetProperty("why", out var w) && w.ValueKind == JsonValueKind.Object ? w : default;
        if (why.ValueKind == JsonValueKind.Object)
        {
            RenderRouting(sb, why);
        }

        RenderScore(sb, d, why);
        if (why.ValueKind == JsonValueKind.Object && why.TryGetProperty("sla", out var slas) && slas.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in slas.EnumerateArray())
            {
                var state = (Str(s, "state") ?? "?").Replace('_', ' ');
                sb.AppendLine(Str(s, "deadline") is { } deadline
                    ? $"  SLA {Str(s, "sla")}: {state} (deadline {deadline})"
                    : $"  SLA {Str(s, "sla")}: {state}");
            }
        }

        if (Str(d, "recycle_reason") is { } reason)
        {
            sb.AppendLine(inv, $"  Recycled: reason {reason}{(Str(d, "recycle_rule") is { } rr ? $" (rule {rr})" : string.Empty)}");
        }

        if (Str(d, "recheck_at") is { } recheck)
        {
            sb.AppendLine(inv, $"  Recheck at {recheck}");
        }

        RenderActions(sb, d);
        if (why.ValueKind == JsonValueKind.Object && why.TryGetProperty("notes", out var notes) && notes.ValueKind == JsonValueKind.Array)
        {
            foreach (var note in notes.EnumerateArray())
            {
                sb.AppendLine(inv, $"  Note: {note.GetString()}");
            }
        }

        return sb.ToString();
    }

    private static void RenderRouting(StringBuilder sb, JsonElement why)
    {
        var trigger = Str(why, "trigger");
        sb.AppendLine(trigger is null ? "  Routing did not run: nothing asked to move the person." : $"  Routing ran because {trigger}.");
        if (Str(why, "matched_by") is { } by)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  Account matched by {by}{(Str(why, "match") is { } m ? $" ({m})" : string.Empty)}");
        }

        if (why.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in rules.EnumerateArray())
            {
                var applied = r.TryGetProperty("applied", out var a) && a.ValueKind == JsonValueKind.True;
                var because = Str(r, "because");
                sb.AppendLine(applied
                    ? $"    {Str(r, "rule")}: applied{(because is null ? string.Empty : $" ({because})")}"
                    : $"    {Str(r, "rule")}: did not apply: {because ?? "no reason recorded"}");
            }
        }

        if (why.TryGetProperty("excluded", out var excluded) && excluded.ValueKind == JsonValueKind.Array && excluded.GetArrayLength() > 0)
        {
            sb.AppendLine("  Excluded members:");
            foreach (var e in excluded.EnumerateArray())
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {Str(e, "member")}: {ExclusionText(Str(e, "because"))} [rule {Str(e, "rule")}]");
            }
        }
    }

    private static void RenderScore(StringBuilder sb, JsonElement d, JsonElement why)
    {
        var segment = Str(d, "segment") is { } s ? $", segment {s}" : string.Empty;
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Score: {Num(d, "score")} = fit {Num(d, "fit")} + engagement {Num(d, "engagement")}{segment}");
        if (why.ValueKind == JsonValueKind.Object && why.TryGetProperty("score", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in parts.EnumerateArray())
            {
                var points = Num(p, "points");
                var sign = points.StartsWith('-') ? string.Empty : "+";
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {Str(p, "kind"),-10} {Str(p, "rule"),-20} {sign}{points}");
            }
        }
    }

    private static void RenderActions(StringBuilder sb, JsonElement d)
    {
        if (!d.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
        {
            sb.AppendLine("  Actions: none");
            return;
        }

        sb.AppendLine("  Actions:");
        foreach (var a in actions.EnumerateArray())
        {
            var rule = Str(a, "rule");
            sb.AppendLine(Str(a, "type") switch
            {
                "set" => $"    set {Str(a, "field")} = {ValueText(a)} [{rule}]",
                "assign" => $"    assign to {Str(a, "owner")} [{rule}]",
                _ => $"    task for {Str(a, "owner")}: \"{Str(a, "subject")}\"{(Str(a, "due") is { } due ? $", due {due}" : string.Empty)} [{rule}]",
            });
        }
    }

    private static string ValueText(JsonElement action)
    {
        if (!action.TryGetProperty("value", out var v))
        {
            return "(cleared)";
        }

        return v.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => "(cleared)",
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Array => "[" + string.Join(", ", v.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText())) + "]",
            _ => v.GetRawText(),
        };
    }

    private static string ExclusionText(string? reason) => reason switch
    {
        "inactive" => "not active",
        "away" => "away",
        "at_capacity" => "at capacity (max_open reached)",
        "off_hours" => "outside working hours",
        "previous_owner" => "a previous owner, excluded",
        _ => reason ?? "no reason recorded",
    };

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : "?";
}
