using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Input;

/// <summary>
/// Reads the common shape of a JSON Lines person straight from its bytes: a flat object of known keys with unescaped
/// strings, plain numbers and a <c>fields</c> object of scalars. It exists for speed: <c>simulate</c> reads every line
/// twice, and the general path (<see cref="InputFiles"/> into key/value lists, then <see cref="RecordBuilders.TryPerson"/>)
/// allocates a string for every key and value. It declines anything else (escapes, unknown keys, values of the wrong
/// kind, nested lists, text that is not valid UTF-8), and the caller then takes the general path, which alone decides
/// what a reject is and says why. When it accepts a line, the general path accepts it too, with the same values.
/// One parser per thread: it reuses its buffers from line to line.
/// </summary>
internal sealed class PersonLineParser
{
    private enum Key : byte
    {
        Id,
        Crm,
        Email,
        FirstName,
        LastName,
        Title,
        Phone,
        Company,
        Domain,
        Website,
        Country,
        State,
        PostalCode,
        Employees,
        AnnualRevenue,
        Industry,
        Source,
        Stage,
        StageEnteredAt,
        RecycleReason,
        RecycleRule,
        RecheckAt,
        Owner,
        OwnerSetAt,
        OwnerSetBy,
        PreviousOwners,
        CreatedAt,
        UpdatedAt,
        LastTouchAt,
        Touches,
        Score,
        Fit,
        Engagement,
        Segment,
        Account,
        Fields,
    }

    private enum SlotKind : byte
    {
        Absent,
        String,
        Number,
        True,
        False,
    }

    private readonly record struct Slot(SlotKind Kind, int Start, int Length);

    /// <summary>The keys in <see cref="Key"/> order; a test holds them equal to <see cref="RecordBuilders.PersonKeys"/>.</summary>
    internal static readonly string[] KeyNames =
    [
        "id", "crm", "email", "first_name", "last_name", "title", "phone", "company", "domain", "website", "country",
        "state", "postal_code", "employees", "annual_revenue", "industry", "source", "stage", "stage_entered_at",
        "recycle_reason", "recycle_rule", "recheck_at", "owner", "owner_set_at", "owner_set_by", "previous_owners",
        "created_at", "updated_at", "last_touch_at", "touches", "score", "fit", "engagement", "segment", "account", "fields",
    ];

    private static readonly byte[][] KeyBytes = [.. KeyNames.Select(Encoding.UTF8.GetBytes)];

    // Thirty-six keys on every line: candidates by length, then by first byte, before any full comparison.
    private static readonly int[][] KeysByLength =
        [.. Enumerable.Range(0, KeyBytes.Max(k => k.Length) + 1).Select(n => Enumerable.Range(0, KeyBytes.Length).Where(i => KeyBytes[i].Length == n).ToArray())];

    // Custom field names that recur on every line are shared rather than allocated each time.
    private static readonly string[] CommonFieldNames =
        ["last_form", "last_form_at", "pricing_views", "last_event", "last_event_at", "intent"];

    private static readonly byte[][] CommonFieldBytes = [.. CommonFieldNames.Select(Encoding.UTF8.GetBytes)];

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    private readonly Slot[] _text = new Slot[KeyNames.Length];
    private readonly double?[] _numbers = new double?[KeyNames.Length];
    private readonly DateTimeOffset?[] _times = new DateTimeOffset?[KeyNames.Length];
    private readonly List<Slot> _previousOwners = [];
    private readonly List<(string Name, Value Value)> _fields = [];
    private Stage? _stage;
    private bool _hasPreviousOwners;
    private ReadOnlyMemory<byte> _line;

    /// <summary>
    /// Reads a line (without its line break). False: not in the common shape (the general path decides); true: the
    /// general path would accept it too, and <see cref="ToPerson"/> or <see cref="ToFootprintPerson"/> read it. With
    /// <paramref name="footprintOnly"/>, custom fields are checked but not kept. The line must stay unchanged until
    /// the person is built.
    /// </summary>
    public bool TryRead(ReadOnlyMemory<byte> line, bool footprintOnly)
    {
        Array.Clear(_text);
        Array.Clear(_numbers);
        Array.Clear(_times);
        _previousOwners.Clear();
        _fields.Clear();
        _stage = null;
        _hasPreviousOwners = false;
        _line = line;
        var bytes = line.Span;

        // Valid UTF-8 as a whole means every unescaped string in it decodes as the general path's GetString would.
        if (!Utf8.IsValid(bytes))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !ReadProperties(ref reader, footprintOnly))
            {
                return false;
            }

            // Another value after the object is a reject; the general path says so.
            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return !IsBlankId();
    }

    private bool ReadProperties(ref Utf8JsonReader reader, bool footprintOnly)
    {
        // A key given twice is for the general reader to reject.
        var seen = 0UL;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var name = reader.ValueSpan;
            var key = Find(name);
            var nameStart = (int)reader.TokenStartIndex + 1;
            if (!reader.Read())
            {
                return false;
            }

            if (key < 0)
            {
                // fields.NAME names a custom field at the top level (a CSV column's way of saying it).
                if (name.Length > 7 && name.StartsWith("fields."u8))
                {
                    if (!ReadField(ref reader, new Slot(SlotKind.String, nameStart + 7, name.Length - 7), footprintOnly))
                    {
                        return false;
                    }

                    continue;
                }

                return false;
            }

            if ((seen & (1UL << key)) != 0)
            {
                return false;
            }

            seen |= 1UL << key;
            if (!ReadValue(ref reader, (Key)key, footprintOnly))
            {
                return false;
            }
        }

        return false;
    }

    private bool ReadValue(ref Utf8JsonReader reader, Key key, bool footprintOnly)
    {
        var token = reader.TokenType;

        // A null or empty value is no value: the key is skipped and an earlier value of it stands.
        if (token == JsonTokenType.Null || (token == JsonTokenType.String && reader.ValueSpan.IsEmpty && !reader.ValueIsEscaped))
        {
            return true;
        }

        // Escapes, and bytes that are not UTF-8 (which the general reader rejects; this one would have replaced them).
        if (token == JsonTokenType.String && (reader.ValueIsEscaped || !Utf8.IsValid(reader.ValueSpan)))
        {
            return false;
        }

        switch (key)
        {
            case Key.Employees or Key.AnnualRevenue or Key.Touches:
                if (token != JsonTokenType.Number || !reader.TryGetDouble(out var n) || !double.IsFinite(n) ||
                    (key != Key.AnnualRevenue && (n != Math.Floor(n) || Math.Abs(n) > RecordBuilders.MaxExactInteger)))
                {
                    // Not a number, or a fraction where section 2 wants an integer: the general reader says which.
                    return false;
                }

                _numbers[(int)key] = n;
                return true;

            case Key.StageEnteredAt or Key.RecheckAt or Key.OwnerSetAt or Key.CreatedAt or Key.UpdatedAt or Key.LastTouchAt:
                if (token != JsonTokenType.String ||
                    !(TryParseTimestamp(reader.ValueSpan, out var t) || Timestamps.TryParse(Encoding.UTF8.GetString(reader.ValueSpan), out t)))
                {
                    return false;
                }

                _times[(int)key] = t;
                return true;

            case Key.Stage:
                return token == JsonTokenType.String && TryStage(reader.ValueSpan);

            case Key.PreviousOwners:
                return ReadPreviousOwners(ref reader);

            case Key.Score or Key.Fit or Key.Engagement or Key.Segment:
                // Computed by the evaluation and ignored on input, whatever their value.
                return token is JsonTokenType.String or JsonTokenType.True or JsonTokenType.False ||
                    (token == JsonTokenType.Number && reader.TryGetDouble(out _));

            case Key.Fields:
                return ReadFields(ref reader, footprintOnly);

            default:
                if (ScalarSlot(ref reader) is not { } slot)
                {
                    return false;
                }

                _text[(int)key] = slot;
                return true;
        }
    }

    /// <summary>
    /// The two shapes of instant nearly every input carries, <c>2026-11-30T10:00:00Z</c> and
    /// <c>2026-11-30T10:00:00+09:00</c>, read from the bytes with the checks and the construction of
    /// <see cref="Timestamps.TryParse"/> (which needs a string: six of them a line). False for anything else, and for
    /// the corners where the construction itself would fail (offsets past 14:00, the first and last years), all of
    /// which go to <see cref="Timestamps.TryParse"/>.
    /// </summary>
    internal static bool TryParseTimestamp(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if ((s.Length != 20 && s.Length != 25) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) ||
            year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        TimeSpan offset;
        if (s.Length == 20)
        {
            if (s[19] is not ((byte)'Z' or (byte)'z'))
            {
                return false;
            }

            offset = TimeSpan.Zero;
        }
        else
        {
            if (s[19] is not ((byte)'+' or (byte)'-') || s[22] != ':' || !Digits(s, 20, 2, out var oh) || !Digits(s, 23, 2, out var om) ||
                oh > 14 || om > 59 || (oh == 14 && om > 0))
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0);
            if (s[19] == '-')
            {
                offset = -offset;
            }
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int n)
    {
        n = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            n = (n * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>A string, number or boolean token as a text value (a number keeps its literal); null for anything else.</summary>
    private static Slot? ScalarSlot(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        return reader.TokenType switch
        {
            JsonTokenType.String when !reader.ValueIsEscaped => new Slot(SlotKind.String, start + 1, reader.ValueSpan.Length),
            JsonTokenType.Number when reader.TryGetDouble(out _) => new Slot(SlotKind.Number, start, reader.ValueSpan.Length),
            JsonTokenType.True => new Slot(SlotKind.True, start, 4),
            JsonTokenType.False => new Slot(SlotKind.False, start, 5),
            _ => null,
        };
    }

    private bool TryStage(ReadOnlySpan<byte> text)
    {
        var names = Stages.AllNames;
        for (var i = 0; i < names.Count; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text, names[i]))
            {
                _stage = (Stage)i;
                return true;
            }
        }

        return false;
    }

    private bool ReadPreviousOwners(ref Utf8JsonReader reader)
    {
        // A list of ids; a CSV-style "a;b" string is left to the general path.
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        _previousOwners.Clear();
        _hasPreviousOwners = true;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return true;
                case JsonTokenType.Null:
                    continue;
                case JsonTokenType.String or JsonTokenType.Number:
                    if (ScalarSlot(ref reader) is not { } slot)
                    {
                        return false;
                    }

                    _previousOwners.Add(slot);
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private bool ReadFields(ref Utf8JsonReader reader, bool footprintOnly)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var name = new Slot(SlotKind.String, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            if (!reader.Read() || !ReadField(ref reader, name, footprintOnly))
            {
                return false;
            }
        }

        return false;
    }

    private bool ReadField(ref Utf8JsonReader reader, Slot name, bool footprintOnly)
    {
        Value value;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.String when reader.ValueIsEscaped || !Utf8.IsValid(reader.ValueSpan):
                return false;
            case JsonTokenType.String:
                if (reader.ValueSpan.IsEmpty)
                {
                    return true;
                }

                if (footprintOnly)
                {
                    return true;
                }

                value = Value.Of(Encoding.UTF8.GetString(reader.ValueSpan));
                break;
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out var n))
                {
                    return false;
                }

                value = Value.Of(n);
                break;
            case JsonTokenType.True:
                value = Value.Of(true);
                break;
            case JsonTokenType.False:
                value = Value.Of(false);
                break;
            default:
                return false;
        }

        if (!footprintOnly)
        {
            _fields.Add((FieldName(_line.Span.Slice(name.Start, name.Length)), value));
        }

        return true;
    }

    private static string FieldName(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < CommonFieldBytes.Length; i++)
        {
            if (name.SequenceEqual(CommonFieldBytes[i]))
            {
                return CommonFieldNames[i];
            }
        }

        return Encoding.UTF8.GetString(name);
    }

    private static int Find(ReadOnlySpan<byte> name)
    {
        if (name.Length >= KeysByLength.Length)
        {
            return -1;
        }

        foreach (var i in KeysByLength[name.Length])
        {
            var key = KeyBytes[i];
            if (key[0] == name[0] && name.SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsBlankId()
    {
        var slot = _text[(int)Key.Id];
        return slot.Kind == SlotKind.Absent || (slot.Kind == SlotKind.String && string.IsNullOrWhiteSpace(Text(slot)));
    }

    private string? Text(Key key) => Text(_text[(int)key]);

    /// <summary>The id of the last accepted line as UTF-8, undecoded (the bytes of the text <see cref="ToPerson"/> gives it).</summary>
    public ReadOnlySpan<byte> IdUtf8
    {
        get
        {
            var slot = _text[(int)Key.Id];
            return slot.Kind switch
            {
                SlotKind.String or SlotKind.Number => _line.Span.Slice(slot.Start, slot.Length),
                SlotKind.True => "true"u8,
                SlotKind.False => "false"u8,
                _ => default,
            };
        }
    }

    private string? Text(Slot slot) => slot.Kind switch
    {
        SlotKind.String or SlotKind.Number => Encoding.UTF8.GetString(_line.Span.Slice(slot.Start, slot.Length)),
        SlotKind.True => "true",
        SlotKind.False => "false",
        _ => null,
    };

    /// <summary>The person the last accepted line holds, as <see cref="RecordBuilders.TryPerson"/> builds it.</summary>
    public Person ToPerson()
    {
        Dictionary<string, Value>? fields = null;
        foreach (var (name, value) in _fields)
        {
            fields ??= new Dictionary<string, Value>(StringComparer.Ordinal);
            fields[name] = value;
        }

        List<string>? previousOwners = null;
        if (_hasPreviousOwners)
        {
            previousOwners = new List<string>(_previousOwners.Count);
            foreach (var slot in _previousOwners)
            {
                previousOwners.Add(Text(slot)!);
            }
        }

        return new Person
        {
            Id = Text(Key.Id)!,
            Crm = Text(Key.Crm),
            Email = Text(Key.Email),
            FirstName = Text(Key.FirstName),
            LastName = Text(Key.LastName),
            Title = Text(Key.Title),
            Phone = Text(Key.Phone),
            Company = Text(Key.Company),
            Domain = Text(Key.Domain),
            Website = Text(Key.Website),
            Country = Text(Key.Country),
            State = Text(Key.State),
            PostalCode = Text(Key.PostalCode),
            Employees = _numbers[(int)Key.Employees],
            AnnualRevenue = _numbers[(int)Key.AnnualRevenue],
            Industry = Text(Key.Industry),
            Source = Text(Key.Source),
            Stage = _stage,
            StageEnteredAt = _times[(int)Key.StageEnteredAt],
            RecycleReason = Text(Key.RecycleReason),
            RecycleRule = Text(Key.RecycleRule),
            RecheckAt = _times[(int)Key.RecheckAt],
            Owner = Text(Key.Owner),
            OwnerSetAt = _times[(int)Key.OwnerSetAt],
            OwnerSetBy = Text(Key.OwnerSetBy),
            PreviousOwners = previousOwners,
            CreatedAt = _times[(int)Key.CreatedAt],
            UpdatedAt = _times[(int)Key.UpdatedAt],
            LastTouchAt = _times[(int)Key.LastTouchAt],
            Touches = _numbers[(int)Key.Touches],
            AccountId = Text(Key.Account),
            Fields = fields,
        };
    }

    /// <summary>The owner of the last accepted line as given (null when it has none).</summary>
    public string? Owner => Text(Key.Owner);

    /// <summary>
    /// The last accepted line as far as the routing state's footprint needs it (section 13: open counts and account
    /// ownership start from the input): owner, stage, when the owner was set, and what account matching reads.
    /// </summary>
    public Person ToFootprintPerson() => new()
    {
        Id = Text(Key.Id)!,
        Email = Text(Key.Email),
        Company = Text(Key.Company),
        Domain = Text(Key.Domain),
        Website = Text(Key.Website),
        Stage = _stage,
        Owner = Text(Key.Owner),
        OwnerSetAt = _times[(int)Key.OwnerSetAt],
        AccountId = Text(Key.Account),
    };
}
