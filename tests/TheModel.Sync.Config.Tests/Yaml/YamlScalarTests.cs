using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Tests.Yaml;

/// <remarks>
/// The routing language promises the YAML 1.2 core schema: only <c>true</c>/<c>false</c> are
/// booleans, dates and times of day stay strings, and quoting always makes a string. A YAML 1.1
/// reading (<c>country: NO</c> as false, <c>09:00</c> as 540) would silently change what a rule means.
/// </remarks>
public sealed class YamlScalarTests
{
    [Theory]
    // null
    [InlineData("null", ScalarKind.Null)]
    [InlineData("Null", ScalarKind.Null)]
    [InlineData("NULL", ScalarKind.Null)]
    [InlineData("~", ScalarKind.Null)]
    [InlineData("", ScalarKind.Null)]
    [InlineData("nULL", ScalarKind.String)]
    // bool
    [InlineData("true", ScalarKind.Bool)]
    [InlineData("True", ScalarKind.Bool)]
    [InlineData("TRUE", ScalarKind.Bool)]
    [InlineData("false", ScalarKind.Bool)]
    [InlineData("False", ScalarKind.Bool)]
    [InlineData("FALSE", ScalarKind.Bool)]
    [InlineData("tRUE", ScalarKind.String)]
    [InlineData("on", ScalarKind.String)]
    [InlineData("off", ScalarKind.String)]
    [InlineData("yes", ScalarKind.String)]
    [InlineData("no", ScalarKind.String)]
    [InlineData("NO", ScalarKind.String)]
    [InlineData("Y", ScalarKind.String)]
    [InlineData("n", ScalarKind.String)]
    // int
    [InlineData("0", ScalarKind.Int)]
    [InlineData("42", ScalarKind.Int)]
    [InlineData("-12", ScalarKind.Int)]
    [InlineData("+12", ScalarKind.Int)]
    [InlineData("007", ScalarKind.Int)]
    [InlineData("0o17", ScalarKind.Int)]
    [InlineData("0x1F", ScalarKind.Int)]
    [InlineData("0xff", ScalarKind.Int)]
    [InlineData("0o8", ScalarKind.String)]
    [InlineData("0xG1", ScalarKind.String)]
    [InlineData("-0x1F", ScalarKind.String)]
    [InlineData("0b101", ScalarKind.String)]
    [InlineData("1_000", ScalarKind.String)]
    [InlineData("1,000", ScalarKind.String)]
    // float
    [InlineData("1.5", ScalarKind.Float)]
    [InlineData("-1.5", ScalarKind.Float)]
    [InlineData(".5", ScalarKind.Float)]
    [InlineData("1.", ScalarKind.Float)]
    [InlineData("1e3", ScalarKind.Float)]
    [InlineData("1.5E-3", ScalarKind.Float)]
    [InlineData("+2.5e+10", ScalarKind.Float)]
    [InlineData(".inf", ScalarKind.Float)]
    [InlineData("-.Inf", ScalarKind.Float)]
    [InlineData("+.INF", ScalarKind.Float)]
    [InlineData(".nan", ScalarKind.Float)]
    [InlineData(".NaN", ScalarKind.Float)]
    [InlineData(".NAN", ScalarKind.Float)]
    [InlineData("+.nan", ScalarKind.String)]
    [InlineData(".Nan", ScalarKind.String)]
    [InlineData("inf", ScalarKind.String)]
    [InlineData("nan", ScalarKind.String)]
    [InlineData("1e", ScalarKind.String)]
    [InlineData(".", ScalarKind.String)]
    [InlineData("1.2.3", ScalarKind.String)]
    // strings that other schemas would coerce
    [InlineData("2026-12-28", ScalarKind.String)]
    [InlineData("2026-12-28T09:00:00Z", ScalarKind.String)]
    [InlineData("09:00", ScalarKind.String)]
    [InlineData("1:30", ScalarKind.String)]
    [InlineData("09:00-18:00", ScalarKind.String)]
    [InlineData("30s", ScalarKind.String)]
    [InlineData("Asia/Tokyo", ScalarKind.String)]
    public void Kind_PlainScalar_FollowsCoreSchema(string plain, ScalarKind expected)
    {
        var root = YamlTestReader.ReadClean($"value: {plain}\n");

        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(root, "value"));

        Assert.Equal(expected, scalar.Kind);
        Assert.Equal(plain, scalar.Text);
        Assert.False(scalar.IsQuoted);
        Assert.Equal(expected == ScalarKind.Null, scalar.IsNull);
    }

    [Theory]
    [InlineData("'null'", "null")]
    [InlineData("\"~\"", "~")]
    [InlineData("''", "")]
    [InlineData("\"\"", "")]
    [InlineData("'true'", "true")]
    [InlineData("\"FALSE\"", "FALSE")]
    [InlineData("'42'", "42")]
    [InlineData("\"0x1F\"", "0x1F")]
    [InlineData("'0o17'", "0o17")]
    [InlineData("\"1.5\"", "1.5")]
    [InlineData("'.inf'", ".inf")]
    [InlineData("\".nan\"", ".nan")]
    [InlineData("'NO'", "NO")]
    [InlineData("\"2026-12-28\"", "2026-12-28")]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"tab\\there\"", "tab\there")]
    public void Kind_QuotedScalar_IsAlwaysString(string quoted, string expectedText)
    {
        var root = YamlTestReader.ReadClean($"value: {quoted}\n");

        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(root, "value"));

        Assert.Equal(ScalarKind.String, scalar.Kind);
        Assert.Equal(expectedText, scalar.Text);
        Assert.True(scalar.IsQuoted);
        Assert.False(scalar.IsNull);
        Assert.False(scalar.TryGetInt64(out _));
        Assert.False(scalar.TryGetDouble(out _));
        Assert.False(scalar.TryGetBool(out _));
    }

    [Theory]
    [InlineData("value: |\n  true\n", "true\n", ScalarStyle.Literal)]
    [InlineData("value: |-\n  42\n", "42", ScalarStyle.Literal)]
    [InlineData("value: >\n  null\n", "null\n", ScalarStyle.Folded)]
    [InlineData("value: >-\n  1.5\n  2\n", "1.5 2", ScalarStyle.Folded)]
    public void Kind_BlockScalar_IsAlwaysString(string yaml, string expectedText, ScalarStyle expectedStyle)
    {
        var root = YamlTestReader.ReadClean(yaml);

        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(root, "value"));

        Assert.Equal(ScalarKind.String, scalar.Kind);
        Assert.Equal(expectedText, scalar.Text);
        Assert.Equal(expectedStyle, scalar.Style);
        Assert.False(scalar.IsQuoted);
    }

    [Fact]
    public void Read_CountryNo_IsTheStringNo()
    {
        var root = YamlTestReader.ReadClean("country: NO\n");

        var country = Assert.IsType<YamlScalar>(YamlTestReader.At(root, "country"));

        Assert.Equal(ScalarKind.String, country.Kind);
        Assert.Equal("NO", country.Text);
        Assert.False(country.TryGetBool(out _));
        Assert.Equal("string", country.TypeName);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("-12", -12L)]
    [InlineData("+12", 12L)]
    [InlineData("007", 7L)]
    [InlineData("0o17", 15L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0xff", 255L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x7FFFFFFFFFFFFFFF", long.MaxValue)]
    public void TryGetInt64_Int_ReturnsValue(string plain, long expected)
    {
        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(YamlTestReader.ReadClean($"v: {plain}"), "v"));

        Assert.True(scalar.TryGetInt64(out var value));
        Assert.Equal(expected, value);
        Assert.True(scalar.TryGetDouble(out var asDouble));
        Assert.Equal(expected, asDouble);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("0x8000000000000000")]
    [InlineData("0o1777777777777777777777")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("ten")]
    public void TryGetInt64_NotAnInt64_ReturnsFalse(string plain)
    {
        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(YamlTestReader.ReadClean($"v: {plain}"), "v"));

        Assert.False(scalar.TryGetInt64(out _));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-1.5", -1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1.", 1.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1.5E-3", 0.0015)]
    [InlineData(".inf", double.PositiveInfinity)]
    [InlineData("+.Inf", double.PositiveInfinity)]
    [InlineData("-.INF", double.NegativeInfinity)]
    [InlineData(".nan", double.NaN)]
    [InlineData("9223372036854775808", 9223372036854775808.0)]
    public void TryGetDouble_Number_ReturnsValue(string plain, double expected)
    {
        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(YamlTestReader.ReadClean($"v: {plain}"), "v"));

        Assert.True(scalar.TryGetDouble(out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    public void TryGetBool_Bool_ReturnsValue(string plain, bool expected)
    {
        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(YamlTestReader.ReadClean($"v: {plain}"), "v"));

        Assert.True(scalar.TryGetBool(out var value));
        Assert.Equal(expected, value);
        Assert.False(scalar.TryGetDouble(out _));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("1")]
    [InlineData("'true'")]
    [InlineData("~")]
    public void TryGetBool_NotABool_ReturnsFalse(string yaml)
    {
        var scalar = Assert.IsType<YamlScalar>(YamlTestReader.At(YamlTestReader.ReadClean($"v: {yaml}"), "v"));

        Assert.False(scalar.TryGetBool(out _));
    }

    [Theory]
    [InlineData("~", "null")]
    [InlineData("true", "boolean")]
    [InlineData("1", "integer")]
    [InlineData("1.5", "number")]
    [InlineData("x", "string")]
    [InlineData("[1]", "sequence")]
    [InlineData("{a: 1}", "mapping")]
    public void TypeName_Node_NamesItsType(string yaml, string expected)
    {
        var node = YamlTestReader.At(YamlTestReader.ReadClean($"v: {yaml}"), "v");

        Assert.Equal(expected, node.TypeName);
    }
}
