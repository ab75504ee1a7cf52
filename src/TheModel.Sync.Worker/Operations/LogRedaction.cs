using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace TheModel.Sync.Worker.Operations;

/// <summary>
/// Takes personal data and secrets out of log text: email addresses become <c>[email]</c>, phone numbers
/// <c>[phone]</c>, and the configured secrets <c>[secret]</c>. Record ids, epoch milliseconds and timestamps are
/// left alone: a phone number needs a leading <c>+</c> or separators between its digit groups, and 9 to 15 digits.
/// </summary>
internal sealed partial class LogRedactor
{
    public const string EmailMark = "[email]";
    public const string PhoneMark = "[phone]";
    public const string SecretMark = "[secret]";

    private readonly string[] _secrets;

    public LogRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);

        // Short values (a "1", "true") would blank out ordinary text; no real secret is that short.
        _secrets = secrets.OfType<string>().Where(s => s.Length >= 6).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text;
        foreach (var secret in _secrets)
        {
            result = result.Replace(secret, SecretMark, StringComparison.Ordinal);
        }

        if (result.Contains('@', StringComparison.Ordinal))
        {
            result = Email().Replace(result, EmailMark);
        }

        return Phone().Replace(result, m => LooksLikePhone(m.ValueSpan) ? PhoneMark : m.Value);
    }

    private static bool LooksLikePhone(ReadOnlySpan<char> candidate)
    {
        var digits = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits is >= 9 and <= 15;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // "+81 90-1234-5678", "+14155552671", "090-1234-5678", "(555) 123-4567", "555.123.4567"; not "2026-11-30" (too
    // few digits), "1462216307945" (no separator, no plus) or a dotted version or address (followed by more digits).
    [GeneratedRegex(@"(?<![\w+\-.])(?:\+\d[\d\s().\-]{6,20}\d|\(\d{2,5}\)[\s.\-]?\d{2,4}[\s.\-]?\d{3,5}|\d{2,5}[\s.\-]\d{2,4}[\s.\-]\d{3,5})(?![\w]|[.\-]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}

/// <summary>
/// Passes every event to the inner sink with its message text, property values and exception redacted, so no
/// sink (console text, compact JSON) ever sees an email address, a phone number or a secret.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner, LogRedactor redactor) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var text = redactor.Redact(logEvent.MessageTemplate.Text);
        var template = ReferenceEquals(text, logEvent.MessageTemplate.Text) || text == logEvent.MessageTemplate.Text
            ? logEvent.MessageTemplate
            : Parser.Parse(text);
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value)));
        var exception = logEvent.Exception is { } ex ? new RedactedException(ex, redactor) : null;
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, template, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(redactor.Redact(s)),
        ScalarValue { Value: Uri uri } => new ScalarValue(redactor.Redact(uri.ToString())),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Redact)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), st.TypeTag),
        DictionaryValue dict => new DictionaryValue(dict.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key is { Value: string k } ? new ScalarValue(redactor.Redact(k)) : kv.Key, Redact(kv.Value)))),
        _ => value,
    };
}

/// <summary>
/// Stands in for a logged exception: sinks render an exception with <see cref="ToString"/>, and exception messages
/// (a CRM's validation error, an HTTP body) can quote a person's email.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    public RedactedException(Exception original, LogRedactor redactor)
        : base(redactor.Redact(original.Message))
    {
        _text = redactor.Redact(original.ToString());
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
    }

    public string OriginalType { get; }

    public override string ToString() => _text;
}
