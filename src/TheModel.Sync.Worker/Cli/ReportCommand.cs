using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using Spectre.Console;
using Spectre.Console.Rendering;
using TheModel.Sync.Application.Reporting;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Cli;

/// <summary>What <c>report</c> was asked for.</summary>
internal sealed record ReportArguments(
    string? DecisionsPath,
    string? ConfigPath = null,
    string? From = null,
    string? To = null,
    string? Period = null,
    string? HtmlPath = null,
    string? JsonPath = null,
    bool Redis = false,
    IReadOnlyList<string>? Settings = null);

/// <summary><c>report</c>: the funnel, its bottleneck, SLAs, recycles and routing, from a decision log.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var decisions = new Option<string?>("--decisions") { Description = "The decision log: JSON Lines, as `sandbox --decision-log` or `export-log` write it (gzip-compressed too)." };
        var redis = new Option<bool>("--redis") { Description = "Read the live decision log from Redis (Redis:Configuration, as `run` reads it; --Redis:Configuration=HOST:PORT works too)." };
        var config = new Option<string?>("--config") { Description = "The routing config (a file or a folder; default ./config, else the built-in sample): benchmarks, queues and rotations." };
        var from = new Option<string?>("--from") { Description = "Start of the window: an ISO date (UTC midnight) or a timestamp with an offset." };
        var to = new Option<string?>("--to") { Description = "End of the window, not included: a timestamp with an offset, or an ISO date (through its whole UTC day)." };
        var period = new Option<string?>("--period") { Description = "Per-period slices: day, week (from Monday, UTC) or month (default: the config's report.period, else week)." };
        var html = new Option<string?>("--html") { Description = "Also write the report as one self-contained HTML page." };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON (snake_case keys)." };
        var command = new Command("report", "The funnel from a decision log: stage entries, conversions against benchmarks and the bottleneck, time in stage, SLAs, recycles, routing.")
        {
            decisions, redis, config, from, to, period, html, json,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (!DecisionLogSource.TrySettings([.. parse.UnmatchedTokens], Console.Error, out var settings))
            {
                return CliSupport.ExitError;
            }

            return await RunAsync(
                new ReportArguments(parse.GetValue(decisions), parse.GetValue(config), parse.GetValue(from), parse.GetValue(to), parse.GetValue(period), parse.GetValue(html), parse.GetValue(json), parse.GetValue(redis), settings),
                Console.Out, Console.Error, !Console.IsOutputRedirected, ct);
        });
        return command;
    }

    /// <summary>Runs the verb; <paramref name="terminal"/> false writes plain text (no ANSI), as when stdout is redirected.</summary>
    internal static async Task<int> RunAsync(ReportArguments args, TextWriter stdout, TextWriter stderr, bool terminal, CancellationToken ct)
    {
        if (!TryParseOptions(args, stderr, out var options))
        {
            return CliSupport.ExitError;
        }

        if ((args.DecisionsPath is null) == !args.Redis)
        {
            stderr.WriteLine("error: give the decision log as --decisions FILE or read the live one with --redis (one of the two)");
            return CliSupport.ExitError;
        }

        if (args.DecisionsPath is { } path && !File.Exists(path))
        {
            stderr.WriteLine($"error: --decisions '{path}': file not found");
            return CliSupport.ExitError;
        }

        var loaded = CliSupport.LoadConfig(ConfigFolder.Resolve(args.ConfigPath).Path, stderr);
        if (loaded is null)
        {
            return CliSupport.ExitError;
        }

        var builder = new FunnelReportBuilder(loaded.Rules, options);
        var lines = args.DecisionsPath is { } file
            ? ReadDecisionFileAsync(file, ct)
            : DecisionLogSource.RedisLines(DecisionLogSource.Settings(args.Settings ?? []), null, null, null, ct);
        try
        {
            await foreach (var line in lines)
            {
                builder.Add(line);
            }
        }
        catch (DecisionLogUnavailableException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return CliSupport.ExitError;
        }
        catch (InvalidDataException e)
        {
            stderr.WriteLine($"error: --decisions '{args.DecisionsPath}' is gzip-compressed but cannot be decompressed: {e.Message}");
            return CliSupport.ExitError;
        }

        var report = builder.Build();
        var source = args.DecisionsPath ?? "redis";
        foreach (var bad in report.UnreadableLines)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source}:{bad.Line}: {bad.Reason}"));
        }

        Render(report, stdout, terminal);
        if (args.JsonPath is { } jsonPath && !await TryWriteAsync(jsonPath, FunnelReportJson.Serialize(report), "--json", stderr, ct))
        {
            return CliSupport.ExitError;
        }

        if (args.HtmlPath is { } htmlPath && !await TryWriteAsync(htmlPath, FunnelHtml.Render(report), "--html", stderr, ct))
        {
            return CliSupport.ExitError;
        }

        return report.UnreadableLines.Count > 0 ? CliSupport.ExitBadLines : CliSupport.ExitOk;
    }

    /// <summary>The source of the log's lines, in order (line numbers count from 1, blank lines included).</summary>
    internal static async IAsyncEnumerable<string> ReadDecisionFileAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = DecisionLogSource.OpenFile(path);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            yield return line;
        }
    }

    private static async Task<bool> TryWriteAsync(string path, string text, string option, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            await File.WriteAllTextAsync(path, text, ct);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {option} '{path}': {e.Message}");
            return false;
        }
    }

    private static bool TryParseOptions(ReportArguments args, TextWriter stderr, out ReportOptions options)
    {
        options = new ReportOptions();
        if (!DecisionLogSource.TryParseBound("--from", args.From, end: false, out var from, stderr)
            || !DecisionLogSource.TryParseBound("--to", args.To, end: true, out var to, stderr))
        {
            return false;
        }

        if (from > to)
        {
            stderr.WriteLine($"error: --from '{args.From}' is after --to '{args.To}'");
            return false;
        }

        ReportPeriod? period = null;
        if (args.Period is { } periodText)
        {
            var index = ReportSettings.PeriodNames.ToList().IndexOf(periodText);
            if (index < 0)
            {
                stderr.WriteLine($"error: --period '{periodText}' is not one of {string.Join(", ", ReportSettings.PeriodNames)}");
                return false;
            }

            period = (ReportPeriod)index;
        }

        options = new ReportOptions(from, to, period);
        return true;
    }

    private static void Render(FunnelReport report, TextWriter stdout, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // A redirected report is read in files and diffs: wide enough that no table wraps.
            console.Profile.Width = 200;
        }

        new ReportView(console, terminal ? TableBorder.Rounded : TableBorder.Ascii).Write(report);
    }

    /// <summary>The report's tables, in the order an operator reads them: the funnel and its bottleneck first.</summary>
    private sealed class ReportView(IAnsiConsole console, TableBorder border)
    {
        public void Write(FunnelReport r)
        {
            var window = r.From is { } from && r.To is { } to ? $"{Time(from)} → {Time(to)}" : "an empty log";
            console.Write(new Text($"Funnel report: {window}; {r.Decisions} decisions, {r.People} people; slices per {r.Period}; config {string.Join(", ", r.ConfigVersions.Select(Short))}"));
            console.WriteLine();
            console.WriteLine();
            Funnel(r.Overall);
            Conversions(r.Overall);
            console.Write(new Text(r.BottleneckSentence));
            console.WriteLine();
            console.WriteLine();
            SliceConversions("Conversion by team", "team", r.Teams, r.Overall);
            SliceConversions("Conversion by member", "member", r.Members, r.Overall);
            Periods(r.Periods);
            Slas(r.Slas);
            Recycles(r.Recycles);
            Routing(r.Routing);
        }

        private Table NewTable(string title, params string[] columns)
        {
            var table = new Table { Border = border, Title = new TableTitle(Markup.Escape(title)) };
            foreach (var c in columns)
            {
                var column = new TableColumn(new Text(c));
                if (c is not ("stage" or "team" or "member" or "period" or "sla" or "reason" or "rule" or "strategy" or "conversion" or "below"))
                {
                    column.RightAligned();
                }

                table.AddColumn(column);
            }

            return table;
        }

        private static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());

        private void Show(Table table)
        {
            console.Write(table);
            console.WriteLine();
        }

        private void Funnel(FunnelSlice overall)
        {
            var table = NewTable("Funnel", "stage", "entered", "stays", "median", "p90");
            foreach (var s in overall.Stages)
            {
                Row(table, s.Stage, Count(s.Entered), Count(s.StaysCompleted), Duration(s.MedianSeconds), Duration(s.P90Seconds));
            }

            Show(table);
        }

        private void Conversions(FunnelSlice overall)
        {
            var table = NewTable("Conversions", "conversion", "entered", "converted", "rate", "benchmark", "below");
            foreach (var c in overall.Conversions)
            {
                var below = c is { Rate: { } rate, Benchmark: { } benchmark } && rate < benchmark ? "▼ below" : string.Empty;
                Row(table, Pair(c), Count(c.Entered), Count(c.Converted), Rate(c.Rate), Rate(c.Benchmark), below);
            }

            Show(table);
        }

        private void SliceConversions(string title, string what, IReadOnlyList<FunnelSlice> slices, FunnelSlice overall)
        {
            if (slices.Count == 0)
            {
                return;
            }

            var table = NewTable(title, [what, .. overall.Conversions.Select(Pair)]);
            foreach (var slice in slices)
            {
                Row(table, [slice.Key, .. slice.Conversions.Select(c => c.Entered == 0 ? "-" : $"{c.Converted}/{c.Entered} {Rate(c.Rate)}")]);
            }

            Show(table);
        }

        private void Periods(IReadOnlyList<FunnelSlice> periods)
        {
            if (periods.Count == 0)
            {
                return;
            }

            var stages = Stages.AllNames;
            var table = NewTable("Stage entries by period", ["period", .. stages.Select(FunnelReportBuilder.StageLabel)]);
            foreach (var p in periods)
            {
                Row(table, [p.Key, .. p.Stages.Select(s => Count(s.Entered))]);
            }

            Show(table);
        }

        private void Slas(IReadOnlyList<SlaRow> rows)
        {
            if (rows.Count == 0)
            {
                return;
            }

            var table = NewTable("SLAs", "sla", "team", "member", "met", "missed", "pending", "first touch (median)");
            foreach (var s in rows)
            {
                Row(table, s.Sla, s.Team ?? "(all)", s.Member ?? (s.Team is null ? string.Empty : "(all)"),
                    Count(s.Met), Count(s.Missed), Count(s.Pending), Duration(s.MedianFirstTouchSeconds));
            }

            Show(table);
        }

        private void Recycles(RecycleSummary recycles)
        {
            if (recycles.ByReason.Count == 0)
            {
                return;
            }

            var table = NewTable("Recycles", "reason", "recycled", "rechecked", "back to mql", "then sql");
            foreach (var r in recycles.ByReason)
            {
                Row(table, r.Reason, Count(r.Recycled), Count(r.Rechecked), Count(r.BackToMql), Count(r.ThenSql));
            }

            Show(table);
        }

        private void Routing(RoutingSummary routing)
        {
            var table = NewTable("Routing by rule", "rule", "assignments", "share");
            foreach (var r in routing.ByRule)
            {
                Row(table, r.Rule, Count(r.Count), Rate(routing.Assignments == 0 ? null : (double)r.Count / routing.Assignments));
            }

            Show(table);
            console.Write(new Text($"{routing.Assignments} assignments; queue rate {Rate(routing.QueueRate)} (to a queue or no member); fallback rate {Rate(routing.FallbackRate)} (by a rule with an empty when)."));
            console.WriteLine();
            console.WriteLine();
            if (routing.Shares.Count == 0)
            {
                return;
            }

            var shares = NewTable("Shares against the rotation's promise", "team", "strategy", "member", "assigned", "share", "promised");
            foreach (var s in routing.Shares)
            {
                Row(shares, s.Team, s.Strategy, s.Member, Count(s.Assigned), Rate(s.Share), Rate(s.PromisedShare));
            }

            Show(shares);
        }

        private static string Pair(Conversion c) => $"{FunnelReportBuilder.StageLabel(c.From)} → {FunnelReportBuilder.StageLabel(c.To)}";

        private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

        private static string Rate(double? rate) => rate is { } r ? FunnelReportBuilder.Percent(r) : "-";

        private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private static string Short(string version) => version.StartsWith("sha256:", StringComparison.Ordinal) && version.Length > 19 ? version[..19] : version;

        /// <summary>Seconds as the two largest units: 45s, 12m 5s, 3h 20m, 2d 4h.</summary>
        private static string Duration(double? seconds)
        {
            if (seconds is not { } s)
            {
                return "-";
            }

            var t = TimeSpan.FromSeconds(Math.Round(s));
            return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h"
                : t.TotalHours >= 1 ? $"{t.Hours}h {t.Minutes}m"
                : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds}s"
                : string.Create(CultureInfo.InvariantCulture, $"{s:0.#}s");
        }
    }
}
