using System.Text.RegularExpressions;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>A Prometheus series the worker declares: its name, kind (counter, gauge, histogram, summary) and label names.</summary>
internal sealed record DeclaredMetric(string Name, string Kind, IReadOnlySet<string> Labels, string Source);

/// <summary>
/// The series declared in the worker's source: every <c>CreateCounter/Gauge/Histogram/Summary("name", ...)</c> call under
/// src/TheModel.Sync.Worker, read from the text (names, then labels: the quoted strings after the help text, or a
/// configuration's <c>LabelNames</c>).
/// </summary>
internal static partial class MetricCatalog
{
    public const string Folder = "src/TheModel.Sync.Worker";

    /// <summary>
    /// The funnel series another change is adding to the worker right now (issue 5), with their labels. While none of
    /// them is in the source the dashboard may use them; once any one is, they must all be there as listed.
    /// </summary>
    public static readonly IReadOnlyList<DeclaredMetric> FunnelSeries =
    [
        new("themodel_stage_entries_total", "counter", Set("crm", "stage", "team"), "issue 5"),
        new("themodel_stage_transitions_total", "counter", Set("crm", "from", "to", "team"), "issue 5"),
        new("themodel_time_in_stage_seconds", "histogram", Set("stage", "team"), "issue 5"),
        new("themodel_sla_total", "counter", Set("sla", "team", "result"), "issue 5"),
        new("themodel_recycles_total", "counter", Set("reason"), "issue 5"),
        new("themodel_owner_open", "gauge", Set("team", "member"), "issue 5"),
        new("themodel_owner_capacity", "gauge", Set("team", "member"), "issue 5"),
    ];

    public static IReadOnlyDictionary<string, DeclaredMetric> Declared()
    {
        var metrics = new Dictionary<string, DeclaredMetric>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(DeployFiles.PathOf(Folder), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(DeployFiles.Root, file);
            foreach (Match call in CreateCall().Matches(File.ReadAllText(file)))
            {
                var name = call.Groups["name"].Value;
                var rest = call.Groups["rest"].Value;
                var labelText = LabelNamesList().Match(rest) is { Success: true } list ? list.Groups[1].Value : SkipFirstString(rest);
                var labels = Quoted().Matches(labelText).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
                metrics[name] = new DeclaredMetric(name, call.Groups["kind"].Value.ToLowerInvariant(), labels, relative);
            }
        }

        return metrics;
    }

    /// <summary>The declared series, plus the funnel series while none of them has landed in the source.</summary>
    public static IReadOnlyDictionary<string, DeclaredMetric> Usable()
    {
        var declared = Declared();
        var landed = FunnelSeries.Where(f => declared.ContainsKey(f.Name)).ToList();
        if (landed.Count == 0)
        {
            return declared.Concat(FunnelSeries.Select(f => KeyValuePair.Create(f.Name, f))).ToDictionary(StringComparer.Ordinal);
        }

        return declared;
    }

    private static string SkipFirstString(string text)
    {
        var first = Quoted().Match(text);
        return first.Success ? text[(first.Index + first.Length)..] : text;
    }

    private static HashSet<string> Set(params string[] labels) => labels.ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"Create(?<kind>Counter|Gauge|Histogram|Summary)\(\s*""(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)""(?<rest>.*?)\);", RegexOptions.Singleline)]
    private static partial Regex CreateCall();

    [GeneratedRegex(@"LabelNames\s*=\s*(?:new\s*(?:string)?\s*\[\s*\]\s*)?[\[{](.*?)[\]}]", RegexOptions.Singleline)]
    private static partial Regex LabelNamesList();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Quoted();
}
