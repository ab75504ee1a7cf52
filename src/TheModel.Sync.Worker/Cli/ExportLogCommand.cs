using System.CommandLine;
using System.Text;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// <c>export-log [--out FILE] [--from DATE] [--to DATE]</c>: the live decision log from Redis as JSON Lines, streamed
/// page by page (memory stays flat however long the log is), for <c>report --decisions</c> or any other tool.
/// </summary>
internal static class ExportLogCommand
{
    public const string Name = "export-log";

    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Write the lines to this file instead of standard output (- is standard output)." };
        var from = new Option<string?>("--from") { Description = "Only decisions made at or after this date or time (2026-11-27, or ISO 8601 with an offset)." };
        var to = new Option<string?>("--to") { Description = "Only decisions made before this time (with an offset), or through this date (its whole UTC day)." };
        var command = new Command(
            Name,
            "Export the live decision log from Redis as JSON Lines, oldest first. Redis is found as `run` finds it: Redis:Configuration " +
            "and Redis:KeyPrefix in appsettings.json, the environment (Redis__Configuration), or settings such as --Redis:Configuration=HOST:PORT.")
        {
            output, from, to,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            // Console.Out flushes on every write; a million lines want a buffered writer.
            await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
            return await RunAsync(
                parse.GetValue(output) is "-" ? null : parse.GetValue(output), parse.GetValue(from), parse.GetValue(to), [.. parse.UnmatchedTokens], stdout, Console.Error, !Console.IsErrorRedirected, ct);
        });
        return command;
    }

    /// <summary>
    /// Exports to <paramref name="outPath"/> (or <paramref name="stdout"/>); a progress bar on stderr when
    /// <paramref name="showProgress"/>. <paramref name="log"/> replaces the Redis log found from the settings (tests).
    /// </summary>
    internal static async Task<int> RunAsync(
        string? outPath,
        string? fromText,
        string? toText,
        IReadOnlyList<string> unmatched,
        TextWriter stdout,
        TextWriter errors,
        bool showProgress,
        CancellationToken cancellationToken,
        IDecisionLog? log = null)
    {
        if (!DecisionLogSource.TrySettings(unmatched, errors, out var settings)
            || !DecisionLogSource.TryParseBound("--from", fromText, end: false, out var from, errors)
            || !DecisionLogSource.TryParseBound("--to", toText, end: true, out var to, errors))
        {
            return CliSupport.ExitError;
        }

        // Written to a temporary file beside the target and moved into place at the end, so a failed export never
        // leaves a half file that looks like a whole one.
        var temporary = outPath is null ? null : outPath + ".partial";
        long written;
        try
        {
            if (temporary is null)
            {
                written = await CopyAsync(settings, log, from, to, stdout, showProgress, cancellationToken);
                await stdout.FlushAsync(cancellationToken);
            }
            else
            {
                await using (var file = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16))
                {
                    written = await CopyAsync(settings, log, from, to, file, showProgress, cancellationToken);
                }

                File.Move(temporary, outPath!, overwrite: true);
            }
        }
        catch (DecisionLogUnavailableException ex)
        {
            errors.WriteLine("error: " + ex.Message);
            Discard(temporary);
            return CliSupport.ExitError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: writing '{outPath}' failed: {ex.Message}");
            Discard(temporary);
            return CliSupport.ExitError;
        }

        var source = log is null ? DecisionLogSource.Describe(DecisionLogSource.Settings(settings)) : "the given log";
        errors.WriteLine($"{written} decision{(written == 1 ? string.Empty : "s")} exported from {source}{(outPath is null ? string.Empty : " to " + outPath)}");
        return CliSupport.ExitOk;
    }

    private static async Task<long> CopyAsync(
        IReadOnlyList<string> settings, IDecisionLog? log, DateTimeOffset? from, DateTimeOffset? to, TextWriter target, bool showProgress, CancellationToken cancellationToken)
    {
        if (!showProgress)
        {
            return await CopyLinesAsync(settings, log, from, to, target, null, cancellationToken);
        }

        return await CliSupport.WithProgressAsync("export-log", progress => CopyLinesAsync(settings, log, from, to, target, progress, cancellationToken));
    }

    private static async Task<long> CopyLinesAsync(
        IReadOnlyList<string> settings, IDecisionLog? log, DateTimeOffset? from, DateTimeOffset? to, TextWriter target, Action<long, long>? progress, CancellationToken cancellationToken)
    {
        var written = 0L;
        var lines = log is null
            ? DecisionLogSource.Lines(null, settings, from, to, cancellationToken, progress)
            : DecisionLogSource.LogLines(log, from, to, 0, progress, cancellationToken);
        await foreach (var line in lines)
        {
            await target.WriteLineAsync(line.AsMemory(), cancellationToken);
            written++;
        }

        return written;
    }

    private static void Discard(string? temporary)
    {
        if (temporary is not null && File.Exists(temporary))
        {
            File.Delete(temporary);
        }
    }
}
