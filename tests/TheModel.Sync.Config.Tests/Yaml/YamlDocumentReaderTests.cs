using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Tests.Yaml;

public sealed class YamlDocumentReaderTests
{
    private const string Nested =
        """
        version: 1
        teams:
          - id: sales
            members: [ann, "bob"]
            hours:
              start: 09:00
              days:
                - mon
        "quoted key": {a: 1, b: [x, y]}
        """;

    [Theory]
    [InlineData("", "1:1")]
    [InlineData("version", "1:10")]
    [InlineData("teams", "3:3")]
    [InlineData("teams/0", "3:5")]
    [InlineData("teams/0/id", "3:9")]
    [InlineData("teams/0/members", "4:14")]
    [InlineData("teams/0/members/0", "4:15")]
    [InlineData("teams/0/members/1", "4:20")]
    [InlineData("teams/0/hours", "6:7")]
    [InlineData("teams/0/hours/start", "6:14")]
    [InlineData("teams/0/hours/days", "8:9")]
    [InlineData("teams/0/hours/days/0", "8:11")]
    [InlineData("quoted key", "9:15")]
    [InlineData("quoted key/a", "9:19")]
    [InlineData("quoted key/b/1", "9:29")]
    public void Read_NestedNodes_KeepTheirPositions(string path, string expected)
    {
        var root = YamlTestReader.ReadClean(Nested);

        var node = YamlTestReader.At(root, path);

        Assert.Equal(expected, YamlTestReader.Position(node));
        Assert.Equal(YamlTestReader.File, node.Start.File);
    }

    [Fact]
    public void Read_MappingKeys_KeepPositionsAndOrder()
    {
        var root = Assert.IsType<YamlMapping>(YamlTestReader.ReadClean(Nested));

        Assert.Equal(["version", "teams", "quoted key"], root.Entries.Select(e => e.Key.Text));
        Assert.Equal(["1:1", "2:1", "9:1"], root.Entries.Select(e => YamlTestReader.Position(e.Key)));
        Assert.True(root.Entries[2].Key.IsQuoted);
        Assert.Equal("9:1", YamlTestReader.Position(root.GetKey("quoted key")!));
        Assert.Null(root["missing"]);
        Assert.False(root.ContainsKey("missing"));
    }

    [Fact]
    public void Read_CrLfLineEndingsAndBom_PositionsUnchanged()
    {
        var root = YamlTestReader.ReadClean("\uFEFFa: 1\r\nb:\r\n  c: x\r\n");

        Assert.Equal("3:6", YamlTestReader.Position(YamlTestReader.At(root, "b/c")));
        Assert.Equal("1:1", YamlTestReader.Position(Assert.IsType<YamlMapping>(root).Entries[0].Key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    [InlineData("# only a comment\n")]
    [InlineData("# one\n\n# two\n")]
    [InlineData("---\n")]
    [InlineData("--- # nothing here\n...\n")]
    public void Read_EmptyFile_ReturnsEmptyMappingAt1x1(string yaml)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Empty(diagnostics);
        var mapping = Assert.IsType<YamlMapping>(root);
        Assert.Empty(mapping.Entries);
        Assert.Equal(new Mark(YamlTestReader.File, 1, 1), mapping.Start);
    }

    [Theory]
    [InlineData("version: 1\n# teams below\nteams: []\nteams: [a]\n", "t.yaml:4:1: error TM0006: duplicate key 'teams' (first defined at line 3)")]
    [InlineData("a:\n  b: 1\n  c: 2\n  b: 3\n", "t.yaml:4:3: error TM0006: duplicate key 'b' (first defined at line 2)")]
    [InlineData("a: {x: 1, y: 2, x: 3}\n", "t.yaml:1:17: error TM0006: duplicate key 'x' (first defined at line 1)")]
    [InlineData("\"b\": 1\nb: 2\n", "t.yaml:2:1: error TM0006: duplicate key 'b' (first defined at line 1)")]
    [InlineData("- id: a\n  id: b\n", "t.yaml:2:3: error TM0006: duplicate key 'id' (first defined at line 1)")]
    public void Read_DuplicateKey_ReportsSecondKeyAndKeepsFirst(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal([expected], diagnostics);
        Assert.NotNull(root);
    }

    [Fact]
    public void Read_DuplicateKey_KeepsFirstValueOnly()
    {
        var (root, _) = YamlTestReader.Read("a: 1\nb: 2\na: 3\n");

        var mapping = Assert.IsType<YamlMapping>(root);
        Assert.Equal(["a", "b"], mapping.Entries.Select(e => e.Key.Text));
        Assert.Equal("1", Assert.IsType<YamlScalar>(mapping["a"]).Text);
    }

    [Fact]
    public void Read_SeveralDuplicates_ReportsEveryOne()
    {
        var (_, diagnostics) = YamlTestReader.Read("a: 1\na: 2\nb:\n  c: 1\n  c: 2\na: 3\n");

        Assert.Equal(
            [
                "t.yaml:2:1: error TM0006: duplicate key 'a' (first defined at line 1)",
                "t.yaml:5:3: error TM0006: duplicate key 'c' (first defined at line 4)",
                "t.yaml:6:1: error TM0006: duplicate key 'a' (first defined at line 1)",
            ],
            diagnostics);
    }

    [Theory]
    [InlineData("a: !!str 5\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!str')")]
    [InlineData("a: !!str \"5\"\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!str')")]
    [InlineData("a: !!int '5'\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!int')")]
    [InlineData("a: !foo bar\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!foo')")]
    [InlineData("a: !<tag:example.com,2000:x> 1\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!<tag:example.com,2000:x>')")]
    [InlineData("a: ! plain\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!')")]
    [InlineData("a: !!map {x: 1}\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!map')")]
    [InlineData("a: !!seq [1]\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!seq')")]
    [InlineData("a: !team\n  id: x\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!team')")]
    [InlineData("a: &x !!str 5\n", "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!str')")]
    [InlineData("a: [1, !!str 2]\n", "t.yaml:1:8: error TM0005: YAML tags are not allowed (found '!!str')")]
    [InlineData("!!str a: 1\n", "t.yaml:1:1: error TM0005: YAML tags are not allowed (found '!!str')")]
    [InlineData("--- !!map\na: 1\n", "t.yaml:1:5: error TM0005: YAML tags are not allowed (found '!!map')")]
    [InlineData("%TAG !e! tag:example.com,2000:\n---\na: !e!rule x\n", "t.yaml:3:4: error TM0005: YAML tags are not allowed (found '!e!rule')")]
    public void Read_ExplicitTag_IsRejectedAtTheTaggedNode(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal([expected], diagnostics);
        Assert.NotNull(root);
    }

    [Theory]
    [InlineData("a: \"x\"\n")]
    [InlineData("a: 'x'\n")]
    [InlineData("a: |\n  x\n")]
    [InlineData("a: >\n  x\n")]
    [InlineData("a: {x: 1}\n")]
    [InlineData("a: [1]\n")]
    [InlineData("a:\n  - 1\n")]
    [InlineData("a: x!y\n")]
    [InlineData("a: \"!!str\"\n")]
    public void Read_NoExplicitTag_IsAccepted(string yaml)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Empty(diagnostics);
        Assert.NotNull(root);
    }

    [Theory]
    [InlineData("a: 1\n---\nb: 2\n", "t.yaml:2:1: error TM0008: only one YAML document per file is allowed")]
    [InlineData("a: 1\n...\nb: 2\n", "t.yaml:3:1: error TM0008: only one YAML document per file is allowed")]
    [InlineData("---\na: 1\n---\nb: 2\n---\nc: 3\n", "t.yaml:3:1: error TM0008: only one YAML document per file is allowed")]
    [InlineData("a: 1\n--- !!str x\n", "t.yaml:2:1: error TM0008: only one YAML document per file is allowed")]
    public void Read_MoreThanOneDocument_ReportedOnceAndFirstDocumentKept(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal([expected], diagnostics);
        var mapping = Assert.IsType<YamlMapping>(root);
        Assert.Single(mapping.Entries);
        Assert.Equal("a", mapping.Entries[0].Key.Text);
    }

    [Theory]
    [InlineData("a: 1\n  b: 2\n", "t.yaml:2:4: error TM0002: YAML syntax error: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("a: [1, 2\n", "t.yaml:2:1: error TM0002: YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("a: @x\n", "t.yaml:1:4: error TM0002: YAML syntax error: While scanning for the next token, found character that cannot start any token.")]
    [InlineData("a: 1\nb: \"open\nc: 2\n", "t.yaml:2:4: error TM0002: YAML syntax error: While scanning a multi-line double-quoted scalar, found wrong indentation.")]
    [InlineData("key: value: other\n", "t.yaml:1:11: error TM0002: YAML syntax error: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("a: {x: 1\nb: 2\n", "t.yaml:2:1: error TM0002: YAML syntax error: unexpected text; check the indentation and that every '[' and '{' is closed")]
    [InlineData("a: 1\n---\nb: [\n", "t.yaml:2:1: error TM0008: only one YAML document per file is allowed")]
    public void Read_SyntaxError_ReportsParserMessageAtItsPosition(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal(expected, diagnostics[0]);
        Assert.All(diagnostics[1..], d => Assert.Contains("TM0002", d, StringComparison.Ordinal));
        Assert.Null(root);
    }

    [Theory]
    [InlineData("? [a]\n: 1\nb: 2\n", "t.yaml:1:3: error TM0002: mapping keys must be plain scalars")]
    [InlineData("? {x: 1}\n: 1\nb: 2\n", "t.yaml:1:3: error TM0002: mapping keys must be plain scalars")]
    [InlineData("{[a]: 1, b: 2}\n", "t.yaml:1:2: error TM0002: mapping keys must be plain scalars")]
    [InlineData("x: &s [1]\n*s : 1\nb: 2\n", "t.yaml:1:4: error TM0002: mapping keys must be plain scalars")]
    public void Read_NonScalarKey_ReportedAndEntrySkipped(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal([expected], diagnostics);
        var mapping = Assert.IsType<YamlMapping>(root);
        Assert.Equal("2", Assert.IsType<YamlScalar>(mapping["b"]).Text);
    }

    [Fact]
    public void Read_MergeKey_IsAnOrdinaryKey()
    {
        var root = YamlTestReader.ReadClean("base: &b {x: 1}\nteam:\n  <<: *b\n  y: 2\n");

        var team = Assert.IsType<YamlMapping>(YamlTestReader.At(root, "team"));
        Assert.Equal(["<<", "y"], team.Entries.Select(e => e.Key.Text));
        Assert.Null(team["x"]);
        Assert.IsType<YamlMapping>(team["<<"]);
    }

    [Fact]
    public void Read_Alias_SharesTheAnchoredNode()
    {
        var root = YamlTestReader.ReadClean("hours: &h {start: 09:00}\nsales: *h\nsupport: *h\n");

        var hours = YamlTestReader.At(root, "hours");
        Assert.Same(hours, YamlTestReader.At(root, "sales"));
        Assert.Same(hours, YamlTestReader.At(root, "support"));
        Assert.Equal("1:8", YamlTestReader.Position(YamlTestReader.At(root, "sales")));
    }

    [Fact]
    public void Read_AnchorRedefined_AliasUsesLatestDefinition()
    {
        var root = YamlTestReader.ReadClean("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");

        Assert.Equal("1", Assert.IsType<YamlScalar>(YamlTestReader.At(root, "b")).Text);
        Assert.Equal("2", Assert.IsType<YamlScalar>(YamlTestReader.At(root, "d")).Text);
    }

    [Theory]
    [InlineData("a: *foo\n", "t.yaml:1:4: error TM0009: unknown alias '*foo'")]
    [InlineData("a: [1, *foo]\nb: &foo 2\n", "t.yaml:1:8: error TM0009: unknown alias '*foo'")]
    [InlineData("a: &x [1, *x]\n", "t.yaml:1:11: error TM0009: unknown alias '*x' (an alias cannot be inside the node its anchor names)")]
    public void Read_UnknownAlias_ReportedAndFileUnusable(string yaml, string expected)
    {
        var (root, diagnostics) = YamlTestReader.Read(yaml);

        Assert.Equal([expected], diagnostics);
        Assert.Null(root);
    }

    [Fact]
    public void Read_EveryProblem_ReportedAtOnce()
    {
        var (_, diagnostics) = YamlTestReader.Read("a: !!str 1\na: 2\nb: *nope\nc: !x y\n");

        Assert.Equal(
            [
                "t.yaml:1:4: error TM0005: YAML tags are not allowed (found '!!str')",
                "t.yaml:2:1: error TM0006: duplicate key 'a' (first defined at line 1)",
                "t.yaml:3:4: error TM0009: unknown alias '*nope'",
                "t.yaml:4:4: error TM0005: YAML tags are not allowed (found '!x')",
            ],
            diagnostics);
    }
}
