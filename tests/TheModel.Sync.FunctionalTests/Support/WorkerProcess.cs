using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace TheModel.Sync.FunctionalTests.Support;

/// <summary>
/// The worker as operators run it: <c>dotnet themodel-sync.dll run</c> in its own process, settings as
/// <c>--Key=value</c> tokens, stdout and stderr in a log file (kept after the test for diagnostics). Killed with
/// SIGKILL, never asked to stop: the point is that a crash loses nothing.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _configDirectory;
    private readonly IReadOnlyList<string> _settings;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;

    public WorkerProcess(string name, int port, string configDirectory, IReadOnlyList<string> settings, string logDirectory)
    {
        Name = name;
        Port = port;
        _configDirectory = configDirectory;
        _settings = settings;
        LogPath = Path.Combine(logDirectory, name + ".log");
        _log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    public string LogPath { get; }

    public int Starts { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the process (again, after a kill) and waits until <c>/readyz</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "themodel-sync.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // Its own working directory: an appsettings.json lying around must not change the settings under test.
            WorkingDirectory = Path.GetDirectoryName(LogPath)!,
        };
        string[] args = [dll, "run", "--config", _configDirectory, "--urls", BaseUrl.ToString().TrimEnd('/'), "--Logging:Json=false", .. _settings];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Starts++;
        WriteLog($"==== start #{Starts}: dotnet {string.Join(' ', args)}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data is null ? null : "ERR " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready; log: {LogPath}\n{LogTail()}");
            }

            if (await ReadyStatusAsync() == 200)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{Name} was not ready within {ReadyTimeout.TotalSeconds:0}s; log: {LogPath}\n{LogTail()}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no acknowledgement, no lease release.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } p)
        {
            return;
        }

        _process = null;
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
        }

        await p.WaitForExitAsync();
        WriteLog("==== killed (SIGKILL)");
        p.Dispose();
    }

    public async Task<int> ReadyStatusAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(BaseUrl, "readyz"));
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>The <c>/readyz</c> body's overall status and its config check's detail.</summary>
    public async Task<(string Status, string? ConfigDetail)> ReadinessAsync()
    {
        using var response = await _http.GetAsync(new Uri(BaseUrl, "readyz"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var status = body.GetProperty("status").GetString() ?? "(none)";
        string? detail = null;
        if (body.TryGetProperty("checks", out var checks) && checks.TryGetProperty("config", out var config) && config.TryGetProperty("detail", out var d))
        {
            detail = d.GetString();
        }

        return (status, detail);
    }

    /// <summary>The sum of a counter or gauge over every label set whose labels contain <paramref name="labelFilter"/>.</summary>
    public async Task<double> MetricAsync(string name, string labelFilter = "")
    {
        var text = await _http.GetStringAsync(new Uri(BaseUrl, "metrics"));
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || (line[name.Length] != '{' && line[name.Length] != ' '))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (line.AsSpan(0, space).Contains(labelFilter, StringComparison.Ordinal)
                && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
            }
        }

        return sum;
    }

    public string LogTail(int lines = 30)
    {
        lock (_logGate)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>Log lines that report an unhandled failure (for assertion messages).</summary>
    public IReadOnlyList<string> ErrorLines()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => l.Contains(" ERR] ", StringComparison.Ordinal) || l.Contains(" FTL] ", StringComparison.Ordinal)).Take(20)];
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _http.Dispose();
        lock (_logGate)
        {
            _log.Dispose();
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after dispose is dropped.
            }
        }
    }
}
