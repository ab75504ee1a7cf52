using System.Globalization;

namespace TheModel.Sync.Application.Input;

public enum RawKind : byte
{
    Null,
    String,
    Number,
    Bool,
    Array,
    Object,
}

/// <summary>A value as an input file gives it, before it is checked against the canonical field it fills.</summary>
public readonly struct RawValue
{
    private RawValue(RawKind kind, string? text, double number, IReadOnlyList<RawValue>? items, IReadOnlyList<KeyValuePair<string, RawValue>>? properties)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Items = items;
        Properties = properties;
    }

    public RawKind Kind { get; }

    /// <summary>The text: a string's value, or a number's or boolean's literal.</summary>
    public string? Text { get; }

    public double Number { get; }

    public IReadOnlyList<RawValue>? Items { get; }

    public IReadOnlyList<KeyValuePair<string, RawValue>>? Properties { get; }

    public static RawValue Null => default;

    public static RawValue OfString(string s) => new(RawKind.String, s, 0, null, null);

    public static RawValue OfNumber(double n, string literal) => new(RawKind.Number, literal, n, null, null);

    public static RawValue OfBool(bool b) => new(RawKind.Bool, b ? "true" : "false", b ? 1 : 0, null, null);

    public static RawValue OfArray(IReadOnlyList<RawValue> items) => new(RawKind.Array, null, 0, items, null);

    public static RawValue OfObject(IReadOnlyList<KeyValuePair<string, RawValue>> properties) => new(RawKind.Object, null, 0, null, properties);

    public bool IsNull => Kind == RawKind.Null || (Kind == RawKind.String && Text!.Length == 0);

    public string Describe() => Kind switch
    {
        RawKind.Null => "null",
        RawKind.String => "'" + Text + "'",
        RawKind.Number or RawKind.Bool => Text!,
        RawKind.Array => "a list",
        _ => "an object",
    };

    public static string FormatNumber(double n) => n.ToString("R", CultureInfo.InvariantCulture);
}
