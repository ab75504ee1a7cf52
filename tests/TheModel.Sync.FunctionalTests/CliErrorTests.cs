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

    [Fact]
    public async Task Simulate_OutDash_DecisionsOnStandardOutput_RejectsInTheWorkingFolder()
    {
        // Before, "-" was a file named "-" in the working folder, and /dev/stdout put its rejects in /dev.
        var people = Path.Combine(_dir, "people.jsonl");
        await File.WriteAllTextAsync(people, "{\"id\":\"p1\",\"country\":\"JP\"}\nnot json\n{\"id\":\"p2\",\"country\":\"JP\"}\n");

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "simulate", "--config", ConfigPath, "--people", people, "--out", "-");

        Assert.True(exit == 2, output);
        var decisions = output.Split('\n').Where(l => l.StartsWith("{\"person\":", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, decisions.Count);
        Assert.False(File.Exists(Path.Combine(_dir, "-")));
        var rejects = Path.Combine(_dir, "simulate.rejects.jsonl");
        Assert.Contains($"see {rejects}", output, StringComparison.Ordinal);
        Assert.Contains("\"line\":2", await File.ReadAllTextAsync(rejects), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_PeopleDash_ReadsStandardInput_BothPasses()
    {
        // Standard input is a pipe: read once into a temporary copy, since simulate reads the people twice.
        const string People = "{\"id\":\"p1\",\"country\":\"JP\"}\nnot json\n{\"id\":\"p2\",\"country\":\"JP\"}\n";
        var output = Path.Combine(_dir, "out.jsonl");

        var (exit, log) = await CliProcess.RunWithInputAsync(_dir, Timeout, People, "simulate", "--config", ConfigPath, "--people", "-", "--out", output, "--at", "2026-11-30T10:00:00+09:00");

        Assert.True(exit == 2, log);
        Assert.Contains("/dev/stdin:2: rejected: ", log, StringComparison.Ordinal);
        var owners = File.ReadAllLines(output).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("owner").GetString()).ToList();
        Assert.Equal(["aiko", "ben"], owners);
    }

    [Fact]
    public async Task Explain_PersonAtDash_ReadsTheObjectFromStandardInput()
    {
        var (exit, output) = await CliProcess.RunWithInputAsync(_dir, Timeout, "{\"id\":\"p-7\",\"country\":\"JP\"}\n",
            "explain", "--config", ConfigPath, "--person", "@-", "--json");

        Assert.True(exit == 0, output);
        Assert.Contains("\"person\":\"p-7\"", output, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"japan\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_FifoNobodyWritesTo_EndsOnSigterm()
    {
        // Opening a FIFO blocks until a writer comes. Before, that open ran on the main thread, and SIGTERM (or Ctrl+C)
        // was taken by the parser's handler but never reached it: the process had to be killed.
        var fifo = Path.Combine(_dir, "people-fifo");
        using (var mkfifo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync();
        }

        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "themodel-sync.dll"), "simulate", "--config", ConfigPath, "--people", fifo, "--out", Path.Combine(_dir, "out.jsonl") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            // Time to start and block in open(); the signal must end it wherever it is.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(process.HasExited, await (process.HasExited ? stderr : Task.FromResult(string.Empty)));
            Assert.Equal(0, Signals.Kill(process.Id, Signals.SigTerm));

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(cts.Token);
            Assert.NotEqual(0, process.ExitCode);
            Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
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

    [Theory]
    [InlineData("people")]
    [InlineData("rejects")]
    [InlineData("link")]
    [InlineData("config")]
    public async Task Simulate_OutputThatIsAnInput_RefusedAndTheInputKept(string which)
    {
        var people = await OnePersonAsync();
        var before = await File.ReadAllTextAsync(people);
        string[] args = which switch
        {
            // The rejects file of d.jsonl is d.rejects.jsonl: given as the people, it would be emptied at the start.
            "rejects" => ["simulate", "--config", ConfigPath, "--people", Rename(people, "d.rejects.jsonl"), "--out", Path.Combine(_dir, "d.jsonl")],
            "link" => ["simulate", "--config", ConfigPath, "--people", people, "--out", Link(people, "link.jsonl")],
            "config" => ["simulate", "--config", ConfigPath, "--people", people, "--out", ConfigPath],
            _ => ["simulate", "--config", ConfigPath, "--people", people, "--out", Path.Combine(_dir, ".", "people.jsonl")],
        };
        var kept = which == "config" ? await File.ReadAllTextAsync(ConfigPath) : null;

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, args);

        Assert.Equal(1, exit);
        Assert.Contains("which the run reads; choose another output file", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(which == "rejects" ? Path.Combine(_dir, "d.rejects.jsonl") : people));
        if (kept is not null)
        {
            Assert.Equal(kept, await File.ReadAllTextAsync(ConfigPath));
        }
    }

    [Theory]
    [InlineData("validate", "PATH is empty; give a value")]
    [InlineData("simulate", "--config is empty; give a value")]
    [InlineData("generate", "--out-dir is empty; give a value")]
    public async Task Verb_EmptyPath_OneLineErrorNoStackTrace(string verb, string expected)
    {
        var people = await OnePersonAsync();
        string[] args = verb switch
        {
            "validate" => ["validate", ""],
            "simulate" => ["simulate", "--config", "", "--people", people, "--out", Path.Combine(_dir, "out.jsonl")],
            _ => ["generate", "--people", "10", "--out-dir", " "],
        };

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, args);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_PrettyPrintedPersonFile_Read_ButAFileOfSeveralPersonsRefused()
    {
        var pretty = Path.Combine(_dir, "pretty.json");
        await File.WriteAllTextAsync(pretty, "{\n  \"id\": \"p-7\",\n  \"country\": \"JP\"\n}\n");
        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "explain", "--config", ConfigPath, "--person", "@" + pretty, "--json");
        Assert.True(exit == 0, $"explain exited {exit}:\n{output}");
        Assert.Contains("\"person\":\"p-7\"", output, StringComparison.Ordinal);

        var two = Path.Combine(_dir, "two.jsonl");
        await File.WriteAllTextAsync(two, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
        (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "explain", "--config", ConfigPath, "--person", "@" + two);
        Assert.Equal(1, exit);
        Assert.Contains("error: --person: 2 lines of JSON; explain takes one person", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_UnreadablePeopleLine_ReportedAndExit2()
    {
        var people = Path.Combine(_dir, "people.jsonl");
        await File.WriteAllTextAsync(people, "{\"id\":\"p1\",\"country\":\"JP\"}\nnot json\n");

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "explain", "--config", ConfigPath, "--person", "p1", "--people", people);

        Assert.Equal(2, exit);
        Assert.Contains($"{people}:2: rejected: invalid JSON", output, StringComparison.Ordinal);
        Assert.Contains("Person p1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_SameConfigWarned_BadAccountLinesCountedInTheReport_NegativeLimitRefused()
    {
        var people = await OnePersonAsync();
        var accounts = Path.Combine(_dir, "accounts.jsonl");
        await File.WriteAllTextAsync(accounts, "{\"id\":\"a1\",\"name\":\"Acme\"}\n{\"name\":\"no id\"}\n");

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "diff", "--base", ConfigPath, "--head", ConfigPath, "--people", people, "--accounts", accounts);
        Assert.Equal(2, exit);
        Assert.Contains("warning: --base and --head are the same config", output, StringComparison.Ordinal);
        Assert.Contains("1 input lines could not be read and were skipped.", output, StringComparison.Ordinal);
        Assert.Contains($"{accounts}:2: rejected:", output, StringComparison.Ordinal);

        (exit, output) = await CliProcess.RunAsync(_dir, Timeout, "diff", "--base", ConfigPath, "--head", ConfigPath, "--people", people, "--limit", "-1");
        Assert.Equal(1, exit);
        Assert.Contains("--limit must be 0 or more", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyVerb_GlobalizationInvariantMode_RefusedBecauseCompanyNamesCouldNotBeNormalized()
    {
        // Without ICU, NFKC leaves "Ｂｌｕｅ" as it is and the same person would match another account: no silent difference.
        var invariant = new Dictionary<string, string> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" };

        var (exit, output) = await CliProcess.RunAsync(_dir, Timeout, invariant, "validate", ConfigPath);

        Assert.Equal(1, exit);
        Assert.Contains("error: Unicode normalization is unavailable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ok:", output, StringComparison.Ordinal);
    }

    private string Rename(string path, string name)
    {
        var target = Path.Combine(_dir, name);
        File.Move(path, target);
        return target;
    }

    private string Link(string path, string name)
    {
        var link = Path.Combine(_dir, name);
        File.CreateSymbolicLink(link, path);
        return link;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> OnePersonAsync()
    {
        var people = Path.Combine(_dir, "people.jsonl");
        await File.WriteAllTextAsync(people, """{"id":"p1","email":"a@example.jp","country":"JP"}""" + "\n");
        return people;
    }
}

/// <summary>SIGTERM as a supervisor sends it (.NET's <c>Process.Kill</c> sends SIGKILL, which no program can answer).</summary>
internal static class Signals
{
    public const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled for the project; two ints marshal as they are.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
