using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Sandbox;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// <c>sandbox [--people N] [--duration 60s] [--rate R] [--summary FILE.json] [--urls URL] [--config DIR]
/// [--decision-log FILE]</c>: the whole daemon against simulated Salesforce and HubSpot orgs with live traffic.
/// </summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var people = new Option<int>("--people") { Description = "People to seed each simulated CRM with (generate).", DefaultValueFactory = _ => 2000 };
        var duration = new Option<string>("--duration") { Description = "How long to send traffic, e.g. 60s, 5m.", DefaultValueFactory = _ => "60s" };
        var rate = new Option<double>("--rate") { Description = "New leads per second, split between the two CRMs.", DefaultValueFactory = _ => 20 };
        var summary = new Option<string?>("--summary") { Description = "Write the run's summary here (JSON)." };
        var urls = new Option<string?>("--urls") { Description = "Where the worker listens (default: a free port on 127.0.0.1)." };
        var config = new Option<string?>("--config") { Description = "The routing config folder (default: ./config, else the built-in sample)." };
        var decisionLog = new Option<string?>("--decision-log") { Description = "Write every decision here, one JSON line each (for report)." };
        var seed = new Option<int>("--seed") { Description = "Seed for the generated people and the traffic.", DefaultValueFactory = _ => 42 };
        var command = new Command("sandbox", "Run the whole worker against simulated Salesforce and HubSpot orgs with live traffic, then summarize.")
        {
            people, duration, rate, summary, urls, config, decisionLog, seed,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (!Durations.TryParse(parse.GetValue(duration), out var length) || length <= TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"error: --duration '{parse.GetValue(duration)}' is not a duration such as 60s or 5m");
                return CliSupport.ExitError;
            }

            if (parse.GetValue(people) < 1 || parse.GetValue(rate) <= 0)
            {
                await Console.Error.WriteLineAsync($"error: --people must be at least 1 and --rate above 0, were {parse.GetValue(people)} and {parse.GetValue(rate)}");
                return CliSupport.ExitError;
            }

            if (!CliSupport.OutputsCreatable(Console.Error, parse.GetValue(summary), parse.GetValue(decisionLog)))
            {
                return CliSupport.ExitError;
            }

            var options = new SandboxOptions
            {
                People = parse.GetValue(people),
                Duration = length,
                Rate = parse.GetValue(rate),
                Summary = parse.GetValue(summary),
                Urls = parse.GetValue(urls),
                ConfigDirectory = parse.GetValue(config),
                DecisionLog = parse.GetValue(decisionLog),
                Seed = parse.GetValue(seed),
                Args = [.. parse.UnmatchedTokens],
            };
            return await RunAsync(options, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(SandboxOptions options, CancellationToken cancellationToken)
    {
        var interactive = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is not "true";
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        SandboxSummary summary;
        try
        {
            if (interactive)
            {
                SandboxLive? latest = null;
                (summary, _) = await console.Live(Render(null)).StartAsync(async ctx =>
                {
                    var result = await SandboxRun.RunAsync(options, TextWriter.Null, live =>
                    {
                        latest = live;
                        ctx.UpdateTarget(Render(live));
                    }, cancellationToken);
                    ctx.UpdateTarget(Render(latest));
                    return result;
                });
            }
            else
            {
                var last = TimeSpan.Zero;
                (summary, _) = await SandboxRun.RunAsync(options, Console.Error, live =>
                {
                    if (live.Elapsed - last >= TimeSpan.FromSeconds(10))
                    {
                        last = live.Elapsed;
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"sandbox: {live.Elapsed.TotalSeconds:0}s leads {live.LeadsCreated} events {live.Recorder.EventsProcessed} decisions {live.Recorder.PersonsEvaluated} routed {live.Recorder.PersonsRouted} calls sf {live.SalesforceCalls} hs {live.HubSpotCalls} p95 {live.Recorder.P95Ms:0}ms"));
                    }
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SandboxException or ConfigLoadException || RunCommand.Describe(ex) is not null)
        {
            foreach (var line in RunCommand.Describe(ex) ?? ["error: " + ex.Message])
            {
                await Console.Error.WriteLineAsync(line);
            }

            return CliSupport.ExitError;
        }

        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(summary, SandboxRun.SummaryJson));
        return CliSupport.ExitOk;
    }

    private static IRenderable Render(SandboxLive? live)
    {
        var grid = new Grid().AddColumn().AddColumn();
        if (live is null)
        {
            return grid.AddRow("sandbox", "starting: generating and seeding the simulated CRMs...");
        }

        var r = live.Recorder;
        grid.AddRow("elapsed", $"{live.Elapsed.TotalSeconds:0}s");
        grid.AddRow("leads created", live.LeadsCreated.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("events processed", r.EventsProcessed.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("decisions / routed", $"{r.PersonsEvaluated} / {r.PersonsRouted}");
        grid.AddRow("CRM calls", $"Salesforce {live.SalesforceCalls}, HubSpot {live.HubSpotCalls}");
        grid.AddRow("event to write", $"p50 {r.P50Ms:0} ms, p95 {r.P95Ms:0} ms, p99 {r.P99Ms:0} ms ({r.LatencySamples} leads)");
        var rules = new Table().AddColumn("rule").AddColumn(new TableColumn("decisions").RightAligned());
        foreach (var (rule, count) in r.DecisionsByRule.OrderByDescending(p => p.Value).Take(10))
        {
            rules.AddRow(Markup.Escape(rule), count.ToString(CultureInfo.InvariantCulture));
        }

        var teams = new Table().AddColumn("owner team").AddColumn(new TableColumn("assigned").RightAligned());
        foreach (var (team, count) in r.OwnersByTeam.OrderByDescending(p => p.Value))
        {
            teams.AddRow(Markup.Escape(team), count.ToString(CultureInfo.InvariantCulture));
        }

        return new Rows(grid, new Columns(rules, teams));
    }
}
