using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TheModel.Sync.FunctionalTests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp folder, killed on dispose. A missing binary
/// fails the test: the worker's Redis mode is what these tests prove.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly bool _appendOnly;
    private Process? _process;

    private RedisProcess(string binary, string directory, bool appendOnly)
    {
        _binary = binary;
        Directory = directory;
        _appendOnly = appendOnly;
    }

    public string Directory { get; }

    public int Port { get; private set; }

    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts a server; <paramref name="appendOnly"/> turns on the AOF with an fsync per write.</summary>
    public static async Task<RedisProcess> StartAsync(bool appendOnly = false)
    {
        var binary = FindBinary();
        var directory = System.IO.Directory.CreateTempSubdirectory("tm-func-redis-").FullName;
        var server = new RedisProcess(binary, directory, appendOnly);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = Ports.Free();
            try
            {
                await server.LaunchAsync();
                return server;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                await server.StopAsync();
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"redis-server did not start after 3 attempts: {last?.Message}", last);
    }

    /// <summary>Kills the server as a crash would (SIGKILL) and starts it again on the same port and folder.</summary>
    public async Task CrashAndRestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            _process = null;
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync();
            p.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(_binary) { WorkingDirectory = Directory, UseShellExecute = false };
        string[] args =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--logfile", "redis.log", "--daemonize", "no", "--save", string.Empty,
            .. _appendOnly ? new[] { "--appendonly", "yes", "--appendfsync", "always" } : ["--appendonly", "no"],
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_binary}");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}: {LogTail()}");
            }

            if (await AnswersPingAsync())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s: {LogTail()}");
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);

            // While loading the AOF the server answers -LOADING; only +PONG means it serves commands.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string LogTail()
    {
        var log = Path.Combine(Directory, "redis.log");
        return File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(10)) : "(no log)";
    }

    private static string FindBinary()
    {
        const string Installed = "/usr/bin/redis-server";
        if (File.Exists(Installed))
        {
            return Installed;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"redis-server was not found at {Installed} or on PATH; the functional tests need a real server (they never skip): install it and run them again.");
    }
}

internal static class Ports
{
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
