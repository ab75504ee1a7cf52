using Microsoft.Extensions.Options;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Reload;

/// <summary>What a config check did.</summary>
internal enum ReloadResult
{
    /// <summary>The folder's content is as it was last loaded or tried.</summary>
    Unchanged,

    /// <summary>A new config was validated and put in use.</summary>
    Applied,

    /// <summary>The new content did not validate: the last good config stays and the status is degraded.</summary>
    Failed,
}

/// <summary>
/// Hot reload: a file watcher on the config folder, with a periodic content hash as the fallback for changes the
/// watcher misses (network and container volumes, a ConfigMap's symlink swap). A change is loaded, validated and
/// applied whole; a change that does not validate keeps the last good config, logs every error, marks the status
/// degraded (<c>/readyz</c>) and is counted. The same content is not tried twice.
/// </summary>
internal sealed partial class ConfigReloader : BackgroundService
{
    private readonly ConfigFolder _folder;
    private readonly RoutingConfigProvider _provider;
    private readonly WorkerOptions _options;
    private readonly WorkerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigReloader> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private string _lastHash;

    public ConfigReloader(
        ConfigFolder folder,
        LoadedConfigHash loadedHash,
        RoutingConfigProvider provider,
        IOptions<WorkerOptions> options,
        WorkerMetrics metrics,
        TimeProvider time,
        ILogger<ConfigReloader> logger)
    {
        ArgumentNullException.ThrowIfNull(loadedHash);
        ArgumentNullException.ThrowIfNull(options);
        _folder = folder;
        _provider = provider;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _lastHash = loadedHash.Value;
    }

    /// <summary>Hashes the folder and reloads when its content changed since the last load or attempt.</summary>
    public async Task<ReloadResult> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var hash = _folder.ContentHash();
            if (hash == _lastHash)
            {
                return ReloadResult.Unchanged;
            }

            _lastHash = hash;
            return Reload();
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = StartWatcher();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var signalled = await WaitForChangeAsync(stoppingToken);
                if (signalled && _options.ConfigReloadDebounce > TimeSpan.Zero)
                {
                    // Editors and deploy tools write several files, or one file several times: load once they are done.
                    await Task.Delay(_options.ConfigReloadDebounce, _time, stoppingToken);
                    while (_changed.CurrentCount > 0)
                    {
                        await _changed.WaitAsync(stoppingToken);
                    }
                }

                await CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.CheckFailed(_logger, _folder.Path, ex);
            }
        }
    }

    private ReloadResult Reload()
    {
        var outcome = ConfigLoading.Load(_folder.Path, _options.RunConfigTests, _time.GetUtcNow());
        foreach (var warning in outcome.Warnings)
        {
            Log.ReloadWarning(_logger, warning);
        }

        if (outcome.Config is { } config)
        {
            var before = _provider.Status.Version;
            _provider.Apply(config);
            _metrics.ConfigReloads.WithLabels("ok").Inc();
            _metrics.ConfigDegraded.Set(0);
            Log.Applied(_logger, _folder.Path, before, config.Version);
            return ReloadResult.Applied;
        }

        _provider.MarkFailed(outcome.Errors);
        _metrics.ConfigReloads.WithLabels("failed").Inc();
        _metrics.ConfigDegraded.Set(1);
        Log.Rejected(_logger, _folder.Path, outcome.Errors.Count, _provider.Status.Version);
        foreach (var error in outcome.Errors)
        {
            Log.ReloadError(_logger, error);
        }

        return ReloadResult.Failed;
    }

    private FileSystemWatcher? StartWatcher()
    {
        try
        {
            var watcher = new FileSystemWatcher(_folder.WatchedDirectory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.Error += (_, e) => Log.WatcherError(_logger, _folder.WatchedDirectory, e.GetException());
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Some volumes cannot be watched; the periodic hash check still sees every change.
            Log.WatcherError(_logger, _folder.WatchedDirectory, ex);
            return null;
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => _changed.Release();

    /// <summary>True when the watcher signalled, false when the check interval passed.</summary>
    private async Task<bool> WaitForChangeAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var signal = _changed.WaitAsync(cts.Token);
        var interval = Task.Delay(_options.ConfigCheckInterval, _time, cts.Token);
        var first = await Task.WhenAny(signal, interval);
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
        return first == signal && signal.Status == TaskStatus.RanToCompletion;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Config reloaded from {Path}: version {Before} -> {After}")]
        public static partial void Applied(ILogger logger, string path, string before, string after);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Config reload from {Path} rejected with {Count} errors; still routing on version {Version}")]
        public static partial void Rejected(ILogger logger, string path, int count, string version);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Config reload error: {Error}")]
        public static partial void ReloadError(ILogger logger, string error);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Config warning: {Warning}")]
        public static partial void ReloadWarning(ILogger logger, string warning);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Cannot watch {Directory} for changes; relying on the periodic check")]
        public static partial void WatcherError(ILogger logger, string directory, Exception exception);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Checking {Path} for config changes failed")]
        public static partial void CheckFailed(ILogger logger, string path, Exception exception);
    }
}

/// <summary>The content hash of the config folder as the first load read it.</summary>
internal sealed record LoadedConfigHash(string Value);
