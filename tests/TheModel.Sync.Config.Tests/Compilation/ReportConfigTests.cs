using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Tests.Compilation;

/// <summary>The <c>report:</c> section: its defaults, what it sets, and one exact diagnostic per mistake.</summary>
public sealed class ReportConfigTests
{
    private const string FileName = "config/report.yaml";

    public static TheoryData<string, string, string> Mistakes => new()
    {
        {
            "unknown key", """
            version: 1
            report:
              benchmark: { new->mql: 15% }
            """,
            "config/report.yaml:3:3: error TM0010: unknown key 'benchmark' in report; did you mean `benchmarks`?"
        },
        {
            "not a mapping", """
            version: 1
            report: weekly
            """,
            "config/report.yaml:2:9: error TM0012: expected a mapping, got 'weekly'"
        },
        {
            "unknown period", """
            version: 1
            report:
              period: weak
            """,
            "config/report.yaml:3:11: error TM0029: unknown report period 'weak'; expected one of day, week, month; did you mean `week`?"
        },
        {
            "benchmarks not a mapping", """
            version: 1
            report:
              benchmarks: [new->mql]
            """,
            "config/report.yaml:3:15: error TM0012: expected a mapping, got a list"
        },
        {
            "no arrow", """
            version: 1
            report:
              benchmarks:
                new-mql: 15%
            """,
            "config/report.yaml:4:5: error TM0060: benchmark 'new-mql' must name two stages of THE MODEL's chain as FROM->TO, e.g. mql->sql"
        },
        {
            "three stages", """
            version: 1
            report:
              benchmarks:
                new->mql->sql: 15%
            """,
            "config/report.yaml:4:5: error TM0060: benchmark 'new->mql->sql' must name two stages of THE MODEL's chain as FROM->TO, e.g. mql->sql"
        },
        {
            "misspelled stage", """
            version: 1
            report:
              benchmarks:
                mqll->sql: 40%
            """,
            "config/report.yaml:4:5: error TM0061: benchmark 'mqll->sql': unknown stage 'mqll'; the chain is new → mql → working → sql → won; did you mean `mql`?"
        },
        {
            "stage outside the chain", """
            version: 1
            report:
              benchmarks:
                nurture->mql: 10%
            """,
            "config/report.yaml:4:5: error TM0061: benchmark 'nurture->mql': stage 'nurture' is not in THE MODEL's chain new → mql → working → sql → won"
        },
        {
            "backwards", """
            version: 1
            report:
              benchmarks:
                sql->mql: 10%
            """,
            "config/report.yaml:4:5: error TM0062: benchmark 'sql->mql' must go forward along the chain new → mql → working → sql → won: sql is not before mql"
        },
        {
            "same stage", """
            version: 1
            report:
              benchmarks:
                mql->mql: 10%
            """,
            "config/report.yaml:4:5: error TM0062: benchmark 'mql->mql' must go forward along the chain new → mql → working → sql → won: mql is not before mql"
        },
        {
            "over 100%", """
            version: 1
            report:
              benchmarks:
                new->mql: 150%
            """,
            "config/report.yaml:4:15: error TM0063: benchmark 'new->mql' must be a percentage from 0% to 100% such as 15% or 12.5%, was 150%"
        },
        {
            "no percent sign", """
            version: 1
            report:
              benchmarks:
                new->mql: 15
            """,
            "config/report.yaml:4:15: error TM0063: benchmark 'new->mql' must be a percentage from 0% to 100% such as 15% or 12.5%, was 15; write 15%"
        },
        {
            "two decimals", """
            version: 1
            report:
              benchmarks:
                new->mql: 12.25%
            """,
            "config/report.yaml:4:15: error TM0063: benchmark 'new->mql' must be a percentage from 0% to 100% such as 15% or 12.5%, was 12.25%"
        },
        {
            "won and customer", """
            version: 1
            report:
              benchmarks:
                sql->won: 25%
                sql->customer: 30%
            """,
            "config/report.yaml:5:5: error TM0064: benchmark 'sql->customer' names the same stages as 'sql->won' (won is the stage customer); keep one of them"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void LoadFromText_ReportMistake_ReportsExactlyIt(string mistake, string yaml, string expected)
    {
        var result = ConfigLoader.LoadFromText([(FileName, yaml)]);

        Assert.False(result.Succeeded, mistake);
        Assert.Equal([expected], result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void LoadFromText_TwoMistakesInOneSection_ReportsBoth()
    {
        var result = ConfigLoader.LoadFromText([(FileName, """
            version: 1
            report:
              period: fortnight
              benchmarks:
                sql->new: 5%
                new->mql: lots
            """)]);

        Assert.Equal(["TM0029", "TM0062", "TM0063"], result.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void LoadFromText_NoReportSection_UsesWeeksAndTheDefaultBenchmarks()
    {
        var rules = Load("version: 1\n");

        Assert.Equal(ReportPeriod.Week, rules.Report.Period);
        Assert.Equal(
            [(Stage.New, Stage.Mql, 0.15), (Stage.Mql, Stage.Sql, 0.40), (Stage.Sql, Stage.Customer, 0.25)],
            rules.Report.Benchmarks.Select(b => (b.From, b.To, b.Rate)));
    }

    [Fact]
    public void LoadFromText_PeriodWithoutBenchmarks_KeepsTheDefaultBenchmarks()
    {
        var rules = Load("version: 1\nreport:\n  period: day\n");

        Assert.Equal(ReportPeriod.Day, rules.Report.Period);
        Assert.Equal(3, rules.Report.Benchmarks.Count);
    }

    [Fact]
    public void LoadFromText_Benchmarks_ReplaceTheDefaultsInFileOrder()
    {
        var rules = Load("""
            version: 1
            report:
              period: month
              benchmarks:
                mql->working: 62.5%
                new -> won: 1%
                sql->customer: 100%
                working->sql: 0%
            """);

        Assert.Equal(ReportPeriod.Month, rules.Report.Period);
        Assert.Equal(
            [(Stage.Mql, Stage.Working, 0.625), (Stage.New, Stage.Customer, 0.01), (Stage.Sql, Stage.Customer, 1.0), (Stage.Working, Stage.Sql, 0.0)],
            rules.Report.Benchmarks.Select(b => (b.From, b.To, Math.Round(b.Rate, 6))));
    }

    [Fact]
    public void LoadFromText_EmptyBenchmarks_HasNone()
    {
        Assert.Empty(Load("version: 1\nreport:\n  benchmarks: {}\n").Report.Benchmarks);
        Assert.Empty(Load("version: 1\nreport:\n  benchmarks:\n").Report.Benchmarks);
    }

    private static RuleSet Load(string yaml)
    {
        var result = ConfigLoader.LoadFromText([(FileName, yaml)]);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Config!.Rules;
    }
}
