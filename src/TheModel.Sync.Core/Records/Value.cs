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
    public static Value Of(DateTimeOffset t) => new(ValueKind.Time, BoxedOffset(t.Offset), t.UtcTicks);

    // Every evaluation reads instants (decay, ages, SLA clocks) and offsets are few, so each offset is boxed once
    // instead of per read; equality and hashing compare the boxed values, never the boxes.
    private const int MaxOffsetMinutes = 14 * 60;
    private static readonly object?[] BoxedOffsets = new object?[(2 * MaxOffsetMinutes) + 1];

    private static object BoxedOffset(TimeSpan offset)
    {
        var minutes = offset.Ticks / TimeSpan.TicksPerMinute;
        if (offset.Ticks % TimeSpan.TicksPerMinute != 0 || minutes is < -MaxOffsetMinutes or > MaxOffsetMinutes)
        {
            return offset;
        }

        ref var box = ref BoxedOffsets[minutes + MaxOffsetMinutes];
        return box ??= offset;
    }

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
    // What the digit-by-digit reader leaves to the general one: minutes without seconds, a lower-case 't' or 'z', and
    // fractions past 7 digits. ISO 8601's extended form only: nothing that a culture could read month first.
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd't'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd't'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd't'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>
    /// Parses an ISO 8601 instant with an offset (or Z), in the extended form (<c>2026-11-30T10:00:00+09:00</c>,
    /// seconds and fraction optional). A bare date is midnight UTC; a date-time without offset is rejected because it
    /// would mean a different instant on every machine, and so is anything that is not ISO 8601 (<c>01/02/2027</c>
    /// is 2 January in one country and 1 February in another; a space for the <c>T</c>).
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.AsSpan().Trim();
        if (TryParseFast(s, out value))
        {
            return true;
        }

        if (s.Length < 17 || s[10] is not ('T' or 't'))
        {
            return false;
        }

        var last = s[^1];
        var hasOffset = last is 'Z' or 'z' || (s.Length > 17 && (s[^6] is '+' or '-') && s[^3] == ':');
        var dot = s.IndexOf('.');
        if (!hasOffset || (dot >= 0 && (dot + 1 == s.Length || !char.IsAsciiDigit(s[dot + 1]))))
        {
            // A fraction needs a digit ("10:00:00.Z" is no time), which the format's F digits would not insist on.
            return false;
        }

        if (last == 'z')
        {
            // The format's K reads only an upper-case Z.
            Span<char> upper = stackalloc char[s.Length];
            s.CopyTo(upper);
            upper[^1] = 'Z';
            return DateTimeOffset.TryParseExact(upper, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        }

        return DateTimeOffset.TryParseExact(s, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>
    /// The shapes CRMs and this project write (<c>2026-11-30</c>, <c>2026-11-30T10:00:00Z</c>,
    /// <c>2026-11-30T10:00:00.123+09:00</c>) read digit by digit: input files carry millions of them. Anything else
    /// falls back to the general parser.
    /// </summary>
    private static bool TryParseFast(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-' ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (s.Length == 10)
        {
            value = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
            return true;
        }

        if (s.Length < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start < 7)
                {
                    scale /= 10;
                    fractionTicks += (s[i] - '0') * scale;
                }

                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        TimeSpan offset;
        var rest = s[i..];
        if (rest.Length == 1 && rest[0] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' &&
                 Digits(rest, 1, 2, out var oh) && Digits(rest, 4, 2, out var om) && oh <= 14 && om <= 59)
        {
            offset = new TimeSpan(oh, om, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        // A local time whose instant falls outside year 1 to 9999 (0001-01-01T00:00:00+14:00) is no instant.
        var local = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks;
        var utc = local - offset.Ticks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks || local > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int n)
    {
        n = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            n = (n * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>
    /// <paramref name="t"/> plus <paramref name="duration"/>, held at the last instant there is when the sum would pass it
    /// (a date near 9999-12-31 plus a recheck interval): the engine must decide, not throw.
    /// </summary>
    public static DateTimeOffset Plus(DateTimeOffset t, TimeSpan duration)
    {
        var room = Math.Min(DateTime.MaxValue.Ticks - t.UtcTicks, DateTime.MaxValue.Ticks - t.Ticks);
        return duration.Ticks <= room ? t + duration : DateTimeOffset.MaxValue;
    }

    public static string Format(DateTimeOffset t)
    {
        Span<char> buffer = stackalloc char[32];
        return new string(buffer[..Format(t, buffer)]);
    }

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss[.fff](Z|±HH:MM)</c> into a buffer of at least 29 chars; returns the length.</summary>
    public static int Format(DateTimeOffset t, Span<char> buffer)
    {
        var local = t.DateTime;
        var i = 0;
        Put(buffer, ref i, local.Year, 4);
        buffer[i++] = '-';
        Put(buffer, ref i, local.Month, 2);
        buffer[i++] = '-';
        Put(buffer, ref i, local.Day, 2);
        buffer[i++] = 'T';
        Put(buffer, ref i, local.Hour, 2);
        buffer[i++] = ':';
        Put(buffer, ref i, local.Minute, 2);
        buffer[i++] = ':';
        Put(buffer, ref i, local.Second, 2);
        if (local.Millisecond != 0)
        {
            buffer[i++] = '.';
            Put(buffer, ref i, local.Millisecond, 3);
        }

        var offset = t.Offset;
        if (offset == TimeSpan.Zero)
        {
            buffer[i++] = 'Z';
            return i;
        }

        buffer[i++] = offset < TimeSpan.Zero ? '-' : '+';
        var minutes = Math.Abs((int)offset.TotalMinutes);
        Put(buffer, ref i, minutes / 60, 2);
        buffer[i++] = ':';
        Put(buffer, ref i, minutes % 60, 2);
        return i;
    }

    private static void Put(Span<char> buffer, ref int i, int value, int width)
    {
        for (var k = width - 1; k >= 0; k--)
        {
            buffer[i + k] = (char)('0' + (value % 10));
            value /= 10;
        }

        i += width;
    }
}
