using System.Text.Json;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Generation;

public sealed class DataGeneratorTests
{
    private static readonly DateTimeOffset Anchor = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] TimeKeys =
        ["stage_entered_at", "owner_set_at", "created_at", "updated_at", "last_touch_at"];

    private static readonly string[] FieldTimeKeys = ["last_form_at", "last_event_at"];

    private static readonly string[] AbmDomains =
        ["bigco.example", "mega.example", "toyota-tsusho.example", "mitsubishi-shoji.example", "globex.example", "initech.example"];

    private static readonly string[] CompetitorDomains = ["rival.example", "competitor.example", "rivalsoft.co.jp"];

    [Fact]
    public void Generate_SameSeed_WritesIdenticalBytes()
    {
        using var dir = new TempDirectory();
        var options = new GeneratorOptions { People = 3_000, Accounts = 400, Seed = 42 };
        var a = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("a"));
        var b = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("b"));

        Assert.Equal(File.ReadAllBytes(a.People), File.ReadAllBytes(b.People));
        Assert.Equal(File.ReadAllBytes(a.Accounts), File.ReadAllBytes(b.Accounts));
        Assert.Equal(File.ReadAllBytes(a.Opportunities), File.ReadAllBytes(b.Opportunities));
        Assert.True(new FileInfo(a.People).Length > 100_000);
    }

    [Fact]
    public void Generate_SameSeedCsv_WritesIdenticalBytes()
    {
        using var dir = new TempDirectory();
        var options = new GeneratorOptions { People = 1_000, Accounts = 100, Seed = 7 };
        var a = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("a"), "csv");
        var b = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("b"), "csv");

        Assert.Equal(File.ReadAllBytes(a.People), File.ReadAllBytes(b.People));
    }

    [Fact]
    public void Generate_DifferentSeed_WritesDifferentData()
    {
        using var dir = new TempDirectory();
        var a = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 500, Accounts = 100, Seed = 1 }, dir.Sub("a"));
        var b = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 500, Accounts = 100, Seed = 2 }, dir.Sub("b"));

        Assert.NotEqual(File.ReadAllBytes(a.People), File.ReadAllBytes(b.People));
        Assert.NotEqual(File.ReadAllBytes(a.Accounts), File.ReadAllBytes(b.Accounts));
        Assert.NotEqual(File.ReadAllBytes(a.Opportunities), File.ReadAllBytes(b.Opportunities));
    }

    [Fact]
    public void Generate_DifferentAnchor_ShiftsTimestamps()
    {
        using var dir = new TempDirectory();
        var a = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 50, Accounts = 20, Seed = 1 }, dir.Sub("a"));
        var b = DataGenerator.Generate(
            GenerationRules.Roster(),
            new GeneratorOptions { People = 50, Accounts = 20, Seed = 1, Anchor = Anchor.AddDays(-10) },
            dir.Sub("b"));

        var first = JsonDocument.Parse(File.ReadLines(a.People).First()).RootElement;
        var second = JsonDocument.Parse(File.ReadLines(b.People).First()).RootElement;
        Assert.Equal(first.GetProperty("email").GetString(), second.GetProperty("email").GetString());
        Assert.True(Timestamps.TryParse(first.GetProperty("created_at").GetString(), out var t1));
        Assert.True(Timestamps.TryParse(second.GetProperty("created_at").GetString(), out var t2));
        Assert.Equal(TimeSpan.FromDays(10), t1 - t2);
    }

    [Theory]
    [InlineData(0, 0, null, 0)]
    [InlineData(10, 0, null, 0)]
    [InlineData(200, 3, null, 1)]
    [InlineData(1_234, 321, null, 160)]
    [InlineData(100, 50, 77, 77)]
    public void Generate_Counts_AreAsAsked(int people, int accounts, int? opportunities, int expectedOpportunities)
    {
        using var dir = new TempDirectory();
        var options = opportunities is { } o
            ? new GeneratorOptions { People = people, Accounts = accounts, Seed = 5, Opportunities = o }
            : new GeneratorOptions { People = people, Accounts = accounts, Seed = 5 };
        var files = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Path);

        Assert.Equal(people, files.PeopleCount);
        Assert.Equal(accounts, files.AccountCount);
        Assert.Equal(expectedOpportunities, files.OpportunityCount);
        Assert.Equal(people, File.ReadLines(files.People).Count());
        Assert.Equal(accounts, File.ReadLines(files.Accounts).Count());
        Assert.Equal(expectedOpportunities, File.ReadLines(files.Opportunities).Count());
        Assert.Equal(Path.Combine(dir.Path, "people.jsonl"), files.People);
    }

    [Fact]
    public void Generate_EveryPersonLine_ParsesWithIdAndIsoTimestampsBeforeTheAnchor()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 3_000, Accounts = 300, Seed = 9 }, dir.Path);

        var n = 0;
        var rechecksAfterAnchor = 0;
        var rechecksBeforeAnchor = 0;
        foreach (var line in File.ReadLines(files.People))
        {
            n++;
            using var doc = JsonDocument.Parse(line);
            var p = doc.RootElement;
            Assert.Equal("p" + n, p.GetProperty("id").GetString());
            Assert.True(Stages.TryParse(p.GetProperty("stage").GetString(), out _));
            Assert.Contains("@", p.GetProperty("email").GetString(), StringComparison.Ordinal);
            foreach (var key in TimeKeys)
            {
                if (p.TryGetProperty(key, out var t))
                {
                    AssertInstantBefore(t.GetString(), Anchor, key, line);
                }
            }

            Assert.True(p.TryGetProperty("stage_entered_at", out _), line);
            Assert.True(p.TryGetProperty("created_at", out _), line);
            if (p.TryGetProperty("fields", out var fields))
            {
                Assert.Equal(JsonValueKind.Object, fields.ValueKind);
                foreach (var key in FieldTimeKeys)
                {
                    if (fields.TryGetProperty(key, out var t))
                    {
                        AssertInstantBefore(t.GetString(), Anchor, key, line);
                    }
                }
            }

            if (p.TryGetProperty("previous_owners", out var previous))
            {
                Assert.Equal(JsonValueKind.Array, previous.ValueKind);
                Assert.InRange(previous.GetArrayLength(), 1, 3);
                Assert.All(previous.EnumerateArray(), e => Assert.Equal(JsonValueKind.String, e.ValueKind));
            }

            if (p.TryGetProperty("recheck_at", out var recheck))
            {
                Assert.True(Timestamps.TryParse(recheck.GetString(), out var at), line);
                if (at > Anchor)
                {
                    rechecksAfterAnchor++;
                }
                else
                {
                    rechecksBeforeAnchor++;
                }
            }
        }

        Assert.Equal(3_000, n);
        Assert.True(rechecksAfterAnchor > 0, "some rechecks lie in the future");
        Assert.True(rechecksBeforeAnchor > 0, "some rechecks are already due");
    }

    [Fact]
    public void Generate_Accounts_ParseWithIsoTimestampsAndKnownTypes()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 0, Accounts = 1_000, Seed = 9 }, dir.Path);

        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var line in File.ReadLines(files.Accounts))
        {
            n++;
            using var doc = JsonDocument.Parse(line);
            var a = doc.RootElement;
            Assert.Equal("a" + n, a.GetProperty("id").GetString());
            AssertInstantBefore(a.GetProperty("created_at").GetString(), Anchor, "created_at", line);
            Assert.True(a.TryGetProperty("domain", out _) || a.TryGetProperty("website", out _), line);
            var type = a.GetProperty("type").GetString()!;
            Assert.Contains(type, Account.Types);
            types[type] = types.GetValueOrDefault(type) + 1;
            Assert.True(a.GetProperty("employees").GetInt32() >= 1);
        }

        Assert.InRange(types["prospect"], 600, 800);
        Assert.InRange(types["customer"], 100, 200);
        Assert.InRange(types["former_customer"], 40, 130);
        Assert.InRange(types["partner"], 35, 120);
    }

    [Fact]
    public void Generate_Opportunities_AreConsistent()
    {
        using var dir = new TempDirectory();
        var rules = GenerationRules.Roster();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 0, Accounts = 400, Seed = 3, Opportunities = 1_000 }, dir.Path);

        var lostReasons = new HashSet<string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(files.Opportunities))
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            var stage = o.GetProperty("stage").GetString()!;
            stages.Add(stage);
            var closed = o.GetProperty("is_closed").GetBoolean();
            var won = o.GetProperty("is_won").GetBoolean();
            Assert.Equal(stage.StartsWith("Closed", StringComparison.Ordinal), closed);
            Assert.Equal(stage == "Closed Won", won);
            Assert.Equal(stage == "Closed Lost", o.TryGetProperty("loss_reason", out var reason));
            if (stage == "Closed Lost")
            {
                lostReasons.Add(reason.GetString()!);
            }

            var account = int.Parse(o.GetProperty("account").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(account, 1, 400);
            Assert.True(o.GetProperty("amount").GetInt64() > 0);
            AssertInstantBefore(o.GetProperty("close_date").GetString(), Anchor, "close_date", line);
            var owner = rules.ResolveOwner(o.GetProperty("owner").GetString());
            Assert.Equal(OwnerKind.Member, owner.Kind);
            Assert.Equal(TeamRole.AE, owner.Member!.Team.Role);
        }

        Assert.Equal(6, stages.Count);
        Assert.Equal(["budget", "competitor", "no_decision", "timing"], lostReasons.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generate_TwoThousandPeople_EveryStageAppears()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 2_000, Accounts = 200, Seed = 11 }, dir.Path);

        var counts = People(files).GroupBy(p => p.GetProperty("stage").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var stage in Stages.AllNames)
        {
            Assert.True(counts.GetValueOrDefault(stage) > 0, $"no person in stage {stage}");
        }

        Assert.InRange(counts["new"], 550, 850);
        Assert.InRange(counts["disqualified"], 40, 180);
    }

    [Fact]
    public void Generate_Owners_AreMembersQueuesOrCrmIdsOfTheRuleSet()
    {
        using var dir = new TempDirectory();
        var rules = GenerationRules.Roster();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 5_000, Accounts = 500, Seed = 13 }, dir.Path);

        int byMemberId = 0, byCrmId = 0, queues = 0, externals = 0, inactive = 0, none = 0, newWithoutOwner = 0, news = 0;
        foreach (var p in People(files))
        {
            var stage = p.GetProperty("stage").GetString();
            if (stage == "new")
            {
                news++;
            }

            if (!p.TryGetProperty("owner", out var ownerElement))
            {
                none++;
                newWithoutOwner += stage == "new" ? 1 : 0;
                Assert.False(p.TryGetProperty("owner_set_at", out _));
                continue;
            }

            Assert.True(p.TryGetProperty("owner_set_at", out _));
            var text = ownerElement.GetString()!;
            var owner = rules.ResolveOwner(text);
            switch (owner.Kind)
            {
                case OwnerKind.Member:
                    if (rules.FindMember(text) is null)
                    {
                        byCrmId++;
                    }
                    else
                    {
                        byMemberId++;
                    }

                    if (!owner.Member!.Active)
                    {
                        inactive++;
                        break;
                    }

                    var role = owner.Member.Team.Role;
                    switch (stage)
                    {
                        case "sql":
                            Assert.Equal(TeamRole.AE, role);
                            break;
                        case "customer":
                            Assert.True(role is TeamRole.CSM or TeamRole.AE, $"{text} owns a customer");
                            break;
                        case "mql" or "working":
                            Assert.True(role is TeamRole.SR or TeamRole.EBR, $"{text} owns an {stage} person");
                            break;
                    }

                    break;
                case OwnerKind.Queue:
                    queues++;
                    Assert.True(stage is "new" or "mql" or "working" or "nurture" or "disqualified", $"a queue owns a {stage} person");
                    break;
                case OwnerKind.External:
                    externals++;
                    Assert.Matches("^(005[0-9A-Za-z]{15}|[0-9]{8})$", text);
                    break;
                default:
                    Assert.Fail($"owner '{text}' resolves to nothing");
                    break;
            }

            if (p.TryGetProperty("previous_owners", out var previous))
            {
                foreach (var id in previous.EnumerateArray())
                {
                    Assert.NotNull(rules.FindMember(id.GetString()!));
                }
            }
        }

        Assert.True(byMemberId > 1_500, $"{byMemberId} owners named by member id");
        Assert.True(byCrmId > 100, $"{byCrmId} owners named by CRM id");
        Assert.True(queues > 300, $"{queues} queue owners");
        Assert.InRange(externals, 20, 300);
        Assert.InRange(inactive, 10, 250);
        Assert.True(newWithoutOwner > news / 10 && newWithoutOwner < news / 5, $"{newWithoutOwner} of {news} new persons without owner");
        Assert.True(none - newWithoutOwner < none / 2, $"{none} persons without owner, {newWithoutOwner} of them new");
    }

    [Fact]
    public void Generate_OwnerSetAt_IsSometimesBeforeAndSometimesAfterTheStageEntry()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 2_000, Accounts = 200, Seed = 17 }, dir.Path);

        int before = 0, after = 0, manual = 0;
        foreach (var p in People(files))
        {
            if (!p.TryGetProperty("owner_set_at", out var set))
            {
                continue;
            }

            Timestamps.TryParse(set.GetString(), out var ownerSetAt);
            Timestamps.TryParse(p.GetProperty("stage_entered_at").GetString(), out var entered);
            if (entered > ownerSetAt)
            {
                before++;
            }
            else
            {
                after++;
            }

            manual += p.GetProperty("owner_set_by").GetString() == "service" ? 0 : 1;
        }

        Assert.True(before > 200, $"{before} owners set before the stage was entered");
        Assert.True(after > before, $"{after} owners set at or after the stage entry");
        Assert.InRange(manual, 10, 150);
    }

    [Fact]
    public void Generate_Accounts_IncludeTargetsCompetitorsDuplicatesAndBothMarkets()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 0, Accounts = 1_000, Seed = 21 }, dir.Path);

        var accounts = Read(files.Accounts).ToList();
        var domains = accounts.Select(DomainOf).ToList();
        foreach (var d in AbmDomains.Concat(CompetitorDomains).Append("jp.bigco.example"))
        {
            Assert.Contains(d, domains);
        }

        var duplicates = domains.GroupBy(d => d, StringComparer.OrdinalIgnoreCase).Count(g => g.Count() > 1);
        Assert.InRange(duplicates, 10, 60);
        var names = accounts.Select(a => a.GetProperty("name").GetString()!).ToList();
        Assert.Contains(names, n => n.StartsWith("株式会社", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("株式会社", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("(株)", StringComparison.Ordinal) || n.StartsWith('㈱'));
        Assert.Contains(names, n => n.StartsWith("有限会社", StringComparison.Ordinal) || n.StartsWith("合同会社", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith(" K.K.", StringComparison.Ordinal) || n.EndsWith(" Co., Ltd.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith(" Inc.", StringComparison.Ordinal) || n.EndsWith(" LLC", StringComparison.Ordinal));
        Assert.Contains(domains, d => d.EndsWith(".co.jp", StringComparison.Ordinal));
        Assert.Contains(domains, d => d.EndsWith(".com", StringComparison.Ordinal));
        Assert.Contains(accounts, a => !a.TryGetProperty("domain", out _) && a.GetProperty("website").GetString()!.StartsWith("http", StringComparison.Ordinal));
        var japan = accounts.Count(a => a.GetProperty("country").GetString() == "JP");
        Assert.InRange(japan, 350, 650);
        var employees = accounts.Select(a => a.GetProperty("employees").GetInt32()).ToList();
        Assert.True(employees.Count(e => e is >= 10 and <= 200) > 400);
        Assert.True(employees.Count(e => e >= 1000) > 80);
    }

    [Fact]
    public void Generate_TenThousandPeople_HaveFreeMailSubdomainsCompetitorsAndVariants()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 10_000, Accounts = 1_000, Seed = 23 }, dir.Path);

        var accountDomains = new HashSet<string>(Read(files.Accounts).Select(DomainOf), StringComparer.OrdinalIgnoreCase);
        var freeMail = new HashSet<string>(FreeMailDomains.All, StringComparer.OrdinalIgnoreCase);
        int free = 0, freeWithCompany = 0, sub = 0, exact = 0, competitor = 0, account = 0, abm = 0, fullWidth = 0, demo = 0, noCompanyFree = 0;
        var countries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in People(files))
        {
            var domain = p.GetProperty("email").GetString()!.Split('@')[1];
            var hasCompany = p.TryGetProperty("company", out var company);
            countries.Add(p.GetProperty("country").GetString()!);
            if (freeMail.Contains(domain))
            {
                free++;
                freeWithCompany += hasCompany ? 1 : 0;
                noCompanyFree += hasCompany ? 0 : 1;
            }
            else if (accountDomains.Contains(domain))
            {
                exact++;
            }
            else if (accountDomains.Contains(domain[(domain.IndexOf('.', StringComparison.Ordinal) + 1)..]))
            {
                sub++;
            }

            competitor += CompetitorDomains.Contains(domain) ? 1 : 0;
            abm += AbmDomains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal)) ? 1 : 0;
            account += p.TryGetProperty("account", out _) ? 1 : 0;
            fullWidth += hasCompany && company.GetString()!.Any(c => c is >= '\uFF21' and <= '\uFF5A') ? 1 : 0;
            demo += p.TryGetProperty("fields", out var f) && f.TryGetProperty("last_form", out var form) && form.GetString() == "Demo request" ? 1 : 0;
        }

        Assert.InRange(free, 1_000, 1_600);
        Assert.True(freeWithCompany > 900, $"{freeWithCompany} free-mail persons name a company");
        Assert.InRange(noCompanyFree, 100, 300);
        Assert.InRange(sub, 300, 700);
        Assert.True(exact > 6_000, $"{exact} persons at an account's domain");
        Assert.InRange(competitor, 50, 200);
        Assert.InRange(abm, 250, 700);
        Assert.InRange(account, 700, 1_300);
        Assert.True(fullWidth > 20, $"{fullWidth} companies in full-width letters");
        Assert.InRange(demo, 1_700, 3_000);
        Assert.Superset(new HashSet<string>(["JP", "US", "NO", "DE", "GB", "SG"]), countries);
    }

    [Fact]
    public void Generate_Csv_HasCanonicalHeaderAndReadsBackAsPersons()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 2_000, Accounts = 200, Seed = 29 }, dir.Path, "csv");

        Assert.Equal(Path.Combine(dir.Path, "people.csv"), files.People);
        var header = File.ReadLines(files.People).First().Split(',');
        Assert.Equal("id", header[0]);
        Assert.Contains("stage_entered_at", header);
        Assert.Contains("previous_owners", header);
        Assert.Contains("fields.last_form", header);
        Assert.Contains("fields.pricing_views", header);
        Assert.DoesNotContain("fields", header);

        var read = 0;
        var withPrevious = 0;
        var withFields = 0;
        foreach (var record in InputFiles.ReadCsv(files.People))
        {
            Assert.Null(record.Error);
            Assert.True(RecordBuilders.TryPerson(record.Values, out var person, out var error), error);
            read++;
            Assert.Equal("p" + read, person!.Id);
            Assert.NotNull(person.StageEnteredAt);
            withPrevious += person.PreviousOwners is { Count: > 1 } ? 1 : 0;
            withFields += person.Fields?.ContainsKey("last_form") == true ? 1 : 0;
        }

        Assert.Equal(2_000, read);
        Assert.True(withPrevious > 100, $"{withPrevious} persons with two or more previous owners (joined with ';')");
        Assert.True(withFields > 800);
    }

    [Fact]
    public void Generate_Csv_MatchesJsonLinesOfTheSameSeed()
    {
        using var dir = new TempDirectory();
        var options = new GeneratorOptions { People = 300, Accounts = 50, Seed = 31 };
        var json = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("json"));
        var csv = DataGenerator.Generate(GenerationRules.Roster(), options, dir.Sub("csv"), "csv");

        var fromJson = InputFiles.ReadJsonLines(json.People).Select(r => ToPerson(r.Values)).ToList();
        var fromCsv = InputFiles.ReadCsv(csv.People).Select(r => ToPerson(r.Values)).ToList();
        Assert.Equal(fromJson.Count, fromCsv.Count);
        for (var i = 0; i < fromJson.Count; i++)
        {
            Assert.Equal(fromJson[i].Email, fromCsv[i].Email);
            Assert.Equal(fromJson[i].Company, fromCsv[i].Company);
            Assert.Equal(fromJson[i].Owner, fromCsv[i].Owner);
            Assert.Equal(fromJson[i].StageEnteredAt, fromCsv[i].StageEnteredAt);
            Assert.Equal(fromJson[i].PreviousOwners ?? [], fromCsv[i].PreviousOwners ?? []);
            Assert.Equal(fromJson[i].Employees, fromCsv[i].Employees);
        }

        Assert.Equal(File.ReadAllBytes(json.Accounts), File.ReadAllBytes(csv.Accounts));
    }

    [Fact]
    public void Generate_AllFiles_ReadBackWithoutRejects()
    {
        using var dir = new TempDirectory();
        var files = DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 3_000, Accounts = 500, Seed = 37 }, dir.Path);

        foreach (var record in InputFiles.ReadJsonLines(files.People))
        {
            Assert.Null(record.Error);
            Assert.True(RecordBuilders.TryPerson(record.Values, out _, out var error), error);
        }

        foreach (var record in InputFiles.ReadJsonLines(files.Accounts))
        {
            Assert.Null(record.Error);
            Assert.True(RecordBuilders.TryAccount(record.Values, out _, out var error), error);
        }

        foreach (var record in InputFiles.ReadJsonLines(files.Opportunities))
        {
            Assert.Null(record.Error);
            Assert.True(RecordBuilders.TryOpportunity(record.Values, out _, out var error), error);
        }
    }

    [Fact]
    public void Generate_RuleSetWithoutTeamsOrLists_StillWritesConsistentData()
    {
        using var dir = new TempDirectory();
        var empty = new RuleSet("sha256:empty", [], [], [], [], new MatchingOptions(), [], new Scoring(), [], [], [], []);
        var files = DataGenerator.Generate(empty, new GeneratorOptions { People = 500, Accounts = 50, Seed = 41 }, dir.Path);

        var owners = People(files).Where(p => p.TryGetProperty("owner", out _)).Select(p => p.GetProperty("owner").GetString()!).ToList();
        Assert.All(owners, o => Assert.Equal(OwnerKind.External, empty.ResolveOwner(o).Kind));
        Assert.Equal(500, File.ReadLines(files.People).Count());
    }

    [Fact]
    public void Generate_ListsAbsent_KnownAccountsStillPresent()
    {
        using var dir = new TempDirectory();
        var rules = GenerationRules.Roster();
        var noLists = new RuleSet("sha256:nolists", rules.Calendars, rules.Teams, rules.Queues, [], new MatchingOptions(), [], new Scoring(), [], [], [], []);
        var files = DataGenerator.Generate(noLists, new GeneratorOptions { People = 0, Accounts = 20, Seed = 41 }, dir.Path);

        var domains = Read(files.Accounts).Select(DomainOf).ToList();
        Assert.Contains("bigco.example", domains);
        Assert.Contains("rival.example", domains);
    }

    [Fact]
    public void Generate_ListWithoutAnEntry_ThatAccountIsNoTarget()
    {
        using var dir = new TempDirectory();
        var rules = GenerationRules.Roster();
        var onlyMega = new RuleSet(
            "sha256:mega",
            rules.Calendars,
            rules.Teams,
            rules.Queues,
            [new NamedList("abm-tier1", true, ["mega.example"]), new NamedList("competitors", true, ["rival.example"])],
            new MatchingOptions(),
            [],
            new Scoring(),
            [],
            [],
            [],
            []);
        var files = DataGenerator.Generate(onlyMega, new GeneratorOptions { People = 20_000, Accounts = 2_000, Seed = 43 }, dir.Path);

        var atBigCo = 0;
        var atMega = 0;
        var atCompetitor = 0;
        foreach (var p in People(files))
        {
            var domain = p.GetProperty("email").GetString()!.Split('@')[1];
            atBigCo += domain.EndsWith("bigco.example", StringComparison.Ordinal) ? 1 : 0;
            atMega += domain == "mega.example" ? 1 : 0;
            atCompetitor += domain is "competitor.example" or "rivalsoft.co.jp" ? 1 : 0;
        }

        // Targets get about 4% of the persons; a non-target known account only its share of the uniform picks.
        Assert.True(atMega > 300, $"{atMega} persons at mega.example");
        Assert.True(atBigCo < 60, $"{atBigCo} persons at bigco.example");
        Assert.True(atCompetitor < 40, $"{atCompetitor} persons at competitors not on the list");
    }

    [Fact]
    public void Generate_Progress_ReportsTheTotalAtTheEnd()
    {
        using var dir = new TempDirectory();
        var reports = new List<(long Done, long Total)>();
        DataGenerator.Generate(
            GenerationRules.Roster(),
            new GeneratorOptions { People = 40_000, Accounts = 1_000, Seed = 47 },
            dir.Path,
            (done, total) => reports.Add((done, total)));

        Assert.True(reports.Count >= 2);
        Assert.Equal((41_500L, 41_500L), reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(r => r.First.Done <= r.Second.Done));
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("")]
    public void Generate_UnknownFormat_Throws(string format)
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() =>
            DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = 1, Accounts = 1 }, dir.Path, format));
    }

    [Fact]
    public void Generate_NegativeCount_Throws()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DataGenerator.Generate(GenerationRules.Roster(), new GeneratorOptions { People = -1, Accounts = 1 }, dir.Path));
    }

    [Fact]
    public void GeneratorOptions_Defaults_AnchorAndHalfTheAccountsAsOpportunities()
    {
        var options = new GeneratorOptions { People = 10, Accounts = 9 };

        Assert.Equal(Anchor, options.Anchor);
        Assert.Equal(4, options.Opportunities);
        Assert.Equal(0, new GeneratorOptions { Accounts = 9, Opportunities = 0 }.Opportunities);
    }

    private static Person ToPerson(IReadOnlyList<KeyValuePair<string, RawValue>> values)
    {
        Assert.True(RecordBuilders.TryPerson(values, out var person, out var error), error);
        return person!;
    }

    private static void AssertInstantBefore(string? text, DateTimeOffset anchor, string key, string line)
    {
        Assert.True(Timestamps.TryParse(text, out var t), $"{key}: '{text}' is not ISO 8601 with an offset in {line}");
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", text);
        Assert.True(t <= anchor, $"{key} {text} is after the anchor in {line}");
    }

    private static string DomainOf(JsonElement account)
    {
        if (account.TryGetProperty("domain", out var d))
        {
            return d.GetString()!;
        }

        var host = new Uri(account.GetProperty("website").GetString()!).Host;
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }

    private static IEnumerable<JsonElement> People(GeneratedFiles files) => Read(files.People);

    private static IEnumerable<JsonElement> Read(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }
}
