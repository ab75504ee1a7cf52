using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Model;

/// <summary>How long the funnel report's per-period slices are.</summary>
public enum ReportPeriod : byte
{
    Day,
    Week,
    Month,
}

/// <summary>
/// The config's <c>report:</c> section: the period the funnel report slices by and the conversion benchmarks the
/// bottleneck is measured against. Rates are fractions (0.15 for <c>15%</c>).
/// </summary>
public sealed record ReportSettings(ReportPeriod Period, IReadOnlyList<ReportSettings.Benchmark> Benchmarks)
{
    public static IReadOnlyList<string> PeriodNames { get; } = ["day", "week", "month"];

    /// <summary>Used when the config has no <c>report:</c> or no <c>benchmarks:</c>: new→mql 15%, mql→sql 40%, sql→won 25%.</summary>
    public static IReadOnlyList<Benchmark> DefaultBenchmarks { get; } =
        [new(Stage.New, Stage.Mql, 0.15), new(Stage.Mql, Stage.Sql, 0.40), new(Stage.Sql, Stage.Customer, 0.25)];

    public static ReportSettings Default { get; } = new(ReportPeriod.Week, DefaultBenchmarks);

    /// <summary>The expected share of people entering <see cref="From"/> who reach <see cref="To"/> or a later chain stage.</summary>
    public sealed record Benchmark(Stage From, Stage To, double Rate);
}
