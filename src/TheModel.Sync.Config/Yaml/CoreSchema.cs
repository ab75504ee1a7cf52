using System.Globalization;
using System.Text.RegularExpressions;

namespace TheModel.Sync.Config.Yaml;

/// <summary>The YAML 1.2 core schema's resolution of plain scalars, exactly as the spec's table.</summary>
internal static partial class CoreSchema
{
    public static ScalarKind Classify(string text)
    {
        if (text.Length == 0 || text is "null" or "Null" or "NULL" or "~")
        {
            return ScalarKind.Null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return ScalarKind.Bool;
        }

        if (IntPattern().IsMatch(text))
        {
            return ScalarKind.Int;
        }

        return FloatPattern().IsMatch(text) ? ScalarKind.Float : ScalarKind.String;
    }

    public static bool TryParseInt(string text, out long value)
    {
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            return TryParseDigits(text.AsSpan(2), 8, out value);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return TryParseDigits(text.AsSpan(2), 16, out value);
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseFloat(string text, out double value)
    {
        var unsigned = text.TrimStart('+', '-');
        var negative = text.StartsWith('-');
        switch (unsigned)
        {
            case ".inf" or ".Inf" or ".INF":
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool TryParseDigits(ReadOnlySpan<char> digits, int radix, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => radix,
            };
            if (digit >= radix || value > (long.MaxValue - digit) / radix)
            {
                value = 0;
                return false;
            }

            value = (value * radix) + digit;
        }

        return digits.Length > 0;
    }

    [GeneratedRegex(@"\A(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"\A(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)\z", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
