using System.Globalization;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Diff;

/// <summary>Renders a routing diff: markdown for a pull request, JSON for machines.</summary>
public static class DiffReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Markdown(DiffResult r, IReadOnlyList<MovedPerson> moved, int limit)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Routing diff");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Base `{r.Base.Version}`, head `{r.Head.Version}`; {r.Persons:N0} persons evaluated at {Timestamps.Format(r.At)}.");
        sb.AppendLine();
        sb.AppendLine(Inv, $"**{r.Moved:N0} persons change owner** ({Percent(r.Moved, r.Persons)}); {r.RuleOnly:N0} keep their owner under another rule.");
        if (r.RejectCount > 0)
        {
            sb.AppendLine();
            sb.AppendLine(Inv, $"{r.RejectCount:N0} input lines could not be read and were skipped.");
        }

        if (moved.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| person | owner (base → head) | rule (base → head) |");
            sb.AppendLine("| --- | --- | --- |");
            foreach (var m in moved.Take(limit))
            {
                sb.AppendLine(Inv, $"| {Cell(m.Person)} | {Cell(m.BaseOwner)} → {Cell(m.HeadOwner)} | {Cell(m.BaseRule)} → {Cell(m.HeadRule)} |");
            }

            var more = r.Moved + r.RuleOnly - Math.Min(limit, moved.Count);
            if (more > 0)
            {
                sb.AppendLine();
                sb.AppendLine(Inv, $"… and {more:N0} more (`--json` lists every one).");
            }
        }

        sb.AppendLine();
        sb.AppendLine("### Owners");
        sb.AppendLine();
        sb.AppendLine("| owner | base | head | change |");
        sb.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var owner in r.Base.ByOwner.Keys.Union(r.Head.ByOwner.Keys).Order(StringComparer.Ordinal))
        {
            var b = r.Base.ByOwner.GetValueOrDefault(owner);
            var h = r.Head.ByOwner.GetValueOrDefault(owner);
            sb.AppendLine(Inv, $"| {Cell(owner)} | {b:N0} | {h:N0} | {Signed(h - b)} |");
        }

        sb.AppendLine();
        sb.AppendLine("### Teams");
        sb.AppendLine();
        sb.AppendLine("| team | base | head | change |");
        sb.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var team in r.Base.ByTeam.Keys.Union(r.Head.ByTeam.Keys).Order(StringComparer.Ordinal))
        {
            var b = r.Base.ByTeam.GetValueOrDefault(team);
            var h = r.Head.ByTeam.GetValueOrDefault(team);
            sb.AppendLine(Inv, $"| {Cell(team)} | {b:N0} | {h:N0} | {Signed(h - b)} |");
        }

        sb.AppendLine();
        sb.AppendLine("### Queues and fallback");
        sb.AppendLine();
        sb.AppendLine("| | base | head |");
        sb.AppendLine("| --- | ---: | ---: |");
        sb.AppendLine(Inv, $"| ends in a queue | {Percent(r.Base.ToQueue, r.Persons)} | {Percent(r.Head.ToQueue, r.Persons)} |");
        sb.AppendLine(Inv, $"| decided by a catch-all rule | {Percent(r.Base.ByCatchAll, r.Persons)} | {Percent(r.Head.ByCatchAll, r.Persons)} |");

        if (r.RotatingTeams.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### Fairness of rotating teams");
            sb.AppendLine();
            sb.AppendLine("Jain's index over each active member's assignments divided by its weight: 1.00 when every member got its share.");
            sb.AppendLine();
            sb.AppendLine("| team | base | head |");
            sb.AppendLine("| --- | ---: | ---: |");
            foreach (var team in r.RotatingTeams)
            {
                sb.AppendLine(Inv, $"| {Cell(team)} | {Index(r.Base.Fairness(team))} | {Index(r.Head.Fairness(team))} |");
            }
        }

        return sb.ToString();
    }

    public static void WriteJsonHeader(Utf8JsonWriter w, string baseVersion, string headVersion, DateTimeOffset at)
    {
        w.WriteStartObject();
        w.WriteString("base", baseVersion);
        w.WriteString("head", headVersion);
        w.WriteString("at", Timestamps.Format(at));
        w.WriteStartArray("changes");
    }

    public static void WriteJsonMoved(Utf8JsonWriter w, MovedPerson m)
    {
        w.WriteStartObject();
        w.WriteString("person", m.Person);
        w.WriteNumber("line", m.Line);
        Nullable(w, "base_owner", m.BaseOwner);
        Nullable(w, "head_owner", m.HeadOwner);
        Nullable(w, "base_rule", m.BaseRule);
        Nullable(w, "head_rule", m.HeadRule);
        w.WriteBoolean("owner_changed", m.OwnerChanged);
        w.WriteEndObject();
    }

    public static void WriteJsonSummary(Utf8JsonWriter w, DiffResult r)
    {
        w.WriteEndArray();
        w.WriteNumber("persons", r.Persons);
        w.WriteNumber("moved", r.Moved);
        w.WriteNumber("rule_only", r.RuleOnly);
        w.WriteNumber("rejected", r.RejectCount);
        foreach (var (name, side) in new[] { ("base_totals", r.Base), ("head_totals", r.Head) })
        {
            w.WriteStartObject(name);
            Map(w, "owners", side.ByOwner);
            Map(w, "teams", side.ByTeam);
            Map(w, "rules", side.ByRule);
            w.WriteNumber("assigned", side.Assigned);
            w.WriteNumber("queue_rate", r.Persons == 0 ? 0 : Math.Round((double)side.ToQueue / r.Persons, 4));
            w.WriteNumber("fallback_rate", r.Persons == 0 ? 0 : Math.Round((double)side.ByCatchAll / r.Persons, 4));
            w.WriteStartObject("fairness");
            foreach (var team in r.RotatingTeams)
            {
                if (side.Fairness(team) is { } f)
                {
                    w.WriteNumber(team, Math.Round(f, 4));
                }
                else
                {
                    w.WriteNull(team);
                }
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Map(Utf8JsonWriter w, string name, SortedDictionary<string, long> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
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

    private static string Cell(string? s) => s is null ? "—" : s.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Signed(long n) => n == 0 ? "0" : n.ToString("+#,0;-#,0", Inv);

    private static string Percent(long n, long total) =>
        total == 0 ? "—" : (100.0 * n / total).ToString("0.0", Inv) + "%";

    private static string Index(double? f) => f is { } v ? v.ToString("0.000", Inv) : "—";
}
