using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary>
/// Inputs given as pipes (<c>--people &lt;(zcat people.jsonl.gz)</c>, a FIFO, <c>/dev/stdin</c>): simulate and diff read
/// the people twice and every reader sniffs a file's format first, so a pipe is copied to a temporary file before the
/// run. Before, simulate died with "Stream does not support seeking" and an accounts pipe lost its first line.
/// </summary>
public sealed class PipeInputTests : IDisposable
{
    private const string At = "2026-11-30T10:00:00+09:00";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tm-pipe-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));

    public PipeInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SampleConfig => Path.Combine(TempFolder.RepoRoot(), "config");

    /// <summary>A named pipe at <paramref name="name"/> that <paramref name="text"/> is written into once a reader opens it.</summary>
    private (string Path, Task Writer) Fifo(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for writing blocks until the reader opens it: on its own thread.
        var writer = Task.Run(() => File.WriteAllText(path, text));
        return (path, writer);
    }

    private async Task<(string People, string Accounts)> GenerateAsync(string format)
    {
        var data = Path.Combine(_dir, "data-" + format);
        Assert.Equal(0, await GenerateCommand.RunAsync(300, 40, 5, data, SampleConfig, format, null, new StringWriter()));
        return (Path.Combine(data, format == "csv" ? "people.csv" : "people.jsonl"), Path.Combine(data, "accounts.jsonl"));
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public async Task Simulate_PeopleAndAccountsFromPipes_SameDecisionsAsFromFiles_AndRejectsNameThePipe(string format)
    {
        var (people, accounts) = await GenerateAsync(format);
        var bad = format == "csv" ? "\"never closed\n" : "not json\n";
        File.AppendAllText(people, bad);
        var badLine = File.ReadAllLines(people).Length;

        var fromFiles = Path.Combine(_dir, "files.jsonl");
        var log = new StringWriter();
        Assert.Equal(2, await SimulateCommand.RunAsync(SampleConfig, people, accounts, null, At, fromFiles, log, _clock, CancellationToken.None));

        // No extension on the people pipe: its format is sniffed, which used to eat the start of a pipe.
        var (peoplePipe, w1) = Fifo("people", File.ReadAllText(people));
        var (accountsPipe, w2) = Fifo("accounts", File.ReadAllText(accounts));
        var fromPipes = Path.Combine(_dir, "pipes.jsonl");
        log = new StringWriter();
        var exit = await SimulateCommand.RunAsync(SampleConfig, peoplePipe, accountsPipe, null, At, fromPipes, log, _clock, CancellationToken.None);
        await Task.WhenAll(w1, w2);

        Assert.True(exit == 2, log.ToString());
        Assert.Equal(File.ReadAllText(fromFiles), File.ReadAllText(fromPipes));
        Assert.Contains("300 persons", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("40 accounts", log.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{peoplePipe}:{badLine}: rejected: ", log.ToString(), StringComparison.Ordinal);
        Assert.Contains($"\"file\":\"{peoplePipe.Replace("\\", "\\\\", StringComparison.Ordinal)}\"", File.ReadAllText(Path.Combine(_dir, "pipes.rejects.jsonl")), StringComparison.Ordinal);

        // The copies are gone once the run ends.
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "themodel-sync-*-people"));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "themodel-sync-*-accounts"));
    }

    [Theory]
    [InlineData("jsonl", false)]
    [InlineData("csv", false)]
    [InlineData("jsonl", true)]
    public async Task Simulate_GzipPeople_SameDecisionsAsUncompressed(string format, bool throughAPipe)
    {
        var (people, accounts) = await GenerateAsync(format);
        var plain = Path.Combine(_dir, "plain.jsonl");
        Assert.Equal(0, await SimulateCommand.RunAsync(SampleConfig, people, accounts, null, At, plain, new StringWriter(), _clock, CancellationToken.None));

        // people.csv.gz still reads as CSV: the copy drops .gz from its name.
        var gz = people + ".gz";
        using (var target = File.Create(gz))
        using (var gzip = new System.IO.Compression.GZipStream(target, System.IO.Compression.CompressionLevel.Fastest))
        using (var source = File.OpenRead(people))
        {
            source.CopyTo(gzip);
        }

        var input = gz;
        Task writer = Task.CompletedTask;
        if (throughAPipe)
        {
            input = Path.Combine(_dir, "gz-pipe");
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [input]) { UseShellExecute = false })!)
            {
                mkfifo.WaitForExit();
            }

            writer = Task.Run(() => File.WriteAllBytes(input, File.ReadAllBytes(gz)));
        }

        var fromGzip = Path.Combine(_dir, "gzip.jsonl");
        var log = new StringWriter();
        Assert.True(0 == await SimulateCommand.RunAsync(SampleConfig, input, accounts, null, At, fromGzip, log, _clock, CancellationToken.None), log.ToString());
        await writer;
        Assert.Equal(File.ReadAllText(plain), File.ReadAllText(fromGzip));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "themodel-sync-*-people.*"));
    }

    [Fact]
    public async Task Simulate_GzipThatCannotBeDecompressed_OneLineAndExit1_NothingWritten()
    {
        var bad = Path.Combine(_dir, "people.jsonl.gz");
        File.WriteAllBytes(bad, [0x1F, 0x8B, .. "not really gzip"u8]);
        var output = Path.Combine(_dir, "out.jsonl");
        var log = new StringWriter();

        Assert.Equal(1, await SimulateCommand.RunAsync(SampleConfig, bad, null, null, At, output, log, _clock, CancellationToken.None));

        Assert.StartsWith($"error: input '{bad}' is gzip-compressed but cannot be decompressed: ", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Diff_And_Explain_PeopleFromAPipe_ReadEveryPerson()
    {
        var (people, accounts) = await GenerateAsync("jsonl");
        var (pipe, writer) = Fifo("people-d", File.ReadAllText(people));
        var log = new StringWriter();
        var outPath = Path.Combine(_dir, "diff.json");
        Assert.Equal(0, await DiffCommand.RunAsync(SampleConfig, SampleConfig, pipe, accounts, null, At, asJson: true, outPath, 10,
            new StringWriter(), log, _clock, CancellationToken.None));
        await writer;
        Assert.Contains("\"persons\":300", File.ReadAllText(outPath).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var last = System.Text.Json.JsonDocument.Parse(File.ReadLines(people).Last()).RootElement.GetProperty("id").GetString()!;
        (pipe, writer) = Fifo("people-e", File.ReadAllText(people));
        var stdout = new StringWriter();
        log = new StringWriter();
        Assert.Equal(0, await ExplainCommand.RunAsync(SampleConfig, last, pipe, accounts, At, false, stdout, log, _clock));
        await writer;
        Assert.Contains($"Person {last}", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_RegularFile_IsUsedAsItIs()
    {
        var path = Path.Combine(_dir, "p.jsonl");
        File.WriteAllText(path, "{}\n");
        using var input = InputFiles.Prepare(path);
        Assert.False(input.IsCopy);
        Assert.Equal(path, input.Path);
        Assert.Equal(path, InputFiles.GivenPath(input.Path));
    }

    [Fact]
    public async Task Prepare_Fifo_CopiesItPrivately_NamesItAsGiven_AndDeletesTheCopy()
    {
        var (pipe, writer) = Fifo("in.csv", "id\nx\n");
        string copy;
        using (var input = InputFiles.Prepare(pipe))
        {
            await writer;
            Assert.True(input.IsCopy);
            copy = input.Path;
            Assert.EndsWith("-in.csv", copy, StringComparison.Ordinal);
            Assert.Equal("id\nx\n", File.ReadAllText(copy));
            Assert.Equal(pipe, InputFiles.GivenPath(copy));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
            }
        }

        Assert.False(File.Exists(copy));
        Assert.Equal(copy, InputFiles.GivenPath(copy));
    }
}

/// <summary>
/// The embedded sample config is written to a folder per process. Before, nothing deleted it: every sandbox or
/// generate run without a config folder left one in the temp folder (229 had piled up on the development machine).
/// </summary>
public sealed class SampleFolderTests
{
    [Fact]
    public async Task SampleFoldersOfEndedProcesses_AreDeleted_ThoseOfRunningOnesAreKept()
    {
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await ended.WaitForExitAsync();
        using var running = Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!;
        try
        {
            var gone = Path.Combine(Path.GetTempPath(), "themodel-sync-sample-" + ended.Id);
            var kept = Path.Combine(Path.GetTempPath(), "themodel-sync-sample-" + running.Id);
            var notOurs = Path.Combine(Path.GetTempPath(), "themodel-sync-sample-x" + ended.Id);
            foreach (var dir in new[] { gone, kept, notOurs })
            {
                Directory.CreateDirectory(Path.Combine(dir, "lists"));
                File.WriteAllText(Path.Combine(dir, "model.yaml"), "version: 1\n");
            }

            CliSupport.DeleteSampleFoldersOfEndedProcesses();

            Assert.False(Directory.Exists(gone));
            Assert.True(Directory.Exists(kept));
            Assert.True(Directory.Exists(notOurs));
            Directory.Delete(kept, recursive: true);
            Directory.Delete(notOurs, recursive: true);
        }
        finally
        {
            running.Kill();
        }
    }

    [Fact]
    public void ExtractSampleConfig_IsThisProcessesFolder_WithTheSampleInIt()
    {
        var dir = CliSupport.ExtractSampleConfig();
        Assert.Equal("themodel-sync-sample-" + Environment.ProcessId, Path.GetFileName(dir));
        Assert.True(File.Exists(Path.Combine(dir, "routing.yaml")));
        CliSupport.DeleteSampleFoldersOfEndedProcesses();
        Assert.True(Directory.Exists(dir));
    }
}
