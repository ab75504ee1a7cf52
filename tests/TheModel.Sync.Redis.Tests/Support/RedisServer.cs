using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TheModel.Sync.Redis.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp folder, killed and removed on dispose.
/// A missing server binary is a failure, never a skip: these tests are the only proof the Redis store works.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binary;
    private readonly bool _appendOnly;
    private Process? _process;

    private RedisServer(string binary, string directory, int port, bool appendOnly)
    {
        _binary = binary;
        Directory = directory;
        Port = port;
        _appendOnly = appendOnly;
    }

    public string Directory { get; }

    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; <paramref name="appendOnly"/> turns on the AOF with an fsync per write.</summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var binary = FindBinary();
        var directory = Path.Combine(Path.GetTempPath(), "tm-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var server = new RedisServer(binary, directory, 0, appendOnly);
        Exception? last = null;

        // A port picked free can be taken before redis-server binds it; a few tries with fresh ports cover that.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = FreePort();
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

    /// <summary>Kills the server as a crash would (SIGKILL, no shutdown save) and starts it again on the same port and folder.</summary>
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
        var start = new ProcessStartInfo(_binary)
        {
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--logfile", "redis.log", "--daemonize", "no", "--save", string.Empty })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in _appendOnly ? new[] { "--appendonly", "yes", "--appendfsync", "always" } : ["--appendonly", "no"])
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
        if (!File.Exists(log))
        {
            return "(no log)";
        }

        var lines = File.ReadAllLines(log);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 10)));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindBinary()
    {
        const string Installed = "/usr/bin/redis-server";
        if (File.Exists(Installed))
        {
            return Installed;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"redis-server was not found at {Installed} or on PATH. The Redis store tests need a real server " +
            "(they never skip): install it, e.g. 'apt-get install redis-server', and run the tests again.");
    }
}
