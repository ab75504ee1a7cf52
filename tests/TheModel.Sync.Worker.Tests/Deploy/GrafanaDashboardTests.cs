using System.Text.Json;
using System.Text.RegularExpressions;
using TheModel.Sync.Worker.Operations;
using static TheModel.Sync.Worker.Tests.Deploy.DeployFiles;

namespace TheModel.Sync.Worker.Tests.Deploy;

public sealed partial class GrafanaDashboardTests
{
    private static readonly JsonElement Board = JsonDocument.Parse(Read(Dashboard)).RootElement;

    [Fact]
    public void Dashboard_PrometheusDatasourceIsATemplateVariable_UsedByEveryPanelAndQuery()
    {
        var variables = Board.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = variables.SingleOrDefault(v => v.GetProperty("type").GetString() == "datasource");
        Assert.True(datasource.ValueKind == JsonValueKind.Object, $"{Dashboard}: no datasource template variable");
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        var reference = "${" + datasource.GetProperty("name").GetString() + "}";

        foreach (var panel in Panels().Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.True(panel.GetProperty("datasource").GetProperty("uid").GetString() == reference, $"{Dashboard}: panel '{Title(panel)}' does not use the {reference} datasource");
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.True(target.GetProperty("datasource").GetProperty("uid").GetString() == reference, $"{Dashboard}: a query of panel '{Title(panel)}' does not use the {reference} datasource");
            }
        }
    }

    [Fact]
    public void Panels_UniqueIdsTitlesAndPlacesInTheGrid()
    {
        var panels = Panels();
        var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.True(ids.Distinct().Count() == ids.Count, $"{Dashboard}: panel ids repeat: {string.Join(", ", ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
        foreach (var panel in panels)
        {
            Assert.False(string.IsNullOrWhiteSpace(Title(panel)), $"{Dashboard}: panel {panel.GetProperty("id").GetInt32()} has no title");
            var grid = panel.GetProperty("gridPos");
            var x = grid.GetProperty("x").GetInt32();
            var w = grid.GetProperty("w").GetInt32();
            Assert.True(x >= 0 && w > 0 && x + w <= 24, $"{Dashboard}: panel '{Title(panel)}' spans columns {x}..{x + w}, outside Grafana's 24");
            if (panel.GetProperty("type").GetString() != "row")
            {
                Assert.True(panel.GetProperty("targets").GetArrayLength() > 0, $"{Dashboard}: panel '{Title(panel)}' has no query");
            }
        }
    }

    [Fact]
    public void Queries_EveryMetricIsOneTheWorkerDeclares_WithItsKindsSuffixes()
    {
        var usable = MetricCatalog.Usable();
        foreach (var (where, expr) in Expressions())
        {
            foreach (Match m in MetricName().Matches(expr))
            {
                var problem = MetricProblem(m.Value, usable);
                Assert.True(problem is null, $"{Dashboard}: {where}: {problem} (in: {expr})");
            }
        }
    }

    [Fact]
    public void Queries_EveryLabelIsOneTheMetricCarries()
    {
        var usable = MetricCatalog.Usable();
        foreach (var (where, expr) in Expressions())
        {
            var used = MetricName().Matches(expr).Select(m => Resolve(m.Value, usable)).OfType<(DeclaredMetric Metric, string Suffix)>().ToList();
            var all = used.SelectMany(u => u.Metric.Labels).ToHashSet(StringComparer.Ordinal);
            if (used.Any(u => u.Suffix == "_bucket"))
            {
                all.Add("le");
            }

            foreach (Match selector in Selector().Matches(expr))
            {
                if (Resolve(selector.Groups["metric"].Value, usable) is not var (metric, _))
                {
                    continue;
                }

                foreach (Match matcher in Matcher().Matches(selector.Groups["matchers"].Value))
                {
                    var label = matcher.Groups[1].Value;
                    Assert.True(metric.Labels.Contains(label), $"{Dashboard}: {where}: {metric.Name} has no label '{label}' (its labels: {string.Join(", ", metric.Labels)}; {metric.Source})");
                }
            }

            foreach (Match grouping in Grouping().Matches(expr))
            {
                foreach (var label in grouping.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(all.Contains(label), $"{Dashboard}: {where}: groups by '{label}', a label none of [{string.Join(", ", used.Select(u => u.Metric.Name).Distinct())}] carries");
                }
            }
        }

        foreach (var panel in Panels().Where(p => p.TryGetProperty("targets", out _)))
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                if (!target.TryGetProperty("legendFormat", out var legend))
                {
                    continue;
                }

                var expr = target.GetProperty("expr").GetString()!;
                var labels = MetricName().Matches(expr).Select(m => Resolve(m.Value, usable)).OfType<(DeclaredMetric Metric, string Suffix)>().SelectMany(u => u.Metric.Labels).ToHashSet(StringComparer.Ordinal);
                foreach (Match placeholder in LegendLabel().Matches(legend.GetString()!))
                {
                    Assert.True(labels.Contains(placeholder.Groups[1].Value), $"{Dashboard}: panel '{Title(panel)}' legend names {{{{{placeholder.Groups[1].Value}}}}}, a label its query does not carry");
                }
            }
        }
    }

    [Fact]
    public void Dashboard_CoversFunnelSlaRoutingQueueBudgetErrorsLatencyAndConfig()
    {
        var used = Expressions().SelectMany(e => MetricName().Matches(e.Expr).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        string[] required =
        [
            "themodel_stage_entries_total", "themodel_stage_transitions_total", "themodel_time_in_stage_seconds_bucket",
            "themodel_sla_total", "themodel_recycles_total", "themodel_owner_open", "themodel_owner_capacity",
            "themodel_decisions_total", "themodel_queue_depth", "themodel_queue_lag_seconds", "themodel_dead_letters",
            "themodel_crm_api_budget_remaining", "themodel_crm_api_paused", "themodel_webhook_rejected_total",
            "themodel_event_to_write_seconds_bucket", "themodel_config_reloads_total", "themodel_config_degraded",
        ];
        var missing = required.Where(r => !used.Contains(r)).ToList();
        Assert.True(missing.Count == 0, $"{Dashboard}: no panel shows {string.Join(", ", missing)}");
    }

    [Fact]
    public void MetricCatalog_ReadsTheSameNamesKindsAndLabelsAsTheWorkerRegisters()
    {
        var declared = MetricCatalog.Declared();
        var metrics = new WorkerMetrics();
        var collectors = typeof(WorkerMetrics).GetProperties()
            .Select(p => p.GetValue(metrics))
            .OfType<Prometheus.Collector>()
            .ToList();
        Assert.NotEmpty(collectors);
        foreach (var collector in collectors)
        {
            Assert.True(declared.TryGetValue(collector.Name, out var found), $"{MetricCatalog.Folder}: the source scan missed {collector.Name}");
            Assert.True(found.Labels.SetEquals(collector.LabelNames), $"{found.Source}: the source scan read labels [{string.Join(", ", found.Labels)}] for {collector.Name}, the registry has [{string.Join(", ", collector.LabelNames)}]");
            var kind = collector switch
            {
                Prometheus.Counter => "counter",
                Prometheus.Gauge => "gauge",
                Prometheus.Histogram => "histogram",
                _ => "summary",
            };
            Assert.True(found.Kind == kind, $"{found.Source}: {collector.Name} read as a {found.Kind}, registered as a {kind}");
        }
    }

    [Fact]
    public void FunnelSeries_OnceAnyHasLanded_AllAreDeclaredAsTheDashboardUsesThem()
    {
        var declared = MetricCatalog.Declared();
        if (!MetricCatalog.FunnelSeries.Any(f => declared.ContainsKey(f.Name)))
        {
            // Not landed yet: the dashboard is allowed the listed names, and the label checks use the listed labels.
            return;
        }

        foreach (var expected in MetricCatalog.FunnelSeries)
        {
            Assert.True(declared.TryGetValue(expected.Name, out var found), $"{MetricCatalog.Folder}: funnel series {expected.Name} is not declared, but {Dashboard} uses it");
            Assert.True(found.Kind == expected.Kind, $"{found.Source}: {expected.Name} is a {found.Kind}; {Dashboard} uses it as a {expected.Kind}");
            Assert.True(expected.Labels.IsSubsetOf(found.Labels), $"{found.Source}: {expected.Name} has labels [{string.Join(", ", found.Labels)}]; {Dashboard} uses [{string.Join(", ", expected.Labels)}]");
        }
    }

    /// <summary>Null when <paramref name="series"/> is a series the worker exposes; else what is wrong with it.</summary>
    private static string? MetricProblem(string series, IReadOnlyDictionary<string, DeclaredMetric> usable)
    {
        if (usable.TryGetValue(series, out var direct))
        {
            return direct.Kind is "histogram" or "summary"
                ? $"{series} is a {direct.Kind}; query {series}_bucket, _sum or _count"
                : null;
        }

        if (Resolve(series, usable) is var (metric, suffix))
        {
            return suffix == "_bucket" && metric.Kind != "histogram" ? $"{series}: {metric.Name} is a {metric.Kind}, it has no buckets" : null;
        }

        return $"{series} is not declared in {MetricCatalog.Folder} (known: {string.Join(", ", usable.Keys.Order(StringComparer.Ordinal))})";
    }

    private static (DeclaredMetric Metric, string Suffix)? Resolve(string series, IReadOnlyDictionary<string, DeclaredMetric> usable)
    {
        if (usable.TryGetValue(series, out var direct))
        {
            return (direct, string.Empty);
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && usable.TryGetValue(series[..^suffix.Length], out var metric) && metric.Kind is "histogram" or "summary")
            {
                return (metric, suffix);
            }
        }

        return null;
    }

    private static List<JsonElement> Panels()
    {
        var panels = new List<JsonElement>();
        foreach (var panel in Board.GetProperty("panels").EnumerateArray())
        {
            panels.Add(panel);
            if (panel.TryGetProperty("panels", out var nested))
            {
                panels.AddRange(nested.EnumerateArray());
            }
        }

        return panels;
    }

    /// <summary>Every PromQL expression: panel queries and template variable queries, each with where it is.</summary>
    private static List<(string Where, string Expr)> Expressions()
    {
        var expressions = new List<(string, string)>();
        foreach (var panel in Panels().Where(p => p.TryGetProperty("targets", out _)))
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                expressions.Add(($"panel '{Title(panel)}'", target.GetProperty("expr").GetString()!));
            }
        }

        foreach (var variable in Board.GetProperty("templating").GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var query = variable.GetProperty("query");
            var text = query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString()! : query.GetString()!;
            var labelValues = LabelValues().Match(text);

            // label_values(metric, label) is a selector of the metric and a grouping by the label.
            expressions.Add(($"variable '{variable.GetProperty("name").GetString()}'", labelValues.Success ? $"group by ({labelValues.Groups[2].Value}) ({labelValues.Groups[1].Value})" : text));
        }

        return expressions;
    }

    private static string Title(JsonElement panel) => panel.TryGetProperty("title", out var title) ? title.GetString() ?? string.Empty : string.Empty;

    [GeneratedRegex(@"\bthemodel_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?<metric>\bthemodel_[a-z0-9_]+)\s*\{(?<matchers>[^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabel();

    [GeneratedRegex(@"label_values\(\s*([a-z0-9_]+)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)")]
    private static partial Regex LabelValues();
}
