using System.Globalization;

namespace TheModel.Sync.Core.Records;

public enum ValueKind : byte
{
    Missing,
    String,
    Number,
    Bool,
    Time,
    List,
}

/// <summary>
/// A canonical field value. A small struct so that condition evaluation does not allocate:
/// numbers and instants share one 64-bit slot, strings and lists one reference.
/// </summary>
public readonly struct Value : IEquatable<Value>
{
    private readonly object? _ref;
    private readonly long _bits;

    private Value(ValueKind kind, object? reference, long bits)
    {
        Kind = kind;
        _ref = reference;
        _bits = bits;
    }

    public ValueKind Kind { get; }

    public static Value Missing => default;

    public bool IsMissing => Kind == ValueKind.Missing;

    public static Value Of(string? s) => s is null ? default : new Value(ValueKind.String, s, 0);

    public static Value Of(double n) => new(ValueKind.Number, null, BitConverter.DoubleToInt64Bits(n));

    public static Value Of(double? n) => n is { } v ? Of(v) : default;

    public static Value Of(bool b) => new(ValueKind.Bool, null, b ? 1 : 0);

    public static Value Of(bool? b) => b is { } v ? Of(v) : default;

    /// <summary>An instant; the offset is kept so that output shows it as given.</summary>
    public static Value Of(DateTimeOffset t) => new(ValueKind.Time, t.Offset, t.UtcTicks);

    public static Value Of(DateTimeOffset? t) => t is { } v ? Of(v) : default;

    public static Value Of(IReadOnlyList<string>? list) => list is null ? default : new Value(ValueKind.List, list, 0);

    public string AsString => (string)_ref!;

    public double AsNumber => BitConverter.Int64BitsToDouble(_bits);

    public bool AsBool => _bits != 0;

    public long UtcTicks => _bits;

    public DateTimeOffset AsTime =>
        new DateTimeOffset(_bits, TimeSpan.Zero).ToOffset(_ref is TimeSpan o ? o : TimeSpan.Zero);

    public IReadOnlyList<string> AsList => (IReadOnlyList<string>)_ref!;

    /// <summary>Reads the value as a number, parsing strings (custom fields from CSV are strings).</summary>
    public bool TryNumber(out double n)
    {
        switch (Kind)
        {
            case ValueKind.Number:
                n = AsNumber;
                return true;
            case ValueKind.String:
                return double.TryParse(AsString, NumberStyles.Float, CultureInfo.InvariantCulture, out n);
            case ValueKind.Bool:
                n = AsBool ? 1 : 0;
                return true;
            default:
                n = 0;
                return false;
        }
    }

    /// <summary>Reads the value as an instant in UTC ticks, parsing ISO 8601 strings.</summary>
    public bool TryTicks(out long ticks)
    {
        switch (Kind)
        {
            case ValueKind.Time:
                ticks = _bits;
                return true;
            case ValueKind.String when Timestamps.TryParse(AsString, out var t):
                ticks = t.UtcTicks;
                return true;
            default:
                ticks = 0;
                return false;
        }
    }

    public bool TryBool(out bool b)
    {
        switch (Kind)
        {
            case ValueKind.Bool:
                b = AsBool;
                return true;
            case ValueKind.String when bool.TryParse(AsString, out var parsed):
                b = parsed;
                return true;
            default:
                b = false;
                return false;
        }
    }

    /// <summary>
    /// Equality as conditions see it: strings ignore case; a string compares to a number, bool or instant by parsing it.
    /// </summary>
    public static bool LooseEquals(in Value a, in Value b)
    {
        if (a.Kind == ValueKind.Missing || b.Kind == ValueKind.Missing)
        {
            return false;
        }

        if (a.Kind == ValueKind.List)
        {
            foreach (var item in a.AsList)
            {
                if (LooseEquals(Of(item), b))
                {
                    return true;
                }
            }

            return false;
        }

        if (a.Kind == b.Kind)
        {
            return a.Kind switch
            {
                ValueKind.String => string.Equals(a.AsString, b.AsString, StringComparison.OrdinalIgnoreCase),
                ValueKind.Number => a.AsNumber == b.AsNumber,
                _ => a._bits == b._bits,
            };
        }

        if (a.Kind == ValueKind.String || b.Kind == ValueKind.String)
        {
            var typed = a.Kind == ValueKind.String ? b : a;
            var text = a.Kind == ValueKind.String ? a : b;
            return typed.Kind switch
            {
                ValueKind.Number => text.TryNumber(out var n) && n == typed.AsNumber,
                ValueKind.Bool => text.TryBool(out var v) && v == typed.AsBool,
                ValueKind.Time => text.TryTicks(out var t) && t == typed.UtcTicks,
                _ => false,
            };
        }

        return a.TryNumber(out var x) && b.TryNumber(out var y) && x == y;
    }

    /// <summary>Orders two values as numbers or as instants; false when they cannot be ordered.</summary>
    public static bool TryCompare(in Value a, in Value b, out int comparison)
    {
        comparison = 0;
        if (a.Kind == ValueKind.Missing || b.Kind == ValueKind.Missing)
        {
            return false;
        }

        if (a.Kind == ValueKind.Time || b.Kind == ValueKind.Time)
        {
            if (a.TryTicks(out var ta) && b.TryTicks(out var tb))
            {
                comparison = ta.CompareTo(tb);
                return true;
            }

            return false;
        }

        if (a.Kind == ValueKind.Number || b.Kind == ValueKind.Number)
        {
            if (a.TryNumber(out var na) && b.TryNumber(out var nb))
            {
                comparison = na.CompareTo(nb);
                return true;
            }

            return false;
        }

        if (a.Kind == ValueKind.String && b.Kind == ValueKind.String)
        {
            comparison = string.Compare(a.AsString, b.AsString, StringComparison.OrdinalIgnoreCase);
            return true;
        }

        return false;
    }

    public bool Equals(Value other) => Kind == other.Kind && _bits == other._bits && Equals(_ref, other._ref);

    public override bool Equals(object? obj) => obj is Value v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Kind, _bits, _ref);

    public static bool operator ==(Value left, Value right) => left.Equals(right);

    public static bool operator !=(Value left, Value right) => !left.Equals(right);

    /// <summary>How the value reads in an explanation: strings quoted, instants in ISO 8601.</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Missing => "missing",
        ValueKind.String => "\"" + AsString + "\"",
        ValueKind.Number => AsNumber.ToString("0.####", CultureInfo.InvariantCulture),
        ValueKind.Bool => AsBool ? "true" : "false",
        ValueKind.Time => Timestamps.Format(AsTime),
        ValueKind.List => "[" + string.Join(", ", AsList) + "]",
        _ => "?",
    };
}

/// <summary>ISO 8601 instants as the language reads and writes them.</summary>
public static class Timestamps
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    /// <summary>
    /// Parses an ISO 8601 instant with an offset (or Z). A bare date is midnight UTC; a date-time without offset is rejected
    /// because it would mean a different instant on every machine.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.AsSpan().Trim();
        if (s.Length == 10)
        {
            if (DateTime.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                value = new DateTimeOffset(d, TimeSpan.Zero);
                return true;
            }

            return false;
        }

        if (s.Length < 11 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        {
            return false;
        }

        var last = s[^1];
        var hasOffset = last is 'Z' or 'z' || (s.Length > 19 && (s[^6] is '+' or '-') && s[^3] == ':');
        if (!hasOffset)
        {
            return false;
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    public static string Format(DateTimeOffset t) =>
        t.Offset == TimeSpan.Zero
            ? t.UtcDateTime.ToString(t.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : t.ToString(t.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
