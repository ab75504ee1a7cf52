using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Tests.Yaml;

public sealed class ConfigDiagnosticTests
{
    [Theory]
    [InlineData("config/teams.yaml", 4, 1, "TM0006", "duplicate key 'teams' (first defined at line 3)", Severity.Error, "config/teams.yaml:4:1: error TM0006: duplicate key 'teams' (first defined at line 3)")]
    [InlineData("routing.yaml", 12, 345, "TM0042", "a hint", Severity.Warning, "routing.yaml:12:345: warning TM0042: a hint")]
    [InlineData("c.yaml", 1, 1, "TM0003", "config file is 1,234,567 bytes; the limit is 1,048,576 bytes (1 MiB)", Severity.Error, "c.yaml:1:1: error TM0003: config file is 1,234,567 bytes; the limit is 1,048,576 bytes (1 MiB)")]
    public void ToString_Diagnostic_FileLineColumnSeverityCodeMessage(string file, int line, int column, string code, string message, Severity severity, string expected)
    {
        var diagnostic = new ConfigDiagnostic(file, line, column, code, message, severity);

        Assert.Equal(expected, diagnostic.ToString());
    }

    [Fact]
    public void ToString_ControlCharsQuotedFromTheConfig_StayOnOneLine()
    {
        var diagnostic = new ConfigDiagnostic("t.yaml", 3, 9, "TM0014", "invalid id 'sr\n\r\t\u0001\u007f': ids are lower-case");

        Assert.Equal("t.yaml:3:9: error TM0014: invalid id 'sr\\n\\r\\t\\u0001\\u007f': ids are lower-case", diagnostic.ToString());
        Assert.Contains('\n', diagnostic.Message);   // the message itself keeps the value as read
    }

    [Fact]
    public void Constructor_NoSeverity_IsError()
    {
        Assert.Equal(Severity.Error, new ConfigDiagnostic("a.yaml", 1, 2, "TM0001", "m").Severity);
    }

    [Fact]
    public void Add_Node_UsesTheNodePosition()
    {
        var root = YamlTestReader.ReadClean("a:\n  b: [1, two]\n");
        var node = YamlTestReader.At(root, "a/b/1");
        var bag = new DiagnosticBag();

        bag.Add(node, "TM0100", "expected an integer, found 'two'");

        Assert.Equal(["t.yaml:2:10: error TM0100: expected an integer, found 'two'"], bag.Select(d => d.ToString()));
        Assert.True(bag.HasErrors);
    }

    [Fact]
    public void HasErrors_OnlyWarnings_False()
    {
        var root = YamlTestReader.ReadClean("a: 1\n");
        var bag = new DiagnosticBag();

        bag.AddWarning(root, "TM0101", "just saying");

        Assert.False(bag.HasErrors);
        Assert.Single(bag);
        Assert.Equal("t.yaml:1:1: warning TM0101: just saying", bag[0].ToString());
    }

    [Fact]
    public void Add_Position_KeepsInsertionOrder()
    {
        var bag = new DiagnosticBag();

        bag.Add("b.yaml", 9, 1, "TM0002", "second file");
        bag.Add(new Mark("a.yaml", 1, 3), "TM0006", "first file");

        Assert.Equal(["b.yaml:9:1: error TM0002: second file", "a.yaml:1:3: error TM0006: first file"], bag.Select(d => d.ToString()));
        Assert.Equal(2, bag.Count);
    }
}
