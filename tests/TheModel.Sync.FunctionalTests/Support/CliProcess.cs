using System.Diagnostics;

namespace TheModel.Sync.FunctionalTests.Support;

/// <summary>The command line as operators type it: <c>dotnet themodel-sync.dll ARGS</c> in its own process.</summary>
internal static class CliProcess
{
    /// <summary>Runs the verb in <paramref name="directory"/>; the output is stdout, a line break, then stderr.</summary>
    public static Task<(int Exit, string Output)> RunAsync(string directory, TimeSpan timeout, params string[] args) =>
        RunAsync(directory, timeout, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunAsync(string, TimeSpan, string[])"/>, with <paramref name="input"/> on standard input.</summary>
    public static Task<(int Exit, string Output)> RunWithInputAsync(string directory, TimeSpan timeout, string input, params string[] args) =>
        RunAsync(directory, timeout, new Dictionary<string, string>(), args, input);

    /// <summary>As <see cref="RunAsync(string, TimeSpan, string[])"/>, with variables added to the environment.</summary>
    public static Task<(int Exit, string Output)> RunAsync(string directory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(directory, timeout, environment, args, input: null);

    private static async Task<(int Exit, string Output)> RunAsync(string directory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, string[] args, string? input)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = directory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "themodel-sync.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out after {timeout}\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, (await stdout) + "\n" + (await stderr));
    }
}
