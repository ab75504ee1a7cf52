using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace TheModel.Sync.Worker.Operations;

/// <summary>
/// Serilog for the daemon: console text on a terminal, compact JSON when <c>Logging:Json=true</c> or the output is
/// redirected (a container, systemd); everything through <see cref="RedactingSink"/>. Secrets are collected from the
/// configuration (any key whose last segment names a secret, token, password or key) so that a value echoed back
/// by a library is still blanked.
/// </summary>
internal static class WorkerLogging
{
    private static readonly string[] SecretWords = ["secret", "token", "password", "privatekey", "apikey", "clientkey"];

    public static Serilog.Core.Logger Create(IConfiguration configuration, TextWriter? output)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var json = configuration.GetValue<bool?>("Logging:Json") ?? (output is null && Console.IsOutputRedirected);
        var level = Enum.TryParse<LogEventLevel>(configuration["Logging:Level"], ignoreCase: true, out var l) ? l : LogEventLevel.Information;
        ITextFormatter formatter = json
            ? new CompactJsonFormatter()
            : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        var redactor = new LogRedactor(Secrets(configuration));
        var writer = output ?? Console.Out;
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Information)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new RedactingSink(new TextWriterSink(formatter, writer), redactor))
            .CreateLogger();
    }

    /// <summary>
    /// Every configured value under a key that names a secret, and the passwords inside connection strings
    /// (<c>Redis:Configuration=host:6379,password=...</c>).
    /// </summary>
    public static IEnumerable<string?> Secrets(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var last = key[(key.LastIndexOf(':') + 1)..].Replace("_", string.Empty, StringComparison.Ordinal);
            if (SecretWords.Any(w => last.Contains(w, StringComparison.OrdinalIgnoreCase)))
            {
                yield return value;
            }

            foreach (var part in value.Split([',', ';'], StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && SecretWords.Any(w => part.AsSpan(0, eq).Trim().ToString().Replace("_", string.Empty, StringComparison.Ordinal).Contains(w, StringComparison.OrdinalIgnoreCase)))
                {
                    yield return part[(eq + 1)..];
                }
            }
        }
    }

    /// <summary>Writes formatted events to a text writer, one at a time (the console or a test's buffer).</summary>
    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter writer) : Serilog.Core.ILogEventSink
    {
        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                formatter.Format(logEvent, writer);
                writer.Flush();
            }
        }
    }
}
