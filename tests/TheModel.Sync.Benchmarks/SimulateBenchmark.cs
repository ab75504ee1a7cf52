using System.Diagnostics;
using System.Globalization;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>simulate</c>: the real <c>themodel-sync simulate</c> end to end in a child process (config load, reading and
/// parsing the JSON Lines, seeding, evaluation, writing every decision as JSON): wall time and the child's peak RSS.
/// </summary>
public static class SimulateBenchmark
{
    private const double TargetSeconds = 15;
    private const double TargetMegabytes = 1024;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = BenchData.RepoRoot();
        var configPath = BenchData.ConfigPath(options);
        var loaded = BenchData.LoadConfig(configPath);
        var dir = BenchData.EnsureData(options, loaded.Rules, loaded.Version);
        var worker = Path.Combine(root, "src", "TheModel.Sync.Worker", "bin", "Release", "net10.0", "themodel-sync.dll");
        // Built when missing, or when --build asks (a stale binary measures old code; its build time is printed). A
        // failed --build falls back to an existing binary with a warning: someone may be mid-edit.
        if (options.Build || !File.Exists(worker))
        {
            Console.WriteLine("building the worker (Release)");
            var build = await RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", Path.Combine(root, "src", "TheModel.Sync.Worker", "TheModel.Sync.Worker.csproj")], root, echo: true);
            if (build.ExitCode != 0 || !File.Exists(worker))
            {
                if (!File.Exists(worker))
                {
                    throw new BenchmarkFailure("building the worker failed");
                }

                Console.WriteLine("warning: the worker build failed; measuring the existing binary");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker: {worker}, built {File.GetLastWriteTimeUtc(worker):yyyy-MM-dd HH:mm:ss} UTC"));

        var outDir = Path.Combine(Path.GetTempPath(), "themodel-sync-bench", "simulate-out-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var output = Path.Combine(outDir, "decisions.jsonl");
        var at = Timestamps.Format(options.At);
        List<string> simulate = [worker, "simulate", "--config", configPath, "--people", Path.Combine(dir, "people.jsonl"),
            "--accounts", Path.Combine(dir, "accounts.jsonl"), "--at", at, "--out", output];
        Console.WriteLine($"run: dotnet {string.Join(' ', simulate)}");

        const string time = "/usr/bin/time";
        var useTime = File.Exists(time);
        var result = useTime
            ? await RunAsync(time, ["-v", "dotnet", .. simulate], root, echo: false)
            : await RunAsync("dotnet", simulate, root, echo: false);
        string[] timeLines = ["User time", "System time", "Percent of CPU", "Elapsed (wall clock)", "Maximum resident set size"];
        foreach (var line in result.Stderr.Where(l => !l.StartsWith('\t') || timeLines.Any(t => l.Contains(t, StringComparison.Ordinal))))
        {
            Console.WriteLine("  | " + line.Trim());
        }

        if (result.ExitCode != 0)
        {
            throw new BenchmarkFailure($"simulate exited with {result.ExitCode}");
        }

        // Peak RSS: /usr/bin/time's "Maximum resident set size" when present, else the VmHWM polled from /proc.
        var peakKb = result.PolledPeakKb;
        var source = "VmHWM polled from /proc";
        var reported = result.Stderr.FirstOrDefault(l => l.Contains("Maximum resident set size (kbytes):", StringComparison.Ordinal));
        if (reported is not null && long.TryParse(reported[(reported.LastIndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture, out var kb))
        {
            peakKb = kb;
            source = "/usr/bin/time -v";
        }

        var lines = CountLines(output);
        var size = new FileInfo(output).Length;
        if (!options.KeepOutput)
        {
            Directory.Delete(outDir, recursive: true);
        }

        var inv = CultureInfo.InvariantCulture;
        var seconds = result.Wall.TotalSeconds;
        var megabytes = peakKb / 1024.0;
        Console.WriteLine(string.Create(inv, $"decisions: {lines:N0} lines, {size / 1048576.0:N0} MiB{(options.KeepOutput ? " in " + output : " (deleted)")}"));
        Console.WriteLine(string.Create(inv, $"peak RSS from {source}; VmHWM polled: {result.PolledPeakKb / 1024.0:0} MB"));
        Console.WriteLine(string.Create(inv,
            $"targets: wall < {TargetSeconds} s: {(seconds < TargetSeconds ? "met" : "MISSED")}; peak RSS < {TargetMegabytes:0} MB: {(megabytes < TargetMegabytes ? "met" : "MISSED")}"));
        Console.WriteLine(string.Create(inv, $"simulate: {lines} persons in {seconds:0.00} s wall, peak RSS {megabytes:0} MB"));
        return 0;
    }

    private sealed record ChildResult(int ExitCode, TimeSpan Wall, long PolledPeakKb, List<string> Stderr);

    private static async Task<ChildResult> RunAsync(string file, IReadOnlyList<string> args, string workingDirectory, bool echo)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["CI"] = "true";
        var stderr = new List<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new BenchmarkFailure($"cannot start {file}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stderr)
                {
                    stderr.Add(line);
                }
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (echo && e.Data is { } line)
            {
                Console.WriteLine("  | " + line);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // Poll the peak RSS of the process and its children (under /usr/bin/time the measured one is a child).
        long peak = 0;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, PeakKb(process.Id));
            await Task.WhenAny(exited, poll.WaitForNextTickAsync().AsTask());
        }

        await exited;
        var wall = clock.Elapsed;
        return new ChildResult(process.ExitCode, wall, peak, stderr);
    }

    /// <summary>The largest VmHWM of a process and its direct children, in kB.</summary>
    private static long PeakKb(int pid)
    {
        var peak = ReadHwm(pid);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var children = Path.Combine(task, "children");
                if (!File.Exists(children))
                {
                    continue;
                }

                foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    peak = Math.Max(peak, ReadHwm(int.Parse(child, CultureInfo.InvariantCulture)));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return peak;
    }

    private static long ReadHwm(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var digits = line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim();
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    private static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }
}
