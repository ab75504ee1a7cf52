using System.Globalization;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// <c>report:</c> (an addition to the language for the funnel report): the period and the conversion benchmarks.
/// Absent, or without <c>benchmarks:</c>: weekly slices and the default benchmarks. Given, <c>benchmarks:</c> replaces
/// the defaults as a whole, so an operator can drop one by leaving it out.
/// </summary>
internal static class ReportCompiler
{
    /// <summary>THE MODEL's chain as benchmark keys name it; <c>won</c> is the canonical <c>customer</c>.</summary>
    private static readonly string[] ChainNames = ["new", "mql", "working", "sql", "won"];

    private static readonly Stage[] ChainStages = [Stage.New, Stage.Mql, Stage.Working, Stage.Sql, Stage.Customer];

    private const string ChainText = "new → mql → working → sql → won";

    public static ReportSettings Compile(CompileContext context, YamlNode? section)
    {
        if (section is null || context.Mapping(section) is not { } mapping)
        {
            return ReportSettings.Default;
        }

        context.CheckKeys(mapping, KnownKeys.Report, "report");
        var period = ReportSettings.Default.Period;
        if (CompileContext.Get(mapping, "period") is { } periodNode)
        {
            var index = context.Choice(periodNode, "report period", ReportSettings.PeriodNames);
            if (index >= 0)
            {
                period = (ReportPeriod)index;
            }
        }

        var benchmarks = ReportSettings.DefaultBenchmarks;
        if (CompileContext.Get(mapping, "benchmarks") is { } benchmarksNode)
        {
            benchmarks = Benchmarks(context, benchmarksNode);
        }

        return new ReportSettings(period, benchmarks);
    }

    private static List<ReportSettings.Benchmark> Benchmarks(CompileContext context, YamlNode node)
    {
        var result = new List<ReportSettings.Benchmark>();
        if (node is YamlScalar { IsNull: true })
        {
            return result;
        }

        if (context.Mapping(node) is not { } mapping)
        {
            return result;
        }

        var seen = new Dictionary<(Stage, Stage), string>();
        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, "report.benchmarks"))
            {
                continue;
            }

            var pair = Pair(context, key);
            var rate = Percentage(context, key.Text, value);
            if (pair is not { } p || rate is not { } r)
            {
                continue;
            }

            if (seen.TryGetValue(p, out var first))
            {
                context.Error(key, ErrorCodes.DuplicateBenchmark,
                    $"benchmark '{key.Text}' names the same stages as '{first}' (won is the stage customer); keep one of them");
                continue;
            }

            seen[p] = key.Text;
            result.Add(new ReportSettings.Benchmark(p.Item1, p.Item2, r));
        }

        return result;
    }

    private static (Stage, Stage)? Pair(CompileContext context, YamlScalar key)
    {
        var parts = key.Text.Split("->");
        if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
        {
            context.Error(key, ErrorCodes.BadBenchmarkPair,
                $"benchmark '{key.Text}' must name two stages of THE MODEL's chain as FROM->TO, e.g. mql->sql");
            return null;
        }

        var from = ChainIndex(context, key, parts[0].Trim());
        var to = ChainIndex(context, key, parts[1].Trim());
        if (from < 0 || to < 0)
        {
            return null;
        }

        if (from >= to)
        {
            context.Error(key, ErrorCodes.BenchmarkOutOfOrder,
                $"benchmark '{key.Text}' must go forward along the chain {ChainText}: {ChainNames[from]} is not before {ChainNames[to]}");
            return null;
        }

        return (ChainStages[from], ChainStages[to]);
    }

    private static int ChainIndex(CompileContext context, YamlScalar key, string name)
    {
        var index = Array.IndexOf(ChainNames, name);
        if (index >= 0)
        {
            return index;
        }

        // The canonical name of the last stage is as clear as THE MODEL's own word for it.
        if (name == "customer")
        {
            return ChainNames.Length - 1;
        }

        var why = Stages.TryParse(name, out var stage) && stage.Name() == name
            ? $"stage '{name}' is not in THE MODEL's chain {ChainText}"
            : $"unknown stage '{name}'; the chain is {ChainText}{Suggestions.Hint(name, ChainNames)}";
        context.Error(key, ErrorCodes.UnknownBenchmarkStage, $"benchmark '{key.Text}': {why}");
        return -1;
    }

    private static double? Percentage(CompileContext context, string pair, YamlNode node)
    {
        var text = node is YamlScalar { IsNull: false } scalar ? scalar.Text.Trim() : null;
        if (text is not null && text.EndsWith('%') && IsPercentNumber(text[..^1]) &&
            double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent <= 100)
        {
            return percent / 100;
        }

        var shown = node is YamlScalar s ? (s.IsNull ? "null" : s.Text) : CompileContext.Describe(node);
        var hint = text is not null && IsPercentNumber(text) ? $"; write {text}%" : string.Empty;
        context.Error(node, ErrorCodes.BadPercentage,
            $"benchmark '{pair}' must be a percentage from 0% to 100% such as 15% or 12.5%, was {shown}{hint}");
        return null;
    }

    /// <summary>NN or NN.N: digits with at most one decimal, so that the benchmarks read as the report prints them.</summary>
    private static bool IsPercentNumber(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? string.Empty : text[(dot + 1)..];
        return whole.Length is > 0 and <= 3 && whole.All(char.IsAsciiDigit)
            && (dot < 0 || (fraction.Length == 1 && char.IsAsciiDigit(fraction[0])));
    }
}
