using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>
/// The command line's own parsing and its answers to files that are not there or cannot be written, through the real
/// executable: what an operator sees, not what a verb's method returns.
/// </summary>
public sealed class CliErrorTests : IDisposable
{
    private const string Config = """
        version: 1
        teams:
          - id: sr
            role: SR
            members: [ { id: aiko }, { id: ben } ]
        routing:
          - id: japan
            when: { country: JP }
            assign: { team: sr, strategy: round_robin }
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly string _dir = Directory.CreateTempSubdirectory("themodel-cli-errors-").FullName;

    private string ConfigPath => Path.Combine(_dir, "routing.yaml");

    public CliErrorTests() => File.WriteAllText(ConfigPath, Config);

    [Fact]
    public async Task Explain_PersonFromAtFile_ReadsTheFileAsJsonNotAsAResponseFile()
    {
        var person = Path.Combine(_dir, "person.json");
        await File.WriteAllTextAsync(person, """{"id":"p-42","email":"kenji@example.jp","country":"JP"}""");

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "explain", "--config", ConfigPath, "--person", "@" + person, "--json");

        Assert.True(exit == 0, $"explain exited {exit}:\n{output}");
        Assert.Contains("\"person\":\"p-42\"", output, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"japan\"", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain")]
    [InlineData("diff")]
    [InlineData("simulate")]
    public async Task Verb_MissingAccountsFile_OneLineErrorAndExit1(string verb)
    {
        var people = await OnePersonAsync();
        var missing = Path.Combine(_dir, "no-such-accounts.jsonl");
        string[] args = verb switch
        {
            "explain" => ["explain", "--config", ConfigPath, "--person", """{"id":"p1"}""", "--accounts", missing],
            "diff" => ["diff", "--base", ConfigPath, "--head", ConfigPath, "--people", people, "--accounts", missing],
            _ => ["simulate", "--config", ConfigPath, "--people", people, "--accounts", missing, "--out", Path.Combine(_dir, "out.jsonl")],
        };

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, args);

        Assert.Equal(1, exit);
        Assert.Contains($"error: input file '{missing}' not found", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sandbox")]
    [InlineData("simulate")]
    [InlineData("diff")]
    public async Task Verb_OutputInAFolderThatDoesNotExist_RefusedBeforeAnyWork(string verb)
    {
        var people = await OnePersonAsync();
        var output = Path.Combine(_dir, "no-such-folder", "out.json");
        string[] args = verb switch
        {
            "sandbox" => ["sandbox", "--duration", "60s", "--people", "20", "--summary", output],
            "simulate" => ["simulate", "--config", ConfigPath, "--people", people, "--out", output],
            _ => ["diff", "--base", ConfigPath, "--head", ConfigPath, "--people", people, "--out", output],
        };

        var (exit, text) = await CliProcess.RunAsync(_dir, Timeout, args);

        Assert.Equal(1, exit);
        Assert.Contains($"error: cannot write '{output}': the folder '{Path.GetDirectoryName(output)}' does not exist", text, StringComparison.Ordinal);

        // Refused up front: the sandbox generated no people, nothing was evaluated.
        Assert.DoesNotContain("sandbox: generating", text, StringComparison.Ordinal);
        Assert.DoesNotContain("persons in", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_OutDirUnderAFile_OneLineErrorAndExit1()
    {
        var file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "generate", "--people", "10", "--seed", "1", "--out-dir", Path.Combine(file, "data"));

        Assert.Equal(1, exit);
        Assert.Contains("error: ", output, StringComparison.Ordinal);
        Assert.Contains("a-file", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> OnePersonAsync()
    {
        var people = Path.Combine(_dir, "people.jsonl");
        await File.WriteAllTextAsync(people, """{"id":"p1","email":"a@example.jp","country":"JP"}""" + "\n");
        return people;
    }
}
