using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Tests.Compilation;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Tests.Schema;

/// <summary>
/// <c>config/schema/themodel.schema.json</c> accepts the sample config and the guide's examples, rejects common mistakes,
/// and stays in step with the compiler: the same keys as <see cref="KnownKeys"/>, the same enumerations as the code.
/// </summary>
public sealed class SchemaTests
{
    /// <summary>
    /// Definitions that close their keys (<c>additionalProperties: false</c>) without mirroring a <see cref="KnownKeys"/>
    /// list: the compiler checks these keys against other catalogues (canonical fields, operators, stages).
    /// </summary>
    private static readonly string[] HelperDefinitions = ["Condition", "Predicate", "Set", "CrmStages"];

    private static readonly Lazy<string> RepoRoot = new(FindRepoRoot);

    private static readonly Lazy<JsonObject> SchemaDocument = new(() =>
        JsonNode.Parse(File.ReadAllText(SchemaPath))?.AsObject() ?? throw new InvalidOperationException("the schema is empty"));

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private static string ConfigDirectory => Path.Combine(RepoRoot.Value, "config");

    private static string SchemaPath => Path.Combine(ConfigDirectory, "schema", "themodel.schema.json");

    private static JsonObject Definitions => SchemaDocument.Value["$defs"]?.AsObject() ?? throw new InvalidOperationException("the schema has no $defs");

    public static TheoryData<string> SampleFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in SampleFileNames())
            {
                data.Add(name);
            }

            return data;
        }
    }

    // (a) The sample config validates, file by file and merged.

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Evaluate_SampleConfigFile_IsValid(string fileName)
    {
        var json = ReadYamlFile(Path.Combine(ConfigDirectory, fileName), fileName);

        AssertValid(json, fileName);
    }

    [Fact]
    public void Evaluate_MergedSampleConfig_IsValid()
    {
        var merged = new JsonObject();
        foreach (var name in SampleFileNames())
        {
            var file = Assert.IsType<JsonObject>(ReadYamlFile(Path.Combine(ConfigDirectory, name), name));
            foreach (var (key, value) in file.ToList())
            {
                Assert.False(merged.ContainsKey(key), $"top-level key '{key}' is defined in two sample files");
                file.Remove(key);
                merged[key] = value;
            }
        }

        Assert.True(merged.ContainsKey("version"), "the schema cannot require version, so the merged sample must have it");
        AssertValid(merged, "the merged sample config");
    }

    [Fact]
    public void Evaluate_SampleConfigFolder_HasYamlFiles()
    {
        Assert.NotEmpty(SampleFileNames());
    }

    [Fact]
    public void Evaluate_RoutingLanguageExamples_AreValid()
    {
        var json = ReadYamlText(SampleConfig.Text, SampleConfig.FileName);

        AssertValid(json, "the routing language's examples (SampleConfig)");
    }

    [Fact]
    public void Evaluate_OperatorGuideYamlExamples_AreValid()
    {
        var guide = File.ReadAllText(Path.Combine(ConfigDirectory, "README.md"));
        var blocks = YamlBlocks(guide);

        Assert.NotEmpty(blocks);
        var failures = new List<string>();
        foreach (var (line, text) in blocks)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"config/README.md, the yaml block at line {line}");
            var diagnostics = new DiagnosticBag();
            var root = YamlDocumentReader.Read(where, text, diagnostics);
            if (root is null || diagnostics.Count > 0)
            {
                failures.Add($"{where}: {string.Join("; ", diagnostics)}");
                continue;
            }

            var errors = Errors(ToJson(root));
            if (errors.Count > 0)
            {
                failures.Add($"{where}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Evaluate_FileWithoutVersion_IsValid()
    {
        // A folder config splits the top-level keys over files, so no single file must hold version.
        var json = ReadYamlText("routing:\n  - { id: fallback, when: {}, assign: { to: queue, queue: unassigned } }\n", "routing.yaml");

        AssertValid(json, "a file without version");
    }

    [Fact]
    public void Evaluate_EveryCanonicalFieldInACondition_IsValid()
    {
        var when = new JsonObject();
        foreach (var path in CanonicalFields.AllPaths.Concat(["fields.intent", "person.fields.intent", "account.fields.tier"]))
        {
            when[path] = new JsonObject { ["exists"] = true };
        }

        var json = new JsonObject
        {
            ["segments"] = new JsonArray(new JsonObject { ["id"] = "all-fields", ["when"] = when }),
        };

        AssertValid(json, "a condition naming every canonical field");
    }

    // (b) The schema has the compiler's keys: one $defs entry per KnownKeys list, with exactly its keys.

    [Fact]
    public void Definitions_EveryKnownKeysList_HasADefinitionWithExactlyItsKeys()
    {
        var lists = KnownKeysLists();
        Assert.NotEmpty(lists);

        var problems = new List<string>();
        foreach (var (name, keys) in lists)
        {
            if (Definitions[name] is not JsonObject definition)
            {
                problems.Add($"$defs/{name} is missing (KnownKeys.{name}: {string.Join(", ", keys)})");
                continue;
            }

            var properties = definition["properties"] is JsonObject p ? p.Select(kv => kv.Key).ToList() : [];
            var missing = keys.Except(properties, StringComparer.Ordinal).ToList();
            var extra = properties.Except(keys, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                problems.Add($"$defs/{name}.properties differs from KnownKeys.{name}: " +
                    $"missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
            }

            if (definition["additionalProperties"] is not JsonValue closed || closed.GetValueKind() != JsonValueKind.False)
            {
                problems.Add($"$defs/{name} must have additionalProperties: false, as the compiler rejects unknown keys");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Definitions_EveryClosedDefinition_MirrorsAKnownKeysListOrIsAHelper()
    {
        var known = KnownKeysLists().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, node) in Definitions)
        {
            var closed = node?["additionalProperties"] is JsonValue value && value.GetValueKind() == JsonValueKind.False;
            if (closed && !known.Contains(name) && !HelperDefinitions.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"$defs/{name} closes its keys but KnownKeys has no list named {name}; add one (and use it in the compiler) or list it in HelperDefinitions");
            }
        }

        foreach (var helper in HelperDefinitions)
        {
            if (Definitions[helper] is null)
            {
                problems.Add($"HelperDefinitions names $defs/{helper}, which the schema does not have");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Schema_Document_IsAValidDraft202012Schema()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        var results = MetaSchemas.Draft202012.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });

        var errors = new List<string>();
        CollectErrors(results, errors);
        Assert.True(results.IsValid, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Schema_Root_IsTheTopLevelDefinitionWithoutRequiredKeys()
    {
        var root = SchemaDocument.Value;

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root["$schema"]?.GetValue<string>());
        Assert.Equal("#/$defs/TopLevel", root["$ref"]?.GetValue<string>());
        Assert.Null(Definitions["TopLevel"]?["required"]);
    }

    [Fact]
    public void Definitions_ConditionKeys_AreCanonicalFields()
    {
        var properties = Definitions["Condition"]?["properties"]?.AsObject() ?? throw new InvalidOperationException("$defs/Condition has no properties");
        var unknown = properties
            .Select(kv => kv.Key)
            .Where(key => key is not ("any" or "all" or "not") && !CanonicalFields.TryResolve(key, out _))
            .ToList();

        Assert.True(unknown.Count == 0, $"$defs/Condition names fields the compiler does not know: {string.Join(", ", unknown)}");
    }

    // (c) Mistakes fail the schema, and the compiler rejects them too.

    [Theory]
    [InlineData("unknown key in a team", "TM0010", """
        version: 1
        teams:
          - id: sr
            role: SR
            colour: blue
            members: [{ id: aiko }]
        """)]
    [InlineData("bad strategy", "TM0029", """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko }] }
        routing:
          - id: inbound
            when: {}
            assign: { team: sr, strategy: weighted_robin }
        """)]
    [InlineData("bad duration", "TM0030", """
        version: 1
        sla:
          - id: first-touch
            applies: { stage: mql }
            met_when: { touches: { gte: 1 } }
            within: 4 hours
        """)]
    [InlineData("bad duration unit", "TM0030", """
        version: 1
        recycle:
          - { id: not-now, when: { stage: nurture }, recheck_after: 3mo }
        """)]
    [InlineData("unknown top-level key", "TM0010", """
        version: 1
        temas: []
        """)]
    [InlineData("unknown operator", "TM0040", """
        version: 1
        segments:
          - { id: big, when: { employees: { gte_: 1000 } } }
        """)]
    [InlineData("bad id", "TM0014", """
        version: 1
        teams:
          - { id: Sales Team, role: SR, members: [{ id: aiko }] }
        """)]
    [InlineData("unknown stage", "TM0026", """
        version: 1
        teams:
          - { id: sr, role: SR, works: [mqll], members: [{ id: aiko }] }
        """)]
    [InlineData("unknown role", "TM0029", """
        version: 1
        teams:
          - { id: sr, role: sr, members: [{ id: aiko }] }
        """)]
    [InlineData("version 2", "TM0013", """
        version: 2
        """)]
    [InlineData("both to and team", "TM0047", """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko }] }
        routing:
          - { id: x, when: {}, assign: { to: aiko, team: sr } }
        """)]
    [InlineData("then without sticky", "TM0047", """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko }] }
        routing:
          - { id: x, when: {}, assign: { team: sr, strategy: round_robin, then: least_loaded } }
        """)]
    [InlineData("bad working hours", "TM0032", """
        version: 1
        calendars:
          tokyo: { tz: Asia/Tokyo, hours: { mon-fri: "9-18" } }
        """)]
    [InlineData("bad date", "TM0031", """
        version: 1
        calendars:
          tokyo: { tz: Asia/Tokyo, hours: { mon-fri: "09:00-18:00" }, holidays: [2027/01/01] }
        """)]
    [InlineData("two list sources", "TM0048", """
        version: 1
        lists:
          abm: { domains: [bigco.example], builtin: free_mail_domains }
        """)]
    [InlineData("reserved member id", "TM0016", """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: owner }] }
        """)]
    [InlineData("reserved queue key", "TM0016", """
        version: 1
        crm:
          hubspot: { stages: { new: { hs_lead_status: NEW } }, queues: { external: "90001" } }
        """)]
    [InlineData("yes is not a boolean", "TM0012", """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko, active: yes }] }
        """)]
    [InlineData("set writes owner", "TM0046", """
        version: 1
        crm:
          salesforce: { stages: { new: { Status: Open } }, queues: { unassigned: 00G5g000004XyZaEAK } }
        routing:
          - { id: x, when: {}, set: { owner: aiko }, assign: { to: queue, queue: unassigned } }
        """)]
    [InlineData("unknown expect key", "TM0010", """
        version: 1
        tests:
          - { name: t, person: { email: a@b.example }, expect: { owner_id: aiko } }
        """)]
    public void Evaluate_BrokenSnippet_IsInvalidAndTheCompilerRejectsIt(string mistake, string code, string yaml)
    {
        var json = ReadYamlText(yaml, "config/t.yaml");

        Assert.True(Errors(json).Count > 0, $"the schema accepts a config with a mistake ({mistake})");
        var compiled = ConfigLoader.LoadFromText([("config/t.yaml", yaml)]);
        Assert.False(compiled.Succeeded, $"the compiler accepts a config with a mistake ({mistake})");
        Assert.Contains(compiled.Diagnostics, d => d.Code == code);
    }

    // (d) The schema's enumerations are the code's.

    [Fact]
    public void Definitions_StrategyEnum_EqualsRoutingStrategies()
    {
        AssertSameNames(RoutingStrategies.Names, EnumOf("Strategy"), "$defs/Strategy.enum", "RoutingStrategies.Names");
        AssertSameNames(RoutingStrategies.Names.Where(n => n != "sticky").ToList(), EnumOf("ThenStrategy"), "$defs/ThenStrategy.enum", "RoutingStrategies.Names without sticky");
    }

    [Fact]
    public void Definitions_StageEnum_EqualsStages()
    {
        AssertSameNames(Stages.AllNames, EnumOf("Stage"), "$defs/Stage.enum", "Stages.AllNames");
        var mapped = Definitions["CrmStages"]?["properties"]?.AsObject().Select(kv => kv.Key).ToList() ?? [];
        AssertSameNames(Stages.AllNames, mapped, "$defs/CrmStages.properties", "Stages.AllNames");
    }

    [Fact]
    public void Definitions_RoleAndAccountTypeEnums_EqualTheCode()
    {
        AssertSameNames(TeamRoles.Names, EnumOf("Role"), "$defs/Role.enum", "TeamRoles.Names");
        AssertSameNames(Account.Types, EnumOf("AccountType"), "$defs/AccountType.enum", "Account.Types");
    }

    // Helpers.

    private static List<(string Name, IReadOnlyList<string> Keys)> KnownKeysLists() =>
        [.. typeof(KnownKeys)
            .GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(IReadOnlyList<string>))
            .Select(p => (p.Name, (IReadOnlyList<string>)(p.GetValue(null) ?? throw new InvalidOperationException($"KnownKeys.{p.Name} is null"))))];

    private static List<string> EnumOf(string definition) =>
        Definitions[definition]?["enum"]?.AsArray().Select(n => n?.GetValue<string>() ?? string.Empty).ToList()
        ?? throw new InvalidOperationException($"$defs/{definition} has no enum");

    private static void AssertSameNames(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string actualName, string expectedName)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{actualName} differs from {expectedName}: missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
    }

    private static void AssertValid(JsonNode? json, string what)
    {
        var errors = Errors(json);
        Assert.True(errors.Count == 0, $"{what} does not validate against the schema:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}");
    }

    /// <summary>The schema's errors for a document, each as <c>/instance/location: message</c>; empty when valid.</summary>
    private static List<string> Errors(JsonNode? json)
    {
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        CollectErrors(results, errors);
        return errors.Count > 0 ? [.. errors.Distinct(StringComparer.Ordinal)] : ["invalid (no details)"];
    }

    /// <summary>
    /// The errors of the failing nodes only: a branch that failed under an <c>anyOf</c> or <c>oneOf</c> that passed, or an
    /// <c>if</c> that did not hold, is not a mistake and would only bury the real one.
    /// </summary>
    private static void CollectErrors(EvaluationResults node, List<string> into)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            into.Add($"{node.InstanceLocation}: {keyword}: {message} (schema {node.EvaluationPath})");
        }

        foreach (var child in node.Details ?? [])
        {
            var segments = child.EvaluationPath.ToString().Split('/');
            var keyword = segments.Length >= 2 && int.TryParse(segments[^1], out _) ? segments[^2] : segments[^1];
            var branchOfPassingChoice = keyword is "anyOf" or "oneOf" && node.Errors?.ContainsKey(keyword) != true;
            if (keyword != "if" && !branchOfPassingChoice)
            {
                CollectErrors(child, into);
            }
        }
    }

    private static List<string> SampleFileNames() =>
        [.. Directory.EnumerateFiles(ConfigDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.') && (n.EndsWith(".yaml", StringComparison.Ordinal) || n.EndsWith(".yml", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];

    private static JsonNode? ReadYamlFile(string path, string displayName) => ReadYamlText(File.ReadAllText(path), displayName);

    private static JsonNode? ReadYamlText(string text, string displayName)
    {
        var diagnostics = new DiagnosticBag();
        var root = YamlDocumentReader.Read(displayName, text, diagnostics);
        Assert.True(diagnostics.Count == 0, string.Join(Environment.NewLine, diagnostics));
        Assert.NotNull(root);
        return ToJson(root);
    }

    /// <summary>The YAML tree as JSON, with the YAML 1.2 core schema's types: what an editor's YAML extension validates.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMapping mapping => new JsonObject(mapping.Entries.Select(e => KeyValuePair.Create(e.Key.Text, ToJson(e.Value)))),
        YamlSequence sequence => new JsonArray([.. sequence.Items.Select(ToJson)]),
        YamlScalar scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name}"),
    };

    private static JsonValue? Scalar(YamlScalar scalar)
    {
        switch (scalar.Kind)
        {
            case ScalarKind.Null:
                return null;
            case ScalarKind.Bool when scalar.TryGetBool(out var flag):
                return JsonValue.Create(flag);
            case ScalarKind.Int when scalar.TryGetInt64(out var integer):
                return JsonValue.Create(integer);
            case ScalarKind.Int or ScalarKind.Float when scalar.TryGetDouble(out var number) && double.IsFinite(number):
                return JsonValue.Create(number);
            default:
                // Strings, and .inf/.nan, which JSON cannot hold.
                return JsonValue.Create(scalar.Text);
        }
    }

    /// <summary>The <c>```yaml</c> blocks of a markdown file, with the line each starts on.</summary>
    private static List<(int Line, string Text)> YamlBlocks(string markdown)
    {
        var blocks = new List<(int, string)>();
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```yaml")
            {
                continue;
            }

            var start = i + 1;
            var text = new StringBuilder();
            for (i = start; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                text.Append(lines[i]).Append('\n');
            }

            blocks.Add((start + 1, text.ToString()));
        }

        return blocks;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TheModel.Sync.sln not found above {AppContext.BaseDirectory}");
    }
}
