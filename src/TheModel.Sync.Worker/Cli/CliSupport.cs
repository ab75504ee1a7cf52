using System.Reflection;
using Spectre.Console;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Cli;

/// <summary>What the verbs share: loading a config with its errors printed, times, progress on a terminal.</summary>
internal static class CliSupport
{
    public const int ExitOk = 0;
    public const int ExitError = 1;
    public const int ExitBadLines = 2;

    /// <summary>
    /// Loads a config, printing every error (as <c>FILE:LINE:COL: error CODE: message</c>, or as <paramref name="format"/>
    /// writes it); null when it does not load.
    /// </summary>
    public static LoadedConfig? LoadConfig(string path, TextWriter errors, Func<Config.Diagnostics.ConfigDiagnostic, string>? format = null)
    {
        var result = ConfigLoader.Load(path);
        foreach (var d in result.Diagnostics)
        {
            errors.WriteLine(format is null ? d.ToString() : format(d));
        }

        if (!result.Succeeded)
        {
            var count = result.Diagnostics.Count(d => d.Severity == Config.Diagnostics.Severity.Error);
            errors.WriteLine($"{path}: {count} error{(count == 1 ? string.Empty : "s")}; the config was not loaded");
            return null;
        }

        return result.Config;
    }

    private const string SampleFolderPrefix = "themodel-sync-sample-";
    private static int s_sampleCleanupRegistered;

    /// <summary>
    /// The sample config shipped inside the executable, written to a folder so its list files resolve. The folder is
    /// this process's (named by its id) and is deleted when the process exits; folders left by processes that no
    /// longer run (killed before they could delete theirs) are deleted here.
    /// </summary>
    public static string ExtractSampleConfig()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var dir = Path.Combine(Path.GetTempPath(), SampleFolderPrefix + Environment.ProcessId);
        if (Interlocked.Exchange(ref s_sampleCleanupRegistered, 1) == 0)
        {
            DeleteSampleFoldersOfEndedProcesses();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDeleteFolder(dir);
        }

        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("SampleConfig/", StringComparison.Ordinal)))
        {
            var target = Path.Combine(dir, name["SampleConfig/".Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(target);
            source.CopyTo(file);
        }

        return dir;
    }

    internal static void DeleteSampleFoldersOfEndedProcesses()
    {
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), SampleFolderPrefix + "*"))
            {
                if (int.TryParse(Path.GetFileName(folder).AsSpan(SampleFolderPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
                    pid != Environment.ProcessId && !IsRunning(pid))
                {
                    TryDeleteFolder(folder);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tidying up is best effort.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's folder, or one in use: left.
        }
    }

    /// <summary>The warning for person ids on more than one line: how many, the first five, and what it means.</summary>
    public static string DuplicateIdsWarning(IReadOnlyList<(string Id, int Times)> ids, string peoplePath, string consequence)
    {
        var shown = string.Join(", ", ids.Take(5).Select(d => $"{d.Id} {d.Times} times")) + (ids.Count > 5 ? ", …" : string.Empty);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"warning: {ids.Count:N0} person id{(ids.Count == 1 ? " is" : "s are")} in {peoplePath} more than once ({shown}): {consequence}");
    }

    /// <summary><c>-</c> for an input file is standard input (<c>/dev/stdin</c>, copied like any pipe).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(path))]
    public static string? StdinFor(string? path) => path == "-" && !OperatingSystem.IsWindows() ? "/dev/stdin" : path;

    /// <summary>
    /// The inputs made readable twice (<see cref="InputFiles.Prepare"/>): pipes (<c>--people &lt;(zcat …)</c>) copied
    /// and gzip files decompressed to temporary files; the others as given. A path that does not exist is left as
    /// given, for the check that reports it; one that cannot be read or decompressed is in <see cref="InputCopies.Errors"/>.
    /// </summary>
    public static InputCopies PrepareInputs(params string?[] paths)
    {
        var copies = new InputCopies();
        try
        {
            foreach (var path in paths)
            {
                if (!string.IsNullOrEmpty(path) && File.Exists(path) && copies[path] == path)
                {
                    try
                    {
                        copies.Add(InputFiles.Prepare(path));
                    }
                    catch (InvalidDataException e)
                    {
                        copies.Errors.Add($"error: input '{path}' is gzip-compressed but cannot be decompressed: {e.Message}");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        copies.Errors.Add($"error: cannot read input '{path}': {e.Message}");
                    }
                }
            }

            return copies;
        }
        catch
        {
            copies.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="PrepareInputs"/> off the calling thread: opening a FIFO blocks until something writes to it, and a
    /// thread blocked there would not see Ctrl+C or SIGTERM. When <paramref name="cancellationToken"/> ends the wait,
    /// the copies made meanwhile are deleted once the copying ends.
    /// </summary>
    public static async Task<InputCopies> PrepareInputsAsync(CancellationToken cancellationToken, params string?[] paths)
    {
        var copying = Task.Run(() => PrepareInputs(paths), CancellationToken.None);
        try
        {
            return await copying.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _ = DisposeWhenCopied(copying);
            throw;
        }

        static async Task DisposeWhenCopied(Task<InputCopies> copying) => (await copying).Dispose();
    }

    /// <summary>What <see cref="PrepareInputs"/> made: <c>copies[path]</c> is the path to read; disposing deletes the copies.</summary>
    public sealed class InputCopies : IDisposable
    {
        private readonly List<InputFiles.InputCopy> _copies = [];

        /// <summary>One line per input that could not be read or decompressed: the run must not go on without it.</summary>
        public List<string> Errors { get; } = [];

        public string this[string path] => _copies.Find(c => c.Given == path)?.Path ?? path;

        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(path))]
        public string? Of(string? path) => path is null ? null : this[path];

        internal void Add(InputFiles.InputCopy copy) => _copies.Add(copy);

        /// <summary>False, with the errors written to <paramref name="log"/>, when an input could not be prepared.</summary>
        public bool Report(TextWriter log)
        {
            foreach (var error in Errors)
            {
                log.WriteLine(error);
            }

            return Errors.Count == 0;
        }

        public void Dispose()
        {
            foreach (var copy in _copies)
            {
                copy.Dispose();
            }
        }
    }

    /// <summary>False, with one line on <paramref name="errors"/>, when a given input file does not exist (nulls are not given).</summary>
    public static bool InputsExist(TextWriter errors, params string?[] paths)
    {
        foreach (var path in paths)
        {
            if (path is not null && !File.Exists(path))
            {
                errors.WriteLine(Directory.Exists(path) ? $"error: input '{path}' is a folder; give a file" : $"error: input file '{path}' not found");
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// False, with one line on <paramref name="errors"/>, when an output would overwrite what the run reads: an input
    /// file, a config or list file, or a new <c>*.yaml</c> in a config folder (the next load would take it for config).
    /// Paths are compared after symbolic links are followed, so <c>./x/../p.jsonl</c> or a link to it is caught too.
    /// </summary>
    public static bool OutputsApartFromInputs(TextWriter errors, string configPath, LoadedConfig config, IEnumerable<string?> inputs, params string?[] outputs)
    {
        var read = inputs.Concat(config.Files).Concat(config.ListFiles)
            .Where(p => !string.IsNullOrEmpty(p))
            .Select(p => (Given: p!, Real: RealPath(p!)))
            .ToList();
        var configFolder = Directory.Exists(configPath) ? RealPath(configPath) : null;
        foreach (var output in outputs)
        {
            if (string.IsNullOrEmpty(output))
            {
                continue;
            }

            var real = RealPath(output);
            foreach (var (given, path) in read)
            {
                if (string.Equals(real, path, StringComparison.Ordinal))
                {
                    errors.WriteLine($"error: cannot write '{output}': it is the input '{given}', which the run reads; choose another output file");
                    return false;
                }
            }

            if (configFolder is not null && string.Equals(Path.GetDirectoryName(real), configFolder, StringComparison.Ordinal) &&
                Path.GetExtension(real) is ".yaml" or ".yml")
            {
                errors.WriteLine($"error: cannot write '{output}': a .yaml file in the config folder '{configPath}' would be loaded as config next time; choose another output file");
                return false;
            }
        }

        return true;
    }

    /// <summary>The full path with every symbolic link along it followed (as far as the path exists).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hops = 0; hops < 40; hops++)
        {
            var root = Path.GetPathRoot(full) ?? "/";
            var current = root;
            var relinked = false;
            foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                var next = Path.Combine(current, part);
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.Exists && info.LinkTarget is { } target)
                {
                    // The link's target replaces it, and the rest of the path is walked again from there.
                    var rest = full[Math.Min(full.Length, next.Length)..].TrimStart(Path.DirectorySeparatorChar);
                    full = Path.GetFullPath(Path.Combine(Path.GetFullPath(target, current), rest));
                    relinked = true;
                    break;
                }

                current = next;
            }

            if (!relinked)
            {
                return current;
            }
        }

        return full;
    }

    /// <summary>
    /// False, with one line on <paramref name="errors"/>, when a given output file could not be created: its folder
    /// does not exist, or the path is a folder. Checked before a long run, so that its result is not lost at the end.
    /// </summary>
    public static bool OutputsCreatable(TextWriter errors, params string?[] paths)
    {
        foreach (var path in paths)
        {
            if (path is null)
            {
                continue;
            }

            var full = Path.GetFullPath(path);
            var folder = Path.GetDirectoryName(full);
            var problem = Directory.Exists(full) ? "it is a folder"
                : folder is null || !Directory.Exists(folder) ? $"the folder '{folder}' does not exist"
                : null;
            if (problem is not null)
            {
                errors.WriteLine($"error: cannot write '{path}': {problem}");
                return false;
            }
        }

        return true;
    }

    public static bool TryParseAt(string? text, TimeProvider clock, out DateTimeOffset at, TextWriter errors)
    {
        if (text is null)
        {
            at = clock.GetUtcNow();
            return true;
        }

        if (Timestamps.TryParse(text, out at))
        {
            return true;
        }

        errors.WriteLine($"error: --at '{text}' is not an ISO 8601 time with an offset, e.g. 2026-11-30T10:00:00+09:00");
        return false;
    }

    /// <summary>
    /// Runs work with a progress bar on stderr when stderr is a terminal; otherwise quietly.
    /// The work reports (done, total) through the callback it is given.
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(string label, Func<Action<long, long>, Task<T>> work)
    {
        if (Console.IsErrorRedirected || Environment.GetEnvironmentVariable("CI") is "true")
        {
            return await work(static (_, _) => { });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, autoStart: true, maxValue: 1);
                result = await work((done, total) =>
                {
                    if (total > 0)
                    {
                        task.MaxValue = total;
                        task.Value = Math.Min(done, total);
                    }
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
