using System.Text.Json;
using TheModel.Sync.Application.Diff;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Application.Tests.Output;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Simulation;

public sealed class SimulatorTests
{
    private const string Config = """
        version: 1
        crm:
          hubspot:
            queues: { unassigned: "90001" }
        teams:
          - id: sr
            role: SR
            members:
              - { id: a, weight: 2, max_open: 2 }
              - { id: b }
        routing:
          - id: mql
            when: { stage: mql }
            assign: { team: sr, strategy: weighted_round_robin }
          - id: fallback
            when: {}
            assign: { to: queue, queue: unassigned }
        """;

    private static readonly DateTimeOffset At = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    private static async Task<(SimulationResult Result, List<JsonElement> Decisions)> Simulate(TempDir dir, string people, string config = Config)
    {
        var options = new SimulationOptions
        {
            Rules = Configs.FromText(config),
            PeoplePath = dir.File("people.jsonl", people),
            At = At,
            OutPath = dir.Combine("decisions.jsonl"),
        };
        var result = await Simulator.RunAsync(options, CancellationToken.None);
        var lines = File.ReadAllLines(options.OutPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        return (result, lines);
    }

    /// <remarks>
    /// The whole pipeline against the plainest statement of section 13: every person read whole, seeded into one
    /// state in file order, evaluated one after another, and written by the original <c>Utf8JsonWriter</c> code.
    /// <c>simulate</c> itself seeds from two slices of the file read only as far as footprints go, parses lines with
    /// its own reader, hands batches between threads and writes JSON by hand; any drift in those shows here as a line.
    /// </remarks>
    [Fact]
    public async Task RunAsync_GeneratedSampleData_EveryLineIsTheSequentialDecisionAsTheOriginalWriterWroteIt()
    {
        using var dir = new TempDir();
        var rules = Configs.Sample();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 20_000, Accounts = 2_000, Seed = 5 }, dir.Path);
        var options = Generated(rules, files, dir.Combine("decisions.jsonl"));

        var result = await Simulator.RunAsync(options, CancellationToken.None);

        var session = new SimulationSession(rules, PersonSource.ReadAccounts(files.Accounts, []), PersonSource.ReadOpportunities(files.Opportunities, []));
        var people = PersonSource.ReadPersons(files.People).Select(p => p.Person!).ToList();
        foreach (var p in people)
        {
            session.Seed(p);
        }

        var expected = people.Select(p => WriterDecisionJson.ToJson(session.Evaluate(p, At))).ToList();
        var actual = File.ReadAllLines(options.OutPath);
        Assert.Equal(20_000, people.Count);
        Assert.Equal((0L, expected.Count), (result.RejectCount, actual.Length));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"line {i + 1} differs:\nexpected {expected[i]}\nactual   {actual[i]}");
        }

        // Not vacuous: the data reaches assignments, company-name matches and non-ASCII text.
        Assert.Contains(actual, l => l.Contains("\"outcome\":\"assigned\"", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.Contains("company_name", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.Any(c => c > 127));
    }

    [Fact]
    public async Task RunAsync_InputsReadAhead_SameDecisionsAndRejectsAsReadByTheRun()
    {
        using var dir = new TempDir();
        var rules = Configs.Sample();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 3_000, Accounts = 500, Seed = 8 }, dir.Path);
        File.AppendAllText(files.Accounts, "{\"name\":\"No Id Inc.\"}\n");
        File.AppendAllText(files.Opportunities, "not json\n");

        async Task<(SimulationResult Result, string Decisions, string Rejects)> Run(string name, Task<SimulationInputs>? inputs)
        {
            var options = Generated(rules, files, dir.Combine(name + ".jsonl"), inputs);
            var result = await Simulator.RunAsync(options, CancellationToken.None);
            return (result, File.ReadAllText(options.OutPath), File.ReadAllText(Simulator.RejectsPathFor(options.OutPath)));
        }

        var here = await Run("here", null);
        var ahead = await Run("ahead", Simulator.ReadInputsAhead(files.Accounts, files.Opportunities));

        Assert.Equal(here.Decisions, ahead.Decisions);
        Assert.Equal(here.Rejects, ahead.Rejects);
        Assert.Equal((500L, 2L), (ahead.Result.Accounts, ahead.Result.RejectCount));
        Assert.Equal(here.Result.Opportunities, ahead.Result.Opportunities);
        Assert.Contains("id is required", ahead.Rejects, StringComparison.Ordinal);
    }

    private static SimulationOptions Generated(RuleSet rules, GeneratedFiles files, string outPath, Task<SimulationInputs>? inputs = null) => new()
    {
        Rules = rules,
        PeoplePath = files.People,
        AccountsPath = files.Accounts,
        OpportunitiesPath = files.Opportunities,
        At = At,
        OutPath = outPath,
        Inputs = inputs,
    };

    [Fact]
    public async Task RunAsync_StateCarriesInFileOrder_OpenCountsStartFromInput()
    {
        using var dir = new TempDir();
        var people = string.Join('\n',
            """{"id":"p0","stage":"mql","owner":"a","owner_set_at":"2026-11-29T00:00:00Z","stage_entered_at":"2026-11-28T00:00:00Z","touches":1}""",
            """{"id":"p1","stage":"mql"}""",
            """{"id":"p2","stage":"mql"}""",
            """{"id":"p3","stage":"mql"}""");
        var (result, decisions) = await Simulate(dir, people);
        Assert.Equal(["p0", "p1", "p2", "p3"], decisions.Select(d => d.GetProperty("person").GetString()));
        Assert.Equal(["a", "a", "b", "b"], decisions.Select(d => d.GetProperty("owner").GetString()));
        Assert.Equal("kept", decisions[0].GetProperty("outcome").GetString());
        Assert.Equal("owned", decisions[0].GetProperty("because").GetString());
        // a owned p0 from the input, so after p1 it is at max_open 2 and is excluded.
        Assert.Contains(decisions[2].GetProperty("why").GetProperty("excluded").EnumerateArray(),
            e => e.GetProperty("member").GetString() == "a" && e.GetProperty("because").GetString() == "at_capacity");
        Assert.Equal((4, 3, 1), (result.Persons, result.Assigned, result.Kept));
    }

    [Fact]
    public async Task RunAsync_ByRule_CountsRulesAndKeptReasons()
    {
        using var dir = new TempDir();
        var people = string.Join('\n',
            """{"id":"p0","stage":"mql","owner":"a","owner_set_at":"2026-11-29T00:00:00Z","stage_entered_at":"2026-11-28T00:00:00Z","touches":1}""",
            """{"id":"p1","stage":"mql"}""",
            """{"id":"p2","stage":"new"}""",
            """{"id":"p3","stage":"mql"}""",
            """{"id":"p4","stage":"mql","owner":"b","owner_set_at":"2026-11-29T00:00:00Z","stage_entered_at":"2026-11-28T00:00:00Z","touches":1}""");
        var (result, decisions) = await Simulate(dir, people);
        var expected = decisions
            .GroupBy(d => d.GetProperty("rule").GetString() ?? "(" + d.GetProperty("because").GetString() + ")", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{g.Count()}");
        Assert.Equal(expected, result.ByRule.Select(kv => $"{kv.Key}:{kv.Value}"));
        Assert.Equal(["(owned):2", "fallback:1", "mql:2"], result.ByRule.Select(kv => $"{kv.Key}:{kv.Value}"));
    }

    [Fact]
    public async Task RunAsync_DecisionRecord_HasSection13Fields()
    {
        using var dir = new TempDir();
        var (_, decisions) = await Simulate(dir, """{"id":"p1","stage":"mql","email":"x@y.example"}""");
        var d = decisions[0];
        foreach (var key in new[] { "person", "at", "config", "outcome", "owner", "team", "rule", "stage", "account", "segment", "score", "fit", "engagement", "actions", "why" })
        {
            Assert.True(d.TryGetProperty(key, out _), $"missing {key}");
        }

        Assert.Equal("2026-11-30T10:00:00+09:00", d.GetProperty("at").GetString());
        Assert.StartsWith("sha256:", d.GetProperty("config").GetString(), StringComparison.Ordinal);
        Assert.Equal(("assigned", "a", "sr", "mql"), (d.GetProperty("outcome").GetString(), d.GetProperty("owner").GetString(), d.GetProperty("team").GetString(), d.GetProperty("rule").GetString()));
        Assert.Equal(JsonValueKind.Null, d.GetProperty("account").ValueKind);
        var action = d.GetProperty("actions")[0];
        Assert.Equal(("assign", "a", "mql"), (action.GetProperty("type").GetString(), action.GetProperty("owner").GetString(), action.GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task RunAsync_DecisionLines_AreReadableJsonWithoutNeedlessEscapes()
    {
        using var dir = new TempDir();
        await Simulate(dir, """{"id":"p1","stage":"mql","company":"株式会社テスト"}""");
        var line = File.ReadAllLines(dir.Combine("decisions.jsonl"))[0];
        Assert.Contains("\"at\":\"2026-11-30T10:00:00+09:00\"", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadLines_RejectedWithLineNumbersBesideOutput_OthersEvaluated()
    {
        using var dir = new TempDir();
        var people = "{\"id\":\"p1\",\"stage\":\"mql\"}\n{\"id\":\"p2\",\"stage\":\"lead\"}\nnot json\n{\"id\":\"p4\"}\n";
        var (result, decisions) = await Simulate(dir, people);
        Assert.Equal(["p1", "p4"], decisions.Select(d => d.GetProperty("person").GetString()));
        Assert.Equal(2, result.RejectCount);
        Assert.Equal(dir.Combine("decisions.rejects.jsonl"), result.RejectsPath);
        var rejects = File.ReadAllLines(result.RejectsPath!).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([2L, 3L], rejects.Select(r => r.GetProperty("line").GetInt64()));
        Assert.StartsWith("stage: 'lead' is not a stage", rejects[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("not json", rejects[1].GetProperty("input").GetString());
    }

    [Fact]
    public async Task RunAsync_NoBadLines_RemovesStaleRejectsFile()
    {
        using var dir = new TempDir();
        var stale = dir.File("decisions.rejects.jsonl", "{}");
        var (result, _) = await Simulate(dir, """{"id":"p1"}""");
        Assert.Null(result.RejectsPath);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task RunAsync_CsvInput_SameDecisionsAsJsonLines()
    {
        using var dir = new TempDir();
        var csvPath = dir.File("people.csv", "id,stage,country\np1,mql,JP\np2,mql,US\np3,new,\n");
        var options = new SimulationOptions { Rules = Configs.FromText(Config), PeoplePath = csvPath, At = At, OutPath = dir.Combine("csv-out.jsonl") };
        await Simulator.RunAsync(options, CancellationToken.None);
        var fromCsv = File.ReadAllLines(options.OutPath);
        var (_, fromJson) = await Simulate(dir, "{\"id\":\"p1\",\"stage\":\"mql\",\"country\":\"JP\"}\n{\"id\":\"p2\",\"stage\":\"mql\",\"country\":\"US\"}\n{\"id\":\"p3\",\"stage\":\"new\"}\n");
        Assert.Equal(fromJson.Select(j => j.GetRawText()), fromCsv.Select(l => JsonDocument.Parse(l).RootElement.GetRawText()));
    }

    [Fact]
    public void Diff_WeightChange_ReportsMovesTotalsAndFairness()
    {
        using var dir = new TempDir();
        var people = dir.File("people.jsonl", string.Join('\n', Enumerable.Range(1, 30).Select(i => $"{{\"id\":\"p{i}\",\"stage\":\"mql\"}}")));
        var baseRules = Configs.FromText(Config.Replace("{ id: a, weight: 2, max_open: 2 }", "{ id: a, weight: 2 }", StringComparison.Ordinal));
        var headRules = Configs.FromText(Config.Replace("{ id: a, weight: 2, max_open: 2 }", "{ id: a }", StringComparison.Ordinal));
        var moved = new List<MovedPerson>();
        var result = RoutingDiff.Run(baseRules, headRules, people, [], [], At, moved.Add);
        Assert.Equal(30, result.Persons);
        Assert.Equal((20L, 10L), (result.Base.ByOwner["a"], result.Base.ByOwner["b"]));
        Assert.Equal((15L, 15L), (result.Head.ByOwner["a"], result.Head.ByOwner["b"]));
        Assert.Equal(result.Moved, moved.Count(m => m.OwnerChanged));
        Assert.True(result.Moved > 0);
        Assert.Equal(1.0, result.Base.Fairness("sr")!.Value, 6);
        Assert.Equal(1.0, result.Head.Fairness("sr")!.Value, 6);
        var markdown = DiffReport.Markdown(result, moved, 5);
        Assert.Contains($"**{result.Moved} persons change owner**", markdown, StringComparison.Ordinal);
        Assert.Contains("| a | 20 | 15 | -5 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| b | 10 | 15 | +5 |", markdown, StringComparison.Ordinal);
    }
}

public sealed class RejectsPathTests
{
    [Theory]
    [InlineData("/data/out/decisions.jsonl", "/data/out/decisions.rejects.jsonl")]
    [InlineData("/data/out/decisions", "/data/out/decisions.rejects.jsonl")]
    [InlineData("/data/out/run.2026.jsonl", "/data/out/run.2026.rejects.jsonl")]
    public void RejectsPathFor_AFile_IsBesideIt(string output, string expected)
    {
        Assert.Equal(expected, Simulator.RejectsPathFor(output));
    }

    [Theory]
    [InlineData("/dev/stdout")]
    [InlineData("/dev/null")]
    [InlineData("/proc/self/fd/1")]
    public void RejectsPathFor_ADevice_IsInTheWorkingFolder(string output)
    {
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "simulate.rejects.jsonl"), Simulator.RejectsPathFor(output));
    }
}
