using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Redis;
using TheModel.Sync.Worker.Host;

namespace TheModel.Sync.Worker.Cli;

/// <summary>The decision log could not be opened: no file, no Redis configured, or Redis not answering. The message is the operator's whole answer.</summary>
internal sealed class DecisionLogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The decision log's lines, oldest first, from a JSON Lines file (<c>sandbox --decision-log</c>, <c>export-log</c>)
/// or from the live log in Redis, for the verbs that read it (<c>export-log</c>, <c>explain --person CRM:ID</c>,
/// <c>report</c>). Redis is found the way <c>run</c> finds it: <c>Redis:Configuration</c> and <c>Redis:KeyPrefix</c> from
/// appsettings.json, the environment (<c>Redis__Configuration</c>) or command-line settings
/// (<c>--Redis:Configuration=host:6379</c>).
/// </summary>
/// <remarks>
/// <c>from</c> (inclusive) and <c>to</c> (exclusive) bound each decision's own time (its <c>at</c>) in both sources.
/// The Redis log is indexed by append time, which trails <c>at</c> by the batch's write time, so Redis is asked for
/// <see cref="AppendSlack"/> more on each side and every line is then checked against its <c>at</c>.
/// </remarks>
internal static class DecisionLogSource
{
    /// <summary>Lines read per round trip from Redis: large enough to stream fast, small enough to keep memory flat.</summary>
    public const int PageSize = 2_000;

    /// <summary>How much later than its decision's <c>at</c> a line may have been appended (a batch's writes and retries).</summary>
    public static readonly TimeSpan AppendSlack = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The lines of <paramref name="file"/> when given, else of the live log in Redis. Errors opening either throw
    /// <see cref="DecisionLogUnavailableException"/> on the first read. <paramref name="settings"/> are extra
    /// command-line settings (<c>--Redis:Configuration=...</c>); <paramref name="progress"/> is told (lines read, lines
    /// in the log) as the Redis log is read (the total is the whole log's length, an upper bound under from/to).
    /// </summary>
    public static IAsyncEnumerable<string> Lines(
        string? file,
        IReadOnlyList<string> settings,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken,
        Action<long, long>? progress = null) =>
        file is not null ? FileLines(file, from, to, cancellationToken) : RedisLines(Settings(settings), from, to, progress, cancellationToken);

    /// <summary>The worker's settings as <c>run</c> reads them (appsettings.json, environment, then <paramref name="args"/>).</summary>
    public static IConfiguration Settings(IReadOnlyList<string> args)
    {
        var builder = new ConfigurationBuilder();
        WorkerHost.ConfigureConfiguration(builder, args, null);
        return builder.Build();
    }

    /// <summary>Where the Redis log is, for messages ("Redis at 127.0.0.1:6379, key prefix themodel:"); passwords left out.</summary>
    public static string Describe(IConfiguration settings)
    {
        var options = Bind(settings);
        return $"Redis at {Redact(options.Configuration)}, key prefix {options.KeyPrefix}";
    }

    /// <summary>
    /// A decision log file as text. One compressed with gzip (<c>decisions.jsonl.gz</c>, as logs are archived) is
    /// decompressed as it is read; a pipe is read as it comes.
    /// </summary>
    public static StreamReader OpenFile(string path)
    {
        Stream stream = new FileStream(path, new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
        if (stream.CanSeek)
        {
            var head = new byte[2];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (Application.Input.InputFiles.StartsAsGzip(head.AsSpan(0, read)))
            {
                stream = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            }
        }

        return new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    public static async IAsyncEnumerable<string> FileLines(string path, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DecisionLogUnavailableException($"decision log file '{path}' not found");
        }

        using var reader = OpenFile(path);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line) && InRange(line, from, to))
            {
                yield return line;
            }
        }
    }

    public static async IAsyncEnumerable<string> RedisLines(
        IConfiguration settings,
        DateTimeOffset? from,
        DateTimeOffset? to,
        Action<long, long>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = Bind(settings);
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            throw new DecisionLogUnavailableException(
                $"no Redis is configured: set {StoreRegistration.RedisKey} in appsettings.json, as the environment variable Redis__Configuration, " +
                "or pass --Redis:Configuration=HOST:PORT (or read a file with --decisions FILE)");
        }

        var (redis, services) = await ConnectAsync(options, cancellationToken);
        await using (redis)
        await using (services)
        {
            var log = services.GetRequiredService<IDecisionLog>();
            var total = progress is null ? 0 : await redis.GetDatabase().StreamLengthAsync(options.KeyPrefix + "decisions");
            await foreach (var line in LogLines(log, from, to, total, progress, cancellationToken))
            {
                yield return line;
            }
        }
    }

    /// <summary>The lines of any <see cref="IDecisionLog"/>, page by page; store errors become <see cref="DecisionLogUnavailableException"/>.</summary>
    public static async IAsyncEnumerable<string> LogLines(
        IDecisionLog log,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long total,
        Action<long, long>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var read = 0L;
        string? cursor = null;
        do
        {
            DecisionLogPage page;
            try
            {
                page = await log.ReadPageAsync(cursor, PageSize, from - AppendSlack, to + AppendSlack, cancellationToken);
            }
            catch (RedisException ex)
            {
                throw new DecisionLogUnavailableException($"reading the decision log failed after {read} lines: {ex.Message}", ex);
            }

            foreach (var line in page.Lines)
            {
                if (InRange(line, from, to))
                {
                    yield return line;
                }
            }

            read += page.Lines.Count;
            progress?.Invoke(read, Math.Max(total, read));
            cursor = page.Next;
        }
        while (cursor is not null);
    }

    /// <summary>A decision line's <c>at</c>, or null when the line has none (it is then never filtered out).</summary>
    public static DateTimeOffset? At(string line)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(line));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAt = reader.ValueTextEquals("at"u8);
                reader.Read();
                if (isAt)
                {
                    return reader.TokenType == JsonTokenType.String && Timestamps.TryParse(reader.GetString(), out var at) ? at : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A broken line is passed on as it is: the reader that parses it in full reports it with its line number.
        }

        return null;
    }

    /// <summary>
    /// Parses a --from/--to value for every verb that reads the decision log: an ISO 8601 time with an offset, or a
    /// date, which is a whole UTC day (as a start its midnight, as an <paramref name="end"/> the next midnight). Windows
    /// are half-open: from its start, up to but not including its end.
    /// </summary>
    public static bool TryParseBound(string option, string? text, bool end, out DateTimeOffset? bound, TextWriter errors)
    {
        bound = null;
        if (text is null)
        {
            return true;
        }

        text = text.Trim();

        // A bare date first: the timestamp reader would take it as its midnight, which is wrong for an end.
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            bound = end ? midnight.AddDays(1) : midnight;
            return true;
        }

        if (Timestamps.TryParse(text, out var at))
        {
            bound = at;
            return true;
        }

        errors.WriteLine($"error: {option} '{text}' is not a date (2026-11-27) or an ISO 8601 time with an offset (2026-11-27T10:00:00+09:00)");
        return false;
    }

    /// <summary>
    /// Checks the tokens a verb did not recognise: each must be a setting (<c>--Section:Key=value</c>), as <c>run</c>
    /// accepts them; anything else is reported as an unknown option.
    /// </summary>
    public static bool TrySettings(IReadOnlyList<string> unmatched, TextWriter errors, out IReadOnlyList<string> settings)
    {
        var bad = unmatched.Where(t => !(t.StartsWith("--", StringComparison.Ordinal) && t.Contains(':', StringComparison.Ordinal) && t.Contains('=', StringComparison.Ordinal))).ToList();
        foreach (var token in bad)
        {
            errors.WriteLine($"error: unrecognized argument '{token}' (settings are written --Section:Key=value, e.g. --Redis:Configuration=localhost:6379)");
        }

        settings = [.. unmatched];
        return bad.Count == 0;
    }

    private static bool InRange(string line, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null && to is null)
        {
            return true;
        }

        var at = At(line);
        return at is null || ((from is null || at >= from) && (to is null || at < to));
    }

    private static RedisStoreOptions Bind(IConfiguration settings)
    {
        var options = new RedisStoreOptions();
        settings.GetSection("Redis").Bind(options);
        return options;
    }

    private static async Task<(ConnectionMultiplexer Redis, ServiceProvider Services)> ConnectAsync(RedisStoreOptions options, CancellationToken cancellationToken)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(options.Configuration);
        }
        catch (ArgumentException ex)
        {
            throw new DecisionLogUnavailableException($"{StoreRegistration.RedisKey} '{Redact(options.Configuration)}' is not a Redis configuration string: {ex.Message}", ex);
        }

        // Unlike the daemon, which waits for Redis in the background, a command fails at once with the reason.
        parsed.AbortOnConnectFail = true;
        parsed.ClientName ??= "themodel-sync-cli";
        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(parsed).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException ex)
        {
            // The library's message goes on to advise abortConnect=false, which is about daemons, not this command.
            throw new DecisionLogUnavailableException($"Redis at {Redact(options.Configuration)} is not reachable ({ex.FailureType}); is it running, and is {StoreRegistration.RedisKey} right?", ex);
        }
        catch (RedisException ex)
        {
            throw new DecisionLogUnavailableException($"Redis at {Redact(options.Configuration)} is not reachable: {ex.Message}", ex);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(redis);
        try
        {
            services.AddRedisStores(options);
        }
        catch (OptionsValidationException ex)
        {
            await redis.DisposeAsync();
            throw new DecisionLogUnavailableException("the Redis settings are invalid: " + string.Join("; ", ex.Failures), ex);
        }

        return (redis, services.BuildServiceProvider());
    }

    private static string Redact(string configuration)
    {
        try
        {
            return ConfigurationOptions.Parse(configuration).ToString(includePassword: false);
        }
        catch (ArgumentException)
        {
            return configuration.Contains("password", StringComparison.OrdinalIgnoreCase) ? "(a configuration string with a password)" : configuration;
        }
    }
}
