using System.Diagnostics;
using TheModel.Sync.Application.Tests.Reporting.Chromium;
using TheModel.Sync.Application.Tests.Support;

namespace TheModel.Sync.Application.Tests.Reporting;

/// <summary>The browser harness fails loudly and cleans up when the browser is missing, dies or hangs.</summary>
public sealed class FunnelHtmlChromiumSupportTests
{
    [Fact]
    public async Task LaunchAsync_MissingBrowser_FailsSayingHowToInstallIt()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            HeadlessChromium.LaunchAsync("about:blank", "/nonexistent/chromium", TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Contains("/nonexistent/chromium is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y chromium", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaunchAsync_BrowserExitsAtOnce_FailsWithWhatItWrote()
    {
        using var dir = new TempDir();
        var browser = Script(dir, "echo 'cannot open display' >&2; exit 3");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            HeadlessChromium.LaunchAsync("about:blank", browser, TimeSpan.FromSeconds(20), CancellationToken.None));

        Assert.Contains("exited before it listened for DevTools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaunchAsync_BrowserHangs_TimesOutAndKillsIt()
    {
        using var dir = new TempDir();
        var pidFile = dir.Combine("pid");
        var browser = Script(dir, $"echo $$ > '{pidFile}'; exec sleep 600");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            HeadlessChromium.LaunchAsync("about:blank", browser, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Contains("did not print \"DevTools listening on ws://...\" within 1 s", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"gave up after {clock.Elapsed}");
        var pid = File.ReadAllText(pidFile).Trim();
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the hung browser (pid {pid}) is still running");
    }

    private static string Script(TempDir dir, string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the browser stand-in is a shell script; these tests run where Debian's chromium does");
        }

        var path = dir.File("fake-chromium", $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
