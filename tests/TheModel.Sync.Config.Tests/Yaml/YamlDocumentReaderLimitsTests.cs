using System.Diagnostics;
using System.Text;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Tests.Yaml;

/// <remarks>
/// The worker reads files that operators edit and hot-reloads them, so a hostile or accidental file
/// (a "billion laughs" of nested aliases, a huge file, nesting thousands deep) must be rejected
/// quickly with a diagnostic, never hang the reader or overflow the stack of whoever walks the tree.
/// </remarks>
public sealed class YamlDocumentReaderLimitsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tm-yaml-" + Path.GetRandomFileName());

    public YamlDocumentReaderLimitsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(1, null)]
    [InlineData(100, null)]
    [InlineData(101, "t.yaml:103:3: error TM0004: more than 100 YAML aliases; simplify the anchors")]
    [InlineData(150, "t.yaml:103:3: error TM0004: more than 100 YAML aliases; simplify the anchors")]
    public void Read_AliasCount_AtMost100Accepted(int aliases, string? expected)
    {
        var yaml = new StringBuilder("a: &a x\nlist:\n");
        for (var i = 0; i < aliases; i++)
        {
            yaml.Append("- *a\n");
        }

        var (root, diagnostics) = YamlTestReader.Read(yaml.ToString());

        Assert.Equal(expected is null ? [] : [expected], diagnostics);
        Assert.Equal(aliases, Assert.IsType<YamlSequence>(YamlTestReader.At(root!, "list")).Count);
    }

    [Fact]
    public void Read_AliasesInFlowAndKeys_EveryOccurrenceCounts()
    {
        var yaml = new StringBuilder("a: &a x\n");
        for (var i = 0; i < 50; i++)
        {
            yaml.Append("k").Append(i).Append(": [*a, *a]\n");
        }

        yaml.Append("last: *a\n");

        var (_, diagnostics) = YamlTestReader.Read(yaml.ToString());

        Assert.Equal(["t.yaml:52:7: error TM0004: more than 100 YAML aliases; simplify the anchors"], diagnostics);
    }

    [Fact]
    public void Read_BillionLaughs_RejectedFast()
    {
        // 12 levels of 10 aliases each: 10^12 nodes if expanded, 110 aliases as written.
        var yaml = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 12; level++)
        {
            var previous = $"*l{level - 1}";
            yaml.Append($"l{level}: &l{level} [").AppendJoin(", ", Enumerable.Repeat(previous, 10)).Append("]\n");
        }

        var stopwatch = Stopwatch.StartNew();
        var (root, diagnostics) = YamlTestReader.Read(yaml.ToString());
        stopwatch.Stop();

        Assert.Equal(["t.yaml:12:12: error TM0004: more than 100 YAML aliases; simplify the anchors"], diagnostics);
        Assert.Null(root);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Read_AliasBombUnder100Aliases_RejectedByExpandedSize()
    {
        // 9 levels of 9 aliases: only 72 aliases, but 9^9 nodes for anyone walking the tree.
        var yaml = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 9; level++)
        {
            var previous = $"*l{level - 1}";
            yaml.Append($"l{level}: &l{level} [").AppendJoin(", ", Enumerable.Repeat(previous, 9)).Append("]\n");
        }

        var stopwatch = Stopwatch.StartNew();
        var (root, diagnostics) = YamlTestReader.Read(yaml.ToString());
        stopwatch.Stop();

        // Reported at the first alias of l6, where the running total passes a million nodes.
        Assert.Equal(["t.yaml:7:10: error TM0004: YAML aliases expand to more than 1,000,000 nodes; simplify the anchors"], diagnostics);
        Assert.Null(root);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(100, null)]
    [InlineData(101, "t.yaml:1:101: error TM0002: YAML syntax error: mappings and sequences are nested more than 100 levels deep")]
    [InlineData(200_000, "t.yaml:1:101: error TM0002: YAML syntax error: mappings and sequences are nested more than 100 levels deep")]
    public void Read_DeepNesting_RejectedBeyond100Levels(int depth, string? expected)
    {
        var yaml = new string('[', depth) + new string(']', depth);

        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal(expected is null ? [] : [expected], diagnostics);
        Assert.Equal(expected is null, root is not null);
    }

    [Fact]
    public void ReadFile_LargerThan1MiB_RejectedBeforeReading()
    {
        // Invalid UTF-8 throughout: had the file been read, it would be reported as unreadable.
        var path = Path.Combine(_directory, "big.yaml");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)0xFF, 1_234_567).ToArray());
        var diagnostics = new DiagnosticBag();

        var root = YamlDocumentReader.ReadFile("config/big.yaml", path, diagnostics);

        Assert.Null(root);
        Assert.Equal(
            ["config/big.yaml:1:1: error TM0003: config file is 1,234,567 bytes; the limit is 1,048,576 bytes (1 MiB)"],
            diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData(YamlDocumentReader.MaxBytes, true)]
    [InlineData(YamlDocumentReader.MaxBytes + 1, false)]
    public void ReadFile_ExactlyAtLimit_Accepted(int size, bool accepted)
    {
        var path = Path.Combine(_directory, "edge.yaml");
        File.WriteAllText(path, "a: " + new string('x', size - 4) + "\n");
        var diagnostics = new DiagnosticBag();

        var root = YamlDocumentReader.ReadFile("edge.yaml", path, diagnostics);

        Assert.Equal(accepted, root is not null);
        Assert.Equal(accepted ? 0 : 1, diagnostics.Count);
    }

    [Fact]
    public void Read_TextLargerThan1MiB_Rejected()
    {
        var (root, diagnostics) = YamlTestReader.Read("a: " + new string('é', 600_000) + "\n");

        Assert.Null(root);
        Assert.Equal(["t.yaml:1:1: error TM0003: config file is 1,200,004 bytes; the limit is 1,048,576 bytes (1 MiB)"], diagnostics);
    }

    [Fact]
    public void ReadFile_Utf8WithBom_Read()
    {
        var path = Path.Combine(_directory, "bom.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("team: 営業\n")]);
        var diagnostics = new DiagnosticBag();

        var root = YamlDocumentReader.ReadFile("bom.yaml", path, diagnostics);

        Assert.Empty(diagnostics);
        var team = Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(root)["team"]);
        Assert.Equal("営業", team.Text);
        Assert.Equal("1:7", YamlTestReader.Position(team));
    }

    [Theory]
    [InlineData("missing", "config/x.yaml:1:1: error TM0001: cannot read config file: file not found")]
    [InlineData("missing-dir", "config/x.yaml:1:1: error TM0001: cannot read config file: file not found")]
    [InlineData("directory", "config/x.yaml:1:1: error TM0001: cannot read config file: it is a directory, not a file")]
    [InlineData("latin1", "config/x.yaml:1:1: error TM0001: cannot read config file: the file is not valid UTF-8 text")]
    [InlineData("utf16", "config/x.yaml:1:1: error TM0001: cannot read config file: the file is UTF-16; save it as UTF-8")]
    public void ReadFile_Unreadable_ReportsReason(string scenario, string expected)
    {
        var path = scenario switch
        {
            "missing" => Path.Combine(_directory, "nope.yaml"),
            "missing-dir" => Path.Combine(_directory, "nope", "x.yaml"),
            "directory" => _directory,
            _ => Path.Combine(_directory, "x.yaml"),
        };
        if (scenario == "latin1")
        {
            File.WriteAllBytes(path, Encoding.Latin1.GetBytes("city: Zürich\n"));
        }
        else if (scenario == "utf16")
        {
            File.WriteAllText(path, "city: Zürich\n", Encoding.Unicode);
        }

        var diagnostics = new DiagnosticBag();

        var root = YamlDocumentReader.ReadFile("config/x.yaml", path, diagnostics);

        Assert.Null(root);
        Assert.Equal([expected], diagnostics.Select(d => d.ToString()));
    }
}
