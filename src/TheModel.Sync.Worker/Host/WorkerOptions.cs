using System.Globalization;
using Microsoft.Extensions.Options;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Host;

/// <summary>
/// The daemon's timing and batching, from the <c>Worker</c> section of appsettings, the environment
/// (<c>Worker__PollInterval=30s</c>) or the command line. Durations are written <c>30s</c>, <c>5m</c>, <c>1h</c>,
/// <c>500ms</c> or <c>00:00:30</c>. Validated on start (<see cref="WorkerOptionsValidator"/>).
/// </summary>
internal sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>How often people are polled per CRM (the safety net under webhooks).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often accounts and opportunities are polled into the account catalog.</summary>
    public TimeSpan CatalogPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often due SLA deadlines and recycle rechecks are claimed.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the CRMs' owners are read to check the roster's CRM ids.</summary>
    public TimeSpan RosterRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Where the first person poll starts when no watermark is stored: this far back from now. Polling every
    /// person the CRM ever had would queue the whole history for routing.
    /// </summary>
    public TimeSpan PersonPollLookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Records asked for per poll call.</summary>
    public int PollPageSize { get; set; } = 200;

    /// <summary>Poll calls per job run; the rest waits for the next run so one run never holds the lease for long.</summary>
    public int MaxPollPagesPerRun { get; set; } = 10;

    /// <summary>Queue entries the consumer takes per read.</summary>
    public int ReadBatchSize { get; set; } = 500;

    /// <summary>How long one queue read waits for an entry.</summary>
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After the first entry of a batch arrives, how long the consumer keeps reading to fill the batch: one CRM read
    /// and one write then serve many events (the batch goes at the size limit or at the end of the window).
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the consumer takes over entries left unacknowledged by a crashed or slow instance.</summary>
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an entry must have been held before another consumer may take it over.</summary>
    public TimeSpan ReclaimMinIdle { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries after which a still-failing event is dead-lettered.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How often the config folder's content is hashed, in case the file watcher missed a change.</summary>
    public TimeSpan ConfigCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait after a file change before reloading, so an editor's several writes load once.</summary>
    public TimeSpan ConfigReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether a config is applied only when its own <c>tests:</c> pass (first load and reloads).</summary>
    public bool RunConfigTests { get; set; } = true;

    /// <summary>Whether the Quartz schedules (polls, sweeps, roster) run; off for hosts that drive them by hand.</summary>
    public bool SchedulesEnabled { get; set; } = true;

    /// <summary>Items claimed per sweep call.</summary>
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>Values that could not be read (bad duration, number or flag, unknown key), reported by the validator.</summary>
    internal List<string> BindErrors { get; } = [];
}

/// <summary>
/// Reads the <c>Worker</c> section by hand: the stock binder reads <c>5</c> as five days and has no <c>30s</c>, and
/// silently ignores a misspelt key, which would leave an operator's setting unapplied without a word.
/// </summary>
internal static class WorkerOptionsBinder
{
    private static readonly Dictionary<string, Action<WorkerOptions, string, string>> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(WorkerOptions.PollInterval)] = (o, k, v) => o.PollInterval = Duration(o, k, v, o.PollInterval),
        [nameof(WorkerOptions.CatalogPollInterval)] = (o, k, v) => o.CatalogPollInterval = Duration(o, k, v, o.CatalogPollInterval),
        [nameof(WorkerOptions.SweepInterval)] = (o, k, v) => o.SweepInterval = Duration(o, k, v, o.SweepInterval),
        [nameof(WorkerOptions.RosterRefreshInterval)] = (o, k, v) => o.RosterRefreshInterval = Duration(o, k, v, o.RosterRefreshInterval),
        [nameof(WorkerOptions.PersonPollLookback)] = (o, k, v) => o.PersonPollLookback = Duration(o, k, v, o.PersonPollLookback),
        [nameof(WorkerOptions.PollPageSize)] = (o, k, v) => o.PollPageSize = Integer(o, k, v, o.PollPageSize),
        [nameof(WorkerOptions.MaxPollPagesPerRun)] = (o, k, v) => o.MaxPollPagesPerRun = Integer(o, k, v, o.MaxPollPagesPerRun),
        [nameof(WorkerOptions.ReadBatchSize)] = (o, k, v) => o.ReadBatchSize = Integer(o, k, v, o.ReadBatchSize),
        [nameof(WorkerOptions.ReadWait)] = (o, k, v) => o.ReadWait = Duration(o, k, v, o.ReadWait),
        [nameof(WorkerOptions.ReclaimInterval)] = (o, k, v) => o.ReclaimInterval = Duration(o, k, v, o.ReclaimInterval),
        [nameof(WorkerOptions.ReclaimMinIdle)] = (o, k, v) => o.ReclaimMinIdle = Duration(o, k, v, o.ReclaimMinIdle),
        [nameof(WorkerOptions.MaxDeliveries)] = (o, k, v) => o.MaxDeliveries = Integer(o, k, v, o.MaxDeliveries),
        [nameof(WorkerOptions.ConfigCheckInterval)] = (o, k, v) => o.ConfigCheckInterval = Duration(o, k, v, o.ConfigCheckInterval),
        [nameof(WorkerOptions.ConfigReloadDebounce)] = (o, k, v) => o.ConfigReloadDebounce = Duration(o, k, v, o.ConfigReloadDebounce),
        [nameof(WorkerOptions.BatchWindow)] = (o, k, v) => o.BatchWindow = Duration(o, k, v, o.BatchWindow),
        [nameof(WorkerOptions.RunConfigTests)] = (o, k, v) => o.RunConfigTests = Flag(o, k, v, o.RunConfigTests),
        [nameof(WorkerOptions.SchedulesEnabled)] = (o, k, v) => o.SchedulesEnabled = Flag(o, k, v, o.SchedulesEnabled),
        [nameof(WorkerOptions.SweepBatchSize)] = (o, k, v) => o.SweepBatchSize = Integer(o, k, v, o.SweepBatchSize),
    };

    public static void Bind(WorkerOptions options, IConfiguration section)
    {
        foreach (var child in section.GetChildren())
        {
            var key = $"{WorkerOptions.Section}:{child.Key}";
            if (!Setters.TryGetValue(child.Key, out var set))
            {
                options.BindErrors.Add($"{key} is not a known setting; known: {string.Join(", ", Setters.Keys.Order(StringComparer.Ordinal))}");
                continue;
            }

            if (child.Value is null)
            {
                options.BindErrors.Add($"{key} must be a single value, not a section");
                continue;
            }

            set(options, key, child.Value);
        }
    }

    /// <summary><c>30s</c>, <c>5m</c>, <c>500ms</c> or a .NET time span (<c>00:00:30</c>).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var t = text.Trim();
        if (t.EndsWith("ms", StringComparison.Ordinal)
            && long.TryParse(t.AsSpan(0, t.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            duration = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        if (Durations.TryParse(t, out duration))
        {
            return true;
        }

        // Only the colon form: a bare "5" would otherwise mean five days.
        return t.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out duration);
    }

    private static TimeSpan Duration(WorkerOptions o, string key, string value, TimeSpan current)
    {
        if (TryParseDuration(value, out var d))
        {
            return d;
        }

        o.BindErrors.Add($"{key} must be a duration like 30s, 5m, 1h, 500ms or 00:00:30, was '{value}'");
        return current;
    }

    private static int Integer(WorkerOptions o, string key, string value, int current)
    {
        if (int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        o.BindErrors.Add($"{key} must be a whole number, was '{value}'");
        return current;
    }

    private static bool Flag(WorkerOptions o, string key, string value, bool current)
    {
        if (bool.TryParse(value.Trim(), out var b))
        {
            return b;
        }

        o.BindErrors.Add($"{key} must be true or false, was '{value}'");
        return current;
    }
}

/// <summary>Checks the worker options on start; every message names the setting and shows the bad value.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(options.BindErrors);
        AtLeast(failures, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromSeconds(5));
        AtLeast(failures, nameof(options.CatalogPollInterval), options.CatalogPollInterval, TimeSpan.FromSeconds(5));
        AtLeast(failures, nameof(options.SweepInterval), options.SweepInterval, TimeSpan.FromSeconds(1));
        AtLeast(failures, nameof(options.RosterRefreshInterval), options.RosterRefreshInterval, TimeSpan.FromMinutes(1));
        AtLeast(failures, nameof(options.PersonPollLookback), options.PersonPollLookback, TimeSpan.Zero);
        AtMost(failures, nameof(options.PersonPollLookback), options.PersonPollLookback, TimeSpan.FromDays(30));
        Between(failures, nameof(options.PollPageSize), options.PollPageSize, 1, 2000);
        Between(failures, nameof(options.MaxPollPagesPerRun), options.MaxPollPagesPerRun, 1, 1000);
        Between(failures, nameof(options.ReadBatchSize), options.ReadBatchSize, 1, 1000);
        AtLeast(failures, nameof(options.ReadWait), options.ReadWait, TimeSpan.FromMilliseconds(10));
        AtMost(failures, nameof(options.ReadWait), options.ReadWait, TimeSpan.FromSeconds(30));
        AtLeast(failures, nameof(options.BatchWindow), options.BatchWindow, TimeSpan.Zero);
        AtMost(failures, nameof(options.BatchWindow), options.BatchWindow, TimeSpan.FromSeconds(10));
        AtLeast(failures, nameof(options.ReclaimInterval), options.ReclaimInterval, TimeSpan.FromSeconds(1));
        AtLeast(failures, nameof(options.ReclaimMinIdle), options.ReclaimMinIdle, TimeSpan.FromSeconds(5));
        Between(failures, nameof(options.MaxDeliveries), options.MaxDeliveries, 1, 100);
        AtLeast(failures, nameof(options.ConfigCheckInterval), options.ConfigCheckInterval, TimeSpan.FromSeconds(1));
        AtMost(failures, nameof(options.ConfigReloadDebounce), options.ConfigReloadDebounce, TimeSpan.FromSeconds(30));
        Between(failures, nameof(options.SweepBatchSize), options.SweepBatchSize, 1, 10_000);
        if (options.ReclaimMinIdle <= options.ReadWait)
        {
            failures.Add($"Worker:ReclaimMinIdle must be longer than Worker:ReadWait ({DurationText.Format(options.ReadWait)}), was {DurationText.Format(options.ReclaimMinIdle)}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string name, TimeSpan value, TimeSpan min)
    {
        if (value < min)
        {
            failures.Add($"{WorkerOptions.Section}:{name} must be at least {DurationText.Format(min)}, was {DurationText.Format(value)}");
        }
    }

    private static void AtMost(List<string> failures, string name, TimeSpan value, TimeSpan max)
    {
        if (value > max)
        {
            failures.Add($"{WorkerOptions.Section}:{name} must be at most {DurationText.Format(max)}, was {DurationText.Format(value)}");
        }
    }

    private static void Between(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{WorkerOptions.Section}:{name} must be between {min} and {max}, was {value}"));
        }
    }
}

/// <summary>Durations as operators write them: <c>30s</c>, <c>5m</c>, <c>500ms</c>, <c>-1s</c>.</summary>
internal static class DurationText
{
    public static string Format(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
        {
            return "-" + Format(d.Negate());
        }

        return d.Ticks % TimeSpan.TicksPerSecond != 0
            ? ((long)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms"
            : Durations.Format(d);
    }
}
