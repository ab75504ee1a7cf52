using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tm-cli-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SampleConfig => Path.Combine(TempFolder.RepoRoot(), "config");

    [Fact]
    public void Validate_SampleConfig_ExitsZeroAndRunsItsTests()
    {
        var output = new StringWriter();
        var exit = ValidateCommand.Run(SampleConfig, output, _clock);
        Assert.True(exit == 0, output.ToString());
        Assert.Matches(@"tests: (\d{2,}) passed, 0 failed", output.ToString());
    }

    [Fact]
    public void Validate_BrokenConfig_PrintsEveryErrorWithPositionAndExitsOne()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [ { id: a } ]
            routing:
              - id: r1
                when: {}
                assign: { team: sr, strategy: weighted_robin }
              - id: r2
                when: { stage: mqll }
                assign: { team: srr }
            """);
        var output = new StringWriter();
        Assert.Equal(1, ValidateCommand.Run(path, output, _clock));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith(path + ":9:", StringComparison.Ordinal) && l.Contains("error TM0029: unknown strategy 'weighted_robin'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(path + ":11:", StringComparison.Ordinal) && l.Contains("error TM0026", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(path + ":12:", StringComparison.Ordinal) && l.Contains("error TM0020", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GitHubFormat_EachDiagnosticAWorkflowCommandOnItsLine_WithGitHubsEscapes()
    {
        var path = Path.Combine(_dir, "bad,file.yaml");
        File.WriteAllText(path, """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [ { id: a } ]
            routing:
              - id: r1
                when: { stage: mqll }
                assign: { team: sr, strategy: weighted_robin }
            """);
        var output = new StringWriter();

        Assert.Equal(1, ValidateCommand.Run(path, output, _clock, ValidateCommand.GitHub));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var file = path.Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
        Assert.Equal($"::error file={file},line=8,col=20,title=TM0026::TM0026: unknown stage 'mqll'; did you mean `mql`?", lines[0]);
        Assert.StartsWith($"::error file={file},line=9,col=", lines[1], StringComparison.Ordinal);
        Assert.Equal($"{path}: 2 errors; the config was not loaded", lines[2]);
    }

    [Fact]
    public void Validate_GitHubFormat_WarningAndEscapes()
    {
        var annotation = ValidateCommand.Annotation(new Config.Diagnostics.ConfigDiagnostic("a:b.yaml", 3, 5, "TM0050", "100% sure\nnext", Config.Diagnostics.Severity.Warning));
        Assert.Equal("::warning file=a%3Ab.yaml,line=3,col=5,title=TM0050::TM0050: 100%25 sure%0Anext", annotation);
    }

    [Fact]
    public void Validate_MissingPath_ReportsTm0001InTheUsualShape()
    {
        var path = Path.Combine(_dir, "missing.yaml");
        var output = new StringWriter();
        Assert.Equal(1, ValidateCommand.Run(path, output, _clock));
        Assert.StartsWith($"{path}:1:1: error TM0001: cannot read config file: file not found", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FailingConfigTest_IsAnErrorAtTheTestsLine()
    {
        var path = Path.Combine(_dir, "t.yaml");
        File.WriteAllText(path, """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [ { id: a }, { id: b } ]
            routing:
              - id: all
                when: {}
                assign: { team: sr }
            tests:
              - name: goes to b
                at: 2026-11-30T10:00:00+09:00
                person: { id: x }
                expect: { owner: b }
            """);
        var output = new StringWriter();
        Assert.Equal(1, ValidateCommand.Run(path, output, _clock));
        Assert.Contains($"{path}:11:5: error TM0090: test 'goes to b' failed: expected owner b, got a", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NumbersThatPrintAlike_FailureShowsEveryDigit_AndAFractionalTouchesIsAnError()
    {
        var path = Path.Combine(_dir, "n.yaml");
        File.WriteAllText(path, """
            version: 1
            scoring:
              fit: [ { id: f, when: {}, points: 65 } ]
            routing:
              - { id: q, when: {}, assign: { to: queue, queue: unassigned } }
            crm: { hubspot: { stages: { new: { s: n } }, queues: { unassigned: "1" } } }
            tests:
              - name: almost
                at: 2026-11-30T10:00:00+09:00
                person: { id: x }
                expect: { score: 65.00001 }
            """);
        var output = new StringWriter();
        Assert.Equal(1, ValidateCommand.Run(path, output, _clock));
        Assert.Contains("test 'almost' failed: expected score 65.00001, got 65 (", output.ToString(), StringComparison.Ordinal);

        File.WriteAllText(path, File.ReadAllText(path).Replace("person: { id: x }", "person: { id: x, touches: 0.5 }", StringComparison.Ordinal));
        output = new StringWriter();
        Assert.Equal(1, ValidateCommand.Run(path, output, _clock));
        Assert.Contains($"{path}:10:31: error TM0012: expected an integer, got 0.5", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_ThenSimulate_SampleConfig_DecisionPerPersonAndDeterministic()
    {
        var log = new StringWriter();
        Assert.Equal(0, await GenerateCommand.RunAsync(500, 60, 7, Path.Combine(_dir, "g1"), SampleConfig, "jsonl", null, log));
        Assert.Equal(0, await GenerateCommand.RunAsync(500, 60, 7, Path.Combine(_dir, "g2"), SampleConfig, "jsonl", null, log));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "g1", "people.jsonl")), File.ReadAllBytes(Path.Combine(_dir, "g2", "people.jsonl")));

        var outPath = Path.Combine(_dir, "decisions.jsonl");
        var exit = await SimulateCommand.RunAsync(SampleConfig, Path.Combine(_dir, "g1", "people.jsonl"), Path.Combine(_dir, "g1", "accounts.jsonl"),
            Path.Combine(_dir, "g1", "opportunities.jsonl"), "2026-11-30T10:00:00+09:00", outPath, log, _clock, CancellationToken.None);
        Assert.True(exit == 0, log.ToString());
        var decisions = File.ReadAllLines(outPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(500, decisions.Count);
        var rules = decisions.Select(d => d.GetProperty("rule").GetString()).Where(r => r is not null).ToHashSet();
        // Generated data reaches most of the sample's routing rules.
        Assert.True(rules.Count >= 6, string.Join(", ", rules));

        var again = Path.Combine(_dir, "decisions2.jsonl");
        await SimulateCommand.RunAsync(SampleConfig, Path.Combine(_dir, "g1", "people.jsonl"), Path.Combine(_dir, "g1", "accounts.jsonl"),
            null, "2026-11-30T10:00:00+09:00", again, log, _clock, CancellationToken.None);
        Assert.Equal(File.ReadAllText(outPath), File.ReadAllText(again));
    }

    [Fact]
    public async Task Diff_WeightChangeInACopyOfTheSample_JsonListsMovesAndTotals()
    {
        var head = Path.Combine(_dir, "head");
        Directory.CreateDirectory(Path.Combine(head, "lists"));
        foreach (var file in Directory.GetFiles(SampleConfig, "*.yaml"))
        {
            File.Copy(file, Path.Combine(head, Path.GetFileName(file)));
        }

        File.Copy(Path.Combine(SampleConfig, "lists", "abm-tier1.csv"), Path.Combine(head, "lists", "abm-tier1.csv"));
        var model = Path.Combine(head, "model.yaml");
        File.WriteAllText(model, File.ReadAllText(model).Replace("{ id: emma, salesforce: 0055g00000AbCdDAAV, hubspot: \"41234570\", weight: 2,", "{ id: emma, salesforce: 0055g00000AbCdDAAV, hubspot: \"41234570\", weight: 1,", StringComparison.Ordinal));
        var people = Path.Combine(_dir, "people.jsonl");
        File.WriteAllLines(people, Enumerable.Range(1, 12).Select(i => $"{{\"id\":\"u{i}\",\"stage\":\"mql\",\"country\":\"US\"}}"));
        var outPath = Path.Combine(_dir, "diff.json");
        var exit = await DiffCommand.RunAsync(SampleConfig, head, people, null, null, "2026-11-30T10:00:00+09:00", asJson: true, outPath, 50,
            new StringWriter(), new StringWriter(), _clock, CancellationToken.None);
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(File.ReadAllText(outPath)).RootElement;
        Assert.Equal(12, json.GetProperty("persons").GetInt32());
        Assert.NotEqual(json.GetProperty("base").GetString(), json.GetProperty("head").GetString());
        // Weights 2:1 give emma 8 of 12; 1:1 gives her 6: two persons move from emma to liam.
        Assert.Equal(8, json.GetProperty("base_totals").GetProperty("owners").GetProperty("emma").GetInt32());
        Assert.Equal(6, json.GetProperty("head_totals").GetProperty("owners").GetProperty("emma").GetInt32());
        var changes = json.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(json.GetProperty("moved").GetInt32(), changes.Count(c => c.GetProperty("owner_changed").GetBoolean()));
        Assert.True(json.GetProperty("moved").GetInt32() >= 2);
        Assert.All(changes, c => Assert.StartsWith("u", c.GetProperty("person").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_BadLine_ExitsTwoAndWritesRejects()
    {
        var people = Path.Combine(_dir, "people.jsonl");
        File.WriteAllText(people, "{\"id\":\"p1\"}\n{\"id\":\"p2\",\"touches\":\"lots\"}\n");
        var log = new StringWriter();
        var exit = await SimulateCommand.RunAsync(SampleConfig, people, null, null, "2026-11-30T10:00:00+09:00", Path.Combine(_dir, "out.jsonl"), log, _clock, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains($"{people}:2: rejected: touches: 'lots' is not a number", log.ToString(), StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "out.rejects.jsonl")));
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "out.jsonl")));
    }

    [Fact]
    public async Task Explain_Json_SaysWhyInWords()
    {
        var stdout = new StringWriter();
        var person = """{"id":"x1","email":"kenta@newco.example","company":"NewCo","title":"CTO","country":"JP","employees":50,"fields":{"last_form":"Demo request","last_form_at":"2026-11-30T09:00:00+09:00"}}""";
        var exit = await ExplainCommand.RunAsync(SampleConfig, person, null, null, "2026-11-30T10:00:00+09:00", false, stdout, new StringWriter(), _clock);
        Assert.Equal(0, exit);
        var text = stdout.ToString();
        Assert.Contains("Stage: new -> mql", text, StringComparison.Ordinal);
        Assert.Contains("Routing ran because the person has no owner.", text, StringComparison.Ordinal);
        Assert.Contains("customer-contact: did not apply: when did not hold: account.type is missing", text, StringComparison.Ordinal);
        Assert.Contains("Outcome: assigned to aiko (team sr-jp) by rule inbound-mql-jp", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_IdOnTwoLines_WarnsButDecidesBoth()
    {
        var people = Path.Combine(_dir, "dup.jsonl");
        File.WriteAllLines(people, ["""{"id":"p1","country":"JP","stage":"mql"}""", """{"id":"p2"}""", """{"id":"p1","country":"JP","stage":"mql"}"""]);
        var log = new StringWriter();
        var output = Path.Combine(_dir, "out.jsonl");

        Assert.Equal(0, await SimulateCommand.RunAsync(SampleConfig, people, null, null, "2026-11-30T10:00:00+09:00", output, log, _clock, CancellationToken.None));

        Assert.Contains($"warning: 1 person id is in {people} more than once (p1 2 times): each line was decided as an event of its own, and open counts counted every line", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(output).Length);
    }

    [Fact]
    public async Task Diff_IdOnTwoLines_Warns()
    {
        var people = Path.Combine(_dir, "dup.jsonl");
        File.WriteAllLines(people, ["""{"id":"p1","country":"JP","stage":"mql"}""", """{"id":"p2"}""", """{"id":"p1","country":"JP","stage":"mql"}"""]);
        var log = new StringWriter();

        Assert.Equal(0, await DiffCommand.RunAsync(SampleConfig, SampleConfig, people, null, null, "2026-11-30T10:00:00+09:00", asJson: false, null, 10,
            new StringWriter(), log, _clock, CancellationToken.None));

        Assert.Contains($"warning: 1 person id is in {people} more than once (p1 2 times): each line is compared, and counted, as an event of its own", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_IdTwiceInThePeople_WarnsAndExplainsTheFirst()
    {
        var people = Path.Combine(_dir, "dup.jsonl");
        File.WriteAllLines(people, ["""{"id":"p1","country":"JP","stage":"mql"}""", """{"id":"p2"}""", """{"id":"p1","country":"US","stage":"mql"}"""]);
        var stdout = new StringWriter();
        var log = new StringWriter();

        Assert.Equal(0, await ExplainCommand.RunAsync(SampleConfig, "p1", people, null, "2026-11-30T10:00:00+09:00", false, stdout, log, _clock));

        Assert.Equal($"warning: person 'p1' is in {people} 2 times; explaining the first", log.ToString().Trim());
        Assert.Contains("by rule inbound-mql-jp", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_IdWithoutPeople_ClearError()
    {
        var log = new StringWriter();
        Assert.Equal(1, await ExplainCommand.RunAsync(SampleConfig, "p42", null, null, null, false, new StringWriter(), log, _clock));
        Assert.Contains("give --people FILE", log.ToString(), StringComparison.Ordinal);
    }
}
