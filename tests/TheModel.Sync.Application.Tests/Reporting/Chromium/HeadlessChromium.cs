using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TheModel.Sync.Application.Tests.Reporting.Chromium;

/// <summary>
/// Debian's headless Chromium as a real process, driven over the DevTools protocol on a WebSocket, so a test can ask
/// the rendered page what it shows. Every wait has a timeout: a browser that hangs fails the test instead of hanging
/// it. Dispose kills the process tree and deletes the profile folder, whatever happened before.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly string profileDir;
    private readonly TimeSpan startTimeout;
    private readonly ConcurrentQueue<string> stderr = new();
    private readonly ClientWebSocket socket = new();
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly CancellationTokenSource closing = new();
    private Task receiveLoop = Task.CompletedTask;
    private int lastId;

    private HeadlessChromium(Process process, string profileDir, TimeSpan startTimeout)
    {
        this.process = process;
        this.profileDir = profileDir;
        this.startTimeout = startTimeout;
    }

    /// <summary>What Chromium wrote on stderr so far: the first thing to read when a test fails.</summary>
    public string Log => string.Join(Environment.NewLine, stderr);

    /// <summary>Starts Chromium on <paramref name="url"/> with a fresh profile and connects to its DevTools endpoint.</summary>
    public static Task<HeadlessChromium> LaunchAsync(string url, CancellationToken ct) =>
        LaunchAsync(url, ExecutablePath, DefaultStartTimeout, ct);

    /// <summary>The same with another executable and start timeout, so the tests of this class can stand in a broken browser.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(string url, string executable, TimeSpan startTimeout, CancellationToken ct)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"{executable} is missing: the HTML report test needs Debian's chromium. Install it with `apt-get install -y chromium`.");
        }

        var profileDir = Path.Combine(Path.GetTempPath(), "tm-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profileDir);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // The machine's network is closed and CI's may be too: nothing may wait on the network or phone home.
        foreach (var flag in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1024,768", $"--user-data-dir={profileDir}", "--remote-debugging-port=0", url])
        {
            start.ArgumentList.Add(flag);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var browser = new HeadlessChromium(process, profileDir, startTimeout);
        try
        {
            await browser.StartAsync(ct);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Attaches to the page showing <paramref name="url"/> and waits until it has loaded.</summary>
    public async Task<DevToolsPage> OpenPageAsync(string url, CancellationToken ct)
    {
        var targets = await SendAsync("Target.getTargets", null, null, ct);
        var page = targets.GetProperty("targetInfos").EnumerateArray()
            .FirstOrDefault(t => t.GetProperty("type").GetString() == "page");
        if (page.ValueKind == JsonValueKind.Undefined)
        {
            throw new InvalidOperationException($"Chromium shows no page target; targets: {targets}");
        }

        var attached = await SendAsync(
            "Target.attachToTarget",
            new JsonObject { ["targetId"] = page.GetProperty("targetId").GetString(), ["flatten"] = true },
            null,
            ct);
        var session = new DevToolsPage(this, attached.GetProperty("sessionId").GetString()!);
        await session.WaitForLoadAsync(url, ct);
        return session;
    }

    /// <summary>Sends one DevTools command and returns its result; a protocol error or a timeout throws with the reason.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, string? sessionId, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref lastId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            await sendLock.WaitAsync(timeout.Token);
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
            }
            finally
            {
                sendLock.Release();
            }

            return await reply.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Chromium did not answer {method} within {CommandTimeout.TotalSeconds:0} s.{Environment.NewLine}{Log}");
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        socket.Abort();
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(ExitTimeout);
            await process.WaitForExitAsync(exit.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started: there is nothing to kill.
        }
        finally
        {
            try
            {
                await receiveLoop;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or JsonException)
            {
                // The loop has already failed every command that waited on it; the test saw the error there.
            }

            process.Dispose();
            socket.Dispose();
            closing.Dispose();
            sendLock.Dispose();
            DeleteProfile();
        }
    }

    private async Task StartAsync(CancellationToken ct)
    {
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            stderr.Enqueue(e.Data);
            var match = DevToolsListening().Match(e.Data);
            if (match.Success)
            {
                endpoint.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Exited += (_, _) => endpoint.TrySetException(
            new InvalidOperationException($"Chromium exited before it listened for DevTools.{Environment.NewLine}{Log}"));

        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        Uri uri;
        try
        {
            uri = await endpoint.Task.WaitAsync(startTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Chromium did not print \"DevTools listening on ws://...\" within {startTimeout.TotalSeconds:0.#} s.{Environment.NewLine}{Log}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CommandTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        receiveLoop = ReceiveAsync(closing.Token);
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var part = await socket.ReceiveAsync(buffer, ct);
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        finally
        {
            foreach (var reply in pending.Values)
            {
                reply.TrySetException(new InvalidOperationException($"The DevTools connection closed.{Environment.NewLine}{Log}"));
            }
        }
    }

    private void Dispatch(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // Messages without an id are events; the tests ask the page directly instead of following events.
        if (!root.TryGetProperty("id", out var idProperty) || !pending.TryGetValue(idProperty.GetInt32(), out var reply))
        {
            return;
        }

        if (root.TryGetProperty("error", out var error))
        {
            reply.TrySetException(new DevToolsException(error.GetProperty("message").GetString() ?? error.ToString()));
        }
        else
        {
            reply.TrySetResult(root.GetProperty("result").Clone());
        }
    }

    private void DeleteProfile()
    {
        try
        {
            Directory.Delete(profileDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the test result is what matters.
        }
        catch (UnauthorizedAccessException)
        {
            // The same.
        }
    }

    [GeneratedRegex(@"DevTools listening on (?<url>ws://\S+)")]
    private static partial Regex DevToolsListening();
}

/// <summary>A DevTools protocol error, with Chromium's message.</summary>
internal sealed class DevToolsException(string message) : Exception(message);

/// <summary>One page of <see cref="HeadlessChromium"/>, attached with flatten, so commands carry its session id.</summary>
internal sealed class DevToolsPage(HeadlessChromium browser, string sessionId)
{
    public string SessionId { get; } = sessionId;

    /// <summary>Evaluates JavaScript in the page and returns its value (promises awaited); a thrown error throws here.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await browser.SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true },
            SessionId,
            ct);
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            throw new DevToolsException($"The page threw: {details}");
        }

        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v : default;
    }

    /// <summary>The page as Chromium paints it, as PNG bytes.</summary>
    public async Task<byte[]> CaptureScreenshotAsync(CancellationToken ct)
    {
        var shot = await browser.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, SessionId, ct);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>
    /// Waits for the load event of <paramref name="url"/>. The page may still be navigating away from about:blank when
    /// the test attaches; the evaluation then dies with its context and is asked again, until the deadline.
    /// </summary>
    internal async Task WaitForLoadAsync(string url, CancellationToken ct)
    {
        const string loaded = """
            new Promise(resolve => {
              const done = () => resolve(location.href);
              if (document.readyState === 'complete') { done(); } else { addEventListener('load', done, { once: true }); }
            })
            """;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        string? href = null;
        try
        {
            while (true)
            {
                try
                {
                    href = (await EvaluateAsync(loaded, deadline.Token)).GetString();
                    if (string.Equals(href, url, StringComparison.Ordinal))
                    {
                        return;
                    }
                }
                catch (DevToolsException) when (!deadline.IsCancellationRequested)
                {
                    // The context went away with the navigation; ask the new document.
                }

                // Still about:blank: give the navigation the command line asked for a moment, then ask again.
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The page did not load {url} within 20 s; it shows {href ?? "nothing yet"}.");
        }
    }
}
