using Microsoft.Extensions.Hosting;
using static TheModel.Sync.Worker.Tests.Deploy.DeployFiles;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>A systemd unit file as section → key → values (a key may repeat, as Environment= does).</summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, Dictionary<string, List<string>>> _sections = new(StringComparer.Ordinal);

    public static SystemdUnit Parse(string text)
    {
        var unit = new SystemdUnit();
        Dictionary<string, List<string>>? section = null;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                unit._sections[line[1..^1]] = section;
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(section is not null && eq > 0, $"{SystemdUnitFile}:{number}: '{line}' is neither [Section] nor Key=value in a section");
            var key = line[..eq].Trim();
            if (!section!.TryGetValue(key, out var values))
            {
                section[key] = values = [];
            }

            values.Add(line[(eq + 1)..].Trim());
        }

        return unit;
    }

    private const string SystemdUnitFile = DeployFiles.SystemdUnit;

    public IReadOnlyList<string> Values(string section, string key) =>
        _sections.TryGetValue(section, out var keys) && keys.TryGetValue(key, out var values) ? values : [];

    public string Value(string section, string key)
    {
        var values = Values(section, key);
        Assert.True(values.Count > 0, $"{SystemdUnitFile}: [{section}] has no {key}=");
        return values[^1];
    }
}

public sealed class SystemdUnitTests
{
    private static readonly SystemdUnit Unit = SystemdUnit.Parse(Read(DeployFiles.SystemdUnit));

    [Theory]
    [InlineData("Service", "NoNewPrivileges", "yes")]
    [InlineData("Service", "ProtectSystem", "strict")]
    [InlineData("Service", "PrivateTmp", "yes")]
    [InlineData("Service", "ProtectHome", "yes")]
    [InlineData("Service", "Restart", "on-failure")]
    [InlineData("Service", "Type", "exec")]
    [InlineData("Install", "WantedBy", "multi-user.target")]
    public void RequiredKey_HasItsValue(string section, string key, string expected)
    {
        var actual = Unit.Value(section, key);
        Assert.True(actual == expected, $"{DeployFiles.SystemdUnit}: [{section}] {key}={actual}, expected {expected}");
    }

    [Fact]
    public void Unit_StartsAfterAndWantsTheLocalRedis()
    {
        foreach (var key in new[] { "After", "Wants" })
        {
            var units = Unit.Values("Unit", key).SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            Assert.True(units.Contains("redis-server.service"), $"{DeployFiles.SystemdUnit}: [Unit] {key}={string.Join(' ', units)} does not name redis-server.service");
        }
    }

    [Fact]
    public void Service_RunsTheWorkerAsItsOwnUser_WithTheConfigReadOnly()
    {
        var user = Unit.Value("Service", "User");
        Assert.True(user is not "root" and not "0", $"{DeployFiles.SystemdUnit}: User={user}");

        var exec = Unit.Value("Service", "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Path.GetFileName(exec[0]) == ExecutableName(), $"{DeployFiles.SystemdUnit}: ExecStart runs {exec[0]}, not the worker's executable {ExecutableName()}");
        Assert.True(exec[1] == "run", $"{DeployFiles.SystemdUnit}: ExecStart verb is {exec[1]}, not run");
        var config = ConfigArgument(exec);
        Assert.True(config is not null, $"{DeployFiles.SystemdUnit}: ExecStart passes no --config");

        var readOnly = Unit.Values("Service", "ReadOnlyPaths").SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.True(readOnly.Contains(config!), $"{DeployFiles.SystemdUnit}: --config {config} is not in ReadOnlyPaths ({string.Join(' ', readOnly)})");
        Assert.True(Unit.Values("Service", "MemoryDenyWriteExecute").All(v => v != "yes"), $"{DeployFiles.SystemdUnit}: MemoryDenyWriteExecute=yes stops the .NET JIT");
    }

    [Fact]
    public void Service_StopTimeoutLongerThanTheHostsShutdown()
    {
        var text = Unit.Value("Service", "TimeoutStopSec");
        Assert.True(int.TryParse(text.TrimEnd('s'), out var seconds), $"{DeployFiles.SystemdUnit}: TimeoutStopSec={text} is not a number of seconds");
        var shutdown = new HostOptions().ShutdownTimeout;
        Assert.True(TimeSpan.FromSeconds(seconds) > shutdown, $"{DeployFiles.SystemdUnit}: TimeoutStopSec={text} is not longer than the host's shutdown timeout ({shutdown.TotalSeconds} s)");
    }

    [Fact]
    public void Environment_EveryNameIsASettingTheWorkerReads_SecretsFromTheEnvironmentFile()
    {
        var keys = KnownSettings.Keys();
        Assert.False(string.IsNullOrEmpty(Unit.Value("Service", "EnvironmentFile")));
        var inUnit = Unit.Values("Service", "Environment").Select(v => v[..v.IndexOf('=', StringComparison.Ordinal)]);
        var inFile = Read(SystemdEnv).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToList();
        foreach (var (file, names) in new[] { (DeployFiles.SystemdUnit, inUnit), (SystemdEnv, inFile) })
        {
            foreach (var name in names)
            {
                Assert.True(KnownSettings.Problem(name, keys) is null, $"{file}: {KnownSettings.Problem(name, keys)}");
            }
        }

        Assert.Contains("Redis__Configuration", inFile);
        Assert.DoesNotContain(Unit.Values("Service", "Environment"), v => v.Contains("Token", StringComparison.Ordinal) || v.Contains("Secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Urls_LoopbackBehindTheReverseProxy()
    {
        var urls = Unit.Values("Service", "Environment").Single(v => v.StartsWith("Urls=", StringComparison.Ordinal))["Urls=".Length..];
        Assert.True(new Uri(urls).IsLoopback, $"{DeployFiles.SystemdUnit}: Urls={urls} is not loopback; the host's reverse proxy is the public side");
    }
}
