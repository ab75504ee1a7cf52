using System.Globalization;

namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// A scalar with its raw text and its type under the YAML 1.2 core schema. Nothing is coerced:
/// <c>NO</c>, <c>on</c>, <c>2026-12-28</c> and <c>09:00</c> are strings; the typed accessors only
/// succeed for scalars of the matching <see cref="Kind"/>.
/// </summary>
public sealed class YamlScalar : YamlNode
{
    internal YamlScalar(Mark start, Mark end, string text, ScalarStyle style)
        : base(start, end, 1)
    {
        Text = text;
        Style = style;
        Kind = style == ScalarStyle.Plain ? CoreSchema.Classify(text) : ScalarKind.String;
    }

    /// <summary>The scalar's text as YAML reads it (quotes removed, escapes and folding applied; no conversion).</summary>
    public string Text { get; }

    /// <summary>The scalar's type under the core schema.</summary>
    public ScalarKind Kind { get; }

    /// <summary>How the scalar was written.</summary>
    public ScalarStyle Style { get; }

    /// <summary>True for <c>'...'</c> and <c>"..."</c>.</summary>
    public bool IsQuoted => Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;

    /// <summary>True for an unquoted, non-block scalar.</summary>
    public bool IsPlain => Style == ScalarStyle.Plain;

    /// <summary>True for <c>null</c>, <c>Null</c>, <c>NULL</c>, <c>~</c> and an empty plain scalar.</summary>
    public bool IsNull => Kind == ScalarKind.Null;

    /// <inheritdoc />
    public override string TypeName => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Bool => "boolean",
        ScalarKind.Int => "integer",
        ScalarKind.Float => "number",
        _ => "string",
    };

    /// <summary>Reads an <see cref="ScalarKind.Int"/> (decimal, <c>0o</c> octal or <c>0x</c> hex); false for any other kind or on overflow.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        return Kind == ScalarKind.Int && CoreSchema.TryParseInt(Text, out value);
    }

    /// <summary>Reads an <see cref="ScalarKind.Int"/> or <see cref="ScalarKind.Float"/> (including <c>.inf</c> and <c>.nan</c>); false for any other kind.</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        return Kind switch
        {
            ScalarKind.Float => CoreSchema.TryParseFloat(Text, out value),
            ScalarKind.Int when CoreSchema.TryParseInt(Text, out var integer) => Assign(integer, out value),
            ScalarKind.Int => double.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            _ => false,
        };

        static bool Assign(long integer, out double result)
        {
            result = integer;
            return true;
        }
    }

    /// <summary>Reads a <see cref="ScalarKind.Bool"/> (<c>true</c>/<c>false</c> in the three core-schema spellings); false for any other kind.</summary>
    public bool TryGetBool(out bool value)
    {
        value = Kind == ScalarKind.Bool && (Text[0] is 't' or 'T');
        return Kind == ScalarKind.Bool;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
