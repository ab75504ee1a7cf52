namespace TheModel.Sync.Config.Tests.Compilation;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cfg-loader-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Lines(ConfigLoadResult result) => string.Join("\n", result.Diagnostics);

    [Fact]
    public void LoadFromText_SampleConfig_Compiles()
    {
        var result = ConfigLoader.LoadFromText([(SampleConfig.FileName, SampleConfig.Text)]);

        Assert.Equal(string.Empty, Lines(result));
        Assert.True(result.Succeeded);
        Assert.NotNull(result.Config);
    }

    [Fact]
    public void Load_Folder_MergesYamlAndYmlFilesInNameOrder()
    {
        Write("config/b.yml", "teams:\n  - { id: sr, role: SR, members: [{ id: aiko }] }\n");
        Write("config/a.yaml", "version: 1\nrouting:\n  - { id: x, when: {}, assign: { team: sr } }\n");
        Write("config/.a.yaml.swp.yaml", "not: [valid");
        Write("config/notes.txt", "not yaml");

        var result = ConfigLoader.Load(Path.Combine(_root, "config"));

        Assert.Equal(string.Empty, Lines(result));
        Assert.Equal([Path.Join(_root, "config", "a.yaml"), Path.Join(_root, "config", "b.yml")], result.Config!.Files);
        Assert.Equal("sr", result.Config.Rules.Routing[0].Assign.Team!.Id);
    }

    [Fact]
    public void Load_FileWithSyntaxError_OtherFilesReferencesToItsIdsAreNotReported()
    {
        // a.yaml defines the calendar and the team, but cannot be read: b.yaml's references to them may well be right,
        // so only the syntax error is reported. A reference that is wrong whatever a.yaml holds still is not: the
        // operator sees it once a.yaml reads.
        Write("config/a.yaml", "version: 1\ncalendars:\n  tokyo: { tz: Asia/Tokyo, hours: {}\n");
        Write("config/b.yaml", "teams:\n  - { id: sr, role: SR, calendar: tokyo, members: [] }\nrouting:\n  - { id: r, when: {}, assign: { team: sr } }\n");
        var folder = Path.Combine(_root, "config");

        var result = ConfigLoader.Load(folder);

        Assert.Null(result.Config);
        var line = Assert.Single(result.Diagnostics);
        Assert.Equal(("TM0002", $"{folder}/a.yaml"), (line.Code, line.File));

        // Once a.yaml reads, a wrong reference is reported as ever.
        Write("config/a.yaml", "version: 1\ncalendars:\n  osaka: { tz: Asia/Tokyo, hours: {} }\n");
        var fixedSyntax = ConfigLoader.Load(folder);
        Assert.Contains(fixedSyntax.Diagnostics, d => d.Code == "TM0023" && d.Message.StartsWith("unknown calendar 'tokyo'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_KeyInTwoFiles_ReportsBothFilesAtTheSecond()
    {
        Write("config/a.yaml", "version: 1\nteams: []\n");
        Write("config/b.yaml", "lists: {}\nteams: []\n");
        var folder = Path.Combine(_root, "config");

        var result = ConfigLoader.Load(folder);

        Assert.Equal(
            $"{folder}/b.yaml:2:1: error TM0007: top-level key 'teams' is defined in both {folder}/a.yaml and {folder}/b.yaml",
            Lines(result));
    }

    [Fact]
    public void Load_FolderWithoutYaml_ReportsIt()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        var folder = Path.Combine(_root, "empty");

        var result = ConfigLoader.Load(folder);

        Assert.Equal($"{folder}:1:1: error TM0001: cannot read config: the folder has no *.yaml or *.yml files", Lines(result));
    }

    [Fact]
    public void Load_MissingFile_ReportsItAsUnreadable()
    {
        var path = Path.Combine(_root, "nope.yaml");

        var result = ConfigLoader.Load(path);

        Assert.Equal($"{path}:1:1: error TM0001: cannot read config file: file not found", Lines(result));
    }

    [Fact]
    public void Load_ListFile_ReadsFirstColumnSkippingHeaderCommentsAndBlanks()
    {
        Write("config/lists/abm.csv", "domain\n# tier 1\n\nbigco.example,Big Co\n\"mega.example\",\"Mega, Inc\"\r\n");
        var file = Write("config/routing.yaml", "version: 1\nlists:\n  abm: { file: lists/abm.csv }\n");

        var result = ConfigLoader.Load(file);

        var list = Assert.Single(result.Config!.Rules.Lists);
        Assert.Equal(2, list.Count);
        Assert.True(list.Contains("jp.bigco.example"));
        Assert.True(list.Contains("mega.example"));
        Assert.False(list.Contains("domain"));
    }

    [Fact]
    public void Load_DomainListEntries_CleanedAsPersonDomains_AndWhatIsNoDomainReported()
    {
        // Entries compare with persons' domains, which are cleaned up (scheme, path, www., trailing dot, case): so are
        // they. A header in any case and a comment after an entry are skipped.
        Write("config/lists/abm.csv", "Domain,Company\nbigco.example # tier 1\nhttps://Scheme.example/x\ntrail.example.\nwww.shop.example\n");
        var file = Write("config/routing.yaml", "version: 1\nlists:\n  abm: { file: lists/abm.csv }\n");
        var list = Assert.Single(ConfigLoader.Load(file).Config!.Rules.Lists);
        Assert.Equal(4, list.Count);
        foreach (var domain in new[] { "bigco.example", "scheme.example", "trail.example", "shop.example", "jp.shop.example" })
        {
            Assert.True(list.Contains(domain), domain);
        }

        // What names no host is an error at the entry (inline) or naming the file's line.
        var inline = Write("config/inline.yaml", "version: 1\nlists:\n  f: { domains: [ok.example, \"a b\", \"@x.example\", \"*.x.example\"] }\n");
        Assert.Equal(
            $"{inline}:3:30: error TM0048: list 'f': 'a b' is not a domain; write a domain such as bigco.example (its subdomains are in the list too)\n" +
            $"{inline}:3:37: error TM0048: list 'f': '@x.example' is not a domain; write a domain such as bigco.example (its subdomains are in the list too)\n" +
            $"{inline}:3:51: error TM0048: list 'f': '*.x.example' is not a domain; write a domain such as bigco.example (its subdomains are in the list too)",
            Lines(ConfigLoader.Load(inline)));

        Write("config/lists/bad.csv", "domain\nok.example\nnot a domain\n");
        var fromFile = Write("config/file.yaml", "version: 1\nlists:\n  f: { file: lists/bad.csv }\n");
        Assert.Equal(
            $"{fromFile}:3:14: error TM0048: list file 'lists/bad.csv' line 3: list 'f': 'not a domain' is not a domain; write a domain such as bigco.example (its subdomains are in the list too)",
            Lines(ConfigLoader.Load(fromFile)));
    }

    [Fact]
    public void Load_CrmWithoutStages_LoadsWithAWarning()
    {
        // Queues alone are enough for simulate; connected live, every record would read as new: a warning says so.
        var result = ConfigLoader.LoadFromText([("c.yaml", "version: 1\ncrm: { hubspot: { queues: { q: \"1\" } } }\n")]);

        Assert.NotNull(result.Config);
        Assert.Equal(
            "c.yaml:2:17: warning TM0011: crm.hubspot has no 'stages': every record hubspot sends would read as stage new, and no stage can be written to it; map the stages before connecting it",
            Lines(result));
    }

    [Fact]
    public void Load_TwoStagesMappedToTheSameValues_LoadsWithAWarningOnTheLaterOne()
    {
        // Field order and case do not matter (reading compares values without case); a stage with one more field
        // (more specific) is not the same mapping.
        var yaml = """
            version: 1
            crm:
              hubspot:
                stages:
                  working: { lifecyclestage: marketingqualifiedlead, hs_lead_status: IN_PROGRESS }
                  nurture: { hs_lead_status: IN_PROGRESS, lifecyclestage: marketingqualifiedlead }
                  mql: { lifecyclestage: marketingqualifiedlead }
                  sql: { lifecyclestage: Marketingqualifiedlead }
            """;

        var result = ConfigLoader.LoadFromText([("c.yaml", yaml)]);

        Assert.NotNull(result.Config);
        Assert.Equal(
            "c.yaml:6:16: warning TM0050: stage 'nurture' maps to the same values as 'working' in crm.hubspot.stages: a record written as nurture reads back as working; add a field that tells them apart\n" +
            "c.yaml:8:12: warning TM0050: stage 'sql' maps to the same values as 'mql' in crm.hubspot.stages: a record written as sql reads back as mql; add a field that tells them apart",
            Lines(result));
    }

    [Fact]
    public void Load_SalesforceIdWithAWrongChecksum_ReportedWithTheRightOne()
    {
        var yaml = "version: 1\nteams:\n  - { id: t, role: SR, members: [ { id: aiko, salesforce: 0055g00000AbCdAXYZ }, { id: ben, salesforce: 0055g00000AbCdBaav } ] }\n";

        var result = ConfigLoader.LoadFromText([("c.yaml", yaml)]);

        // Only the wrong suffix is an error; a right one in lower case is the same id, and so is the whole id
        // upper-cased (its suffix gives the first 15 their case back).
        var lowered = ConfigLoader.LoadFromText([("c.yaml", "version: 1\nteams:\n  - { id: t, role: SR, members: [ { id: ben, salesforce: 0055G00000ABCDBAAV } ] }\n")]);
        Assert.Equal("0055g00000AbCdBAAV", lowered.Config!.Rules.Members[0].SalesforceId);
        Assert.Equal(
            "c.yaml:3:59: error TM0012: invalid Salesforce id '0055g00000AbCdAXYZ': its last 3 characters do not match the first 15 (the 18-character form of 0055g00000AbCdA is 0055g00000AbCdAAAV)",
            Lines(result));
    }

    [Fact]
    public void Load_TestPersonNullField_IsMissing_AndAnExpectedAccountOutsideTheTestIsAnError()
    {
        const string Head = "version: 1\nrouting:\n  - { id: q, when: {}, assign: { to: queue, queue: u } }\ncrm: { hubspot: { stages: { new: { s: n } }, queues: { u: \"1\" } } }\ntests:\n";
        var nullTitle = ConfigLoader.LoadFromText([("c.yaml", Head + "  - { name: t, person: { id: x, title: ~ }, expect: { rule: q } }\n")]);
        Assert.Equal(string.Empty, Lines(nullTitle));
        Assert.Null(Assert.Single(nullTitle.Config!.Tests).Person.Title);

        var otherAccount = ConfigLoader.LoadFromText([("c.yaml", Head + "  - { name: t, person: { id: x }, accounts: [ { id: a1, name: Acme } ], expect: { account: a2 } }\n")]);
        Assert.Equal(
            "c.yaml:6:83: error TM0091: test 't' expects account 'a2', which is not one of the test's accounts; did you mean `a1`?",
            Lines(otherAccount));
    }

    [Fact]
    public void Load_MissingListFile_NamesTheResolvedPath()
    {
        var file = Write("config/routing.yaml", "version: 1\nlists:\n  abm: { file: lists/abm.csv }\n");

        var result = ConfigLoader.Load(file);

        Assert.Equal(
            $"{file}:3:16: error TM0048: list file 'lists/abm.csv' not found (resolved to {Path.Combine(_root, "config", "lists", "abm.csv")})",
            Lines(result));
    }

    [Fact]
    public void Load_Version_CoversListFilesAndIgnoresWhereTheFolderIs()
    {
        const string Yaml = "version: 1\nlists:\n  abm: { file: lists/abm.csv }\n";
        Write("one/lists/abm.csv", "bigco.example\n");
        Write("two/lists/abm.csv", "bigco.example\n");
        var first = ConfigLoader.Load(Write("one/routing.yaml", Yaml)).Config!.Version;
        var second = ConfigLoader.Load(Write("two/routing.yaml", Yaml)).Config!.Version;
        var fromText = ConfigLoader.LoadFromText([("routing.yaml", Yaml)], Path.Combine(_root, "one")).Config!.Version;

        Write("two/lists/abm.csv", "bigco.example\nmega.example\n");
        var changed = ConfigLoader.Load(Path.Combine(_root, "two", "routing.yaml")).Config!.Version;

        Assert.Equal(first, second);
        Assert.Equal(first, fromText);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public void Load_Version_IsTheDocumentedHash()
    {
        var text = "version: 1\n";
        var bytes = "a.yaml\0"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(text)).Append((byte)0).ToArray();
        var expected = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

        var version = ConfigLoader.Load(Write("a.yaml", text)).Config!.Version;

        Assert.Equal(expected, version);
    }

    [Fact]
    public void LoadFromText_ErrorsInEverySection_AreAllReportedInFileOrder()
    {
        const string Yaml = """
            version: 1
            calendars:
              tokyo: { tz: Asia/Tokio, hours: { mon-fri: "09:00-18:00" } }
            teams:
              - id: sr
                role: sr
                calendar: tokyo
                members:
                  - { id: aiko, weight: 0 }
            routing:
              - id: x
                when: { stage: mqll }
                assign: { team: sr, strategy: round_robin }
              - id: y
                when: {}
                assign: { team: nope }
            sla:
              - id: s
                applies: {}
                met_when: {}
                within: 4 hours
                clock: business_hours
            """;

        var result = ConfigLoader.LoadFromText([("c.yaml", Yaml)]);

        Assert.Equal(
            """
            c.yaml:3:16: error TM0033: unknown time zone 'Asia/Tokio'; use an IANA name such as Asia/Tokyo or America/New_York
            c.yaml:6:11: error TM0029: unknown role 'sr'; expected one of marketing, SR, EBR, AE, CSM; did you mean `SR`?
            c.yaml:9:29: error TM0036: weight must be a positive integer, was 0
            c.yaml:12:20: error TM0026: unknown stage 'mqll'; did you mean `mql`?
            c.yaml:16:21: error TM0020: unknown team 'nope'
            c.yaml:21:13: error TM0030: invalid duration '4 hours': expected a number and a unit s, m, h, d or w, e.g. 90d
            """,
            Lines(result));
        Assert.Null(result.Config);
    }

    [Theory]
    [InlineData(
        "unresolved member calendar does not also fail business_hours",
        """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko, calendar: tokyo }] }
        sla:
          - { id: s, applies: {}, met_when: {}, within: 4h, clock: business_hours }
        """,
        "c.yaml:3:57: error TM0023: unknown calendar 'tokyo'")]
    [InlineData(
        "broken list still resolves for in_list",
        """
        version: 1
        lists:
          abm: { domains: [a.example], values: [b] }
        segments:
          - { id: abm, when: { domain: { in_list: abm } } }
        """,
        "c.yaml:3:32: error TM0048: list 'abm' gives domains and values; give only one of domains, values, file or builtin")]
    [InlineData(
        "invalid max_open is not also missing for least_loaded",
        """
        version: 1
        teams:
          - { id: ae, role: AE, members: [{ id: kenji, max_open: -1 }] }
        routing:
          - { id: x, when: {}, assign: { team: ae, strategy: least_loaded } }
        """,
        "c.yaml:3:58: error TM0036: max_open must be a non-negative integer, was -1")]
    [InlineData(
        "unknown strategy does not also reject then",
        """
        version: 1
        teams:
          - { id: sr, role: SR, members: [{ id: aiko }] }
        routing:
          - { id: x, when: {}, assign: { team: sr, strategy: stiky, then: round_robin } }
        """,
        "c.yaml:5:54: error TM0029: unknown strategy 'stiky'; expected one of round_robin, weighted_round_robin, least_loaded, sticky; did you mean `sticky`?")]
    [InlineData(
        "a misspelled required key is not also missing",
        """
        version: 1
        routing:
          - { id: x, when: {}, asign: { tem: sr } }
        """,
        "c.yaml:3:24: error TM0010: unknown key 'asign' in routing rule; did you mean `assign`?")]
    [InlineData(
        "a misspelled assign target is not also missing",
        """
        version: 1
        routing:
          - { id: x, when: {}, assign: { tem: sr } }
        """,
        "c.yaml:3:34: error TM0010: unknown key 'tem' in assign; did you mean `team`?")]
    [InlineData(
        "an assign key on the rule says where it goes, not a near name",
        """
        version: 1
        teams: [ { id: sr, role: SR, members: [ { id: a } ] } ]
        routing:
          - { id: x, when: {}, then: round_robin, assign: { team: sr, strategy: sticky } }
        """,
        "c.yaml:4:24: error TM0010: unknown key 'then' in routing rule; it belongs inside `assign:`, e.g. `assign: { team: ebr, strategy: sticky, then: round_robin }`")]
    [InlineData(
        "override inside assign says it sits on the rule",
        """
        version: 1
        teams: [ { id: sr, role: SR, members: [ { id: a } ] } ]
        routing:
          - { id: x, when: {}, assign: { team: sr, override: manual } }
        """,
        "c.yaml:4:44: error TM0010: unknown key 'override' in assign; it belongs on the rule beside `when:`, e.g. `- { id: vip, when: {}, override: manual, assign: { ... } }`")]
    [InlineData(
        "every mistake of a task subject is reported, not only the first",
        """
        version: 1
        teams: [ { id: sr, role: SR, members: [ { id: a } ] } ]
        sla:
          - { id: s, applies: {}, met_when: {}, within: 1h, clock: wall, on_breach: [ { task: { owner: owner, subject: "c } {compny} {" } } ] }
        """,
        "c.yaml:4:112: error TM0027: unmatched '}' in 'c } {compny} {'; write }} for a literal brace\n" +
        "c.yaml:4:112: error TM0027: unknown template name 'compny'; did you mean `company`?\n" +
        "c.yaml:4:112: error TM0027: unclosed '{' in 'c } {compny} {'; write {{ for a literal brace")]
    [InlineData(
        "a definition repeated by a YAML alias: each mistake once, and the duplicate says it is the alias",
        """
        version: 1
        teams: [ { id: sr, role: SR, members: [ { id: a } ] } ]
        routing:
          - &r { id: r1, when: {}, assign: { team: srx } }
          - *r
        """,
        "c.yaml:4:14: error TM0015: duplicate routing rule id 'r1': a YAML alias repeats the definition anchored here; an id is defined once\n" +
        "c.yaml:4:44: error TM0020: unknown team 'srx'; did you mean `sr`?")]
    public void LoadFromText_BrokenDefinition_DoesNotCascade(string scenario, string yaml, string expected)
    {
        var result = ConfigLoader.LoadFromText([("c.yaml", yaml)]);

        Assert.True(expected == Lines(result), $"{scenario}:\n{Lines(result)}");
    }
}
