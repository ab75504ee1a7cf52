using System.Collections;
using System.Text;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Input;

/// <summary>
/// The fast reader of JSON Lines persons against the general path it stands in for: whenever it accepts a line, the
/// general path accepts it too and builds the same person (and so the same footprint).
/// </summary>
public sealed class PersonLineParserTests
{
    private const string Person = """{"id":"p1","crm":"hubspot","email":"yui@acme.example","company":"Acme Inc.","stage":"mql","stage_entered_at":"2026-11-29T22:46:03Z","owner":"yui","owner_set_at":"2026-11-05T12:58:56Z","touches":2,"fields":{"last_form":"Demo","pricing_views":1}}""";

    private static (Person? Person, string? Error) General(string line)
    {
        var record = InputFiles.ParseJsonLine(Encoding.UTF8.GetBytes(line), 1);
        if (record is null)
        {
            return (null, "blank");
        }

        if (record.Error is not null)
        {
            return (null, record.Error);
        }

        return RecordBuilders.TryPerson(record.Values, out var person, out var error) ? (person, null) : (null, error);
    }

    private static Person? Fast(string line, bool footprintOnly = false)
    {
        var parser = new PersonLineParser();
        return parser.TryRead(Encoding.UTF8.GetBytes(line), footprintOnly) ? (footprintOnly ? parser.ToFootprintPerson() : parser.ToPerson()) : null;
    }

    /// <summary>Every property of two persons, lists and custom fields item by item, in order.</summary>
    private static void AssertSamePerson(Person expected, Person actual, string line)
    {
        foreach (var p in typeof(Person).GetProperties())
        {
            var e = p.GetValue(expected);
            var a = p.GetValue(actual);
            if (e is IReadOnlyDictionary<string, Value> ef)
            {
                Assert.True(a is IReadOnlyDictionary<string, Value>, $"{p.Name} missing: {line}");
                Assert.Equal(ef.ToList(), ((IReadOnlyDictionary<string, Value>)a!).ToList());
            }
            else if (e is IEnumerable el and not string)
            {
                Assert.Equal(el.Cast<object>(), Assert.IsAssignableFrom<IEnumerable>(a).Cast<object>());
            }
            else if (e is DateTimeOffset et)
            {
                // Equals compares instants only; the offset is written back out, so it must be the same too.
                Assert.True(a is DateTimeOffset at && et.EqualsExact(at), $"{p.Name}: expected {e}, got {a}: {line}");
            }
            else
            {
                Assert.True(Equals(e, a), $"{p.Name}: expected {e}, got {a}: {line}");
            }
        }
    }

    [Fact]
    public void KeyNames_SameAsRecordBuildersPersonKeys()
    {
        Assert.Equal(RecordBuilders.PersonKeys, PersonLineParser.KeyNames);
    }

    [Fact]
    public void TryRead_CommonLine_SamePersonAsGeneralPath()
    {
        var expected = General(Person).Person!;
        var actual = Fast(Person);
        Assert.NotNull(actual);
        AssertSamePerson(expected, actual, Person);
        Assert.Equal("Demo", actual.Fields!["last_form"].AsString);
    }

    [Theory]
    // Accepted: the same person as the general path.
    [InlineData("""{"id":"p1","owner":12345,"phone":true,"state":false}""", true)]
    [InlineData("""{"id":"p1","stage":null,"owner_set_at":"2026-11-05","previous_owners":["a",null,"",3]}""", true)]
    [InlineData("""{"id":"p1","fields":{"a":"x","b":2,"c":true,"d":null,"e":""},"fields.g":"y"}""", true)]
    [InlineData("""{"id":7,"stage":"WORKING","touches":5e0,"employees":-3e2}""", true)]
    [InlineData("""{"id":"p1","owner_set_at":" 2026-11-05T12:58:56.1234567+09:00 "}""", true)]
    [InlineData("""{"id":"p1","score":3,"fit":"x","segment":true,"engagement":null}""", true)]
    [InlineData("""  { "id" : "p1" , "company" : "株式会社トーヨー" }  """, true)]
    [InlineData("""{"id":"p1","fields":{}}""", true)]
    // Declined: the general path decides (a reject, or a shape the fast reader leaves alone).
    [InlineData("""{"id":"p1","owner":"yui","owner":""}""", false)]
    [InlineData("""{"id":"p1","owner":"yui","owner":"liam"}""", false)]
    [InlineData("""{"id":"p1","stage":"mql","stage":null,"owner_set_at":"2026-11-05"}""", false)]
    [InlineData("""{"id":"p1","previous_owners":["a",null,"",3],"previous_owners":null}""", false)]
    [InlineData("""{"id":"p1","fields":{"a":"x","b":2,"c":true,"d":null,"e":""},"fields.a":"y","fields":{"f":false}}""", false)]
    [InlineData("""{"id":"p1","owner":"yui\u0020"}""", false)]
    [InlineData("""{"id":"p1","ow\u006eer":"yui"}""", false)]
    [InlineData("""{"id":"p1","ownr":"yui"}""", false)]
    [InlineData("""{"id":"p1","bogus":null}""", false)]
    [InlineData("""{"id":"p1","fields.":1}""", false)]
    [InlineData("""{"id":"p1","owner_set_at":"2026-13-01T00:00:00Z"}""", false)]
    [InlineData("""{"id":"p1","owner_set_at":"2026-11-05T12:58:56"}""", false)]
    [InlineData("""{"id":"p1","owner_set_at":17}""", false)]
    [InlineData("""{"id":"p1","stage":"won"}""", false)]
    [InlineData("""{"id":"p1","stage":3}""", false)]
    [InlineData("""{"id":"p1","employees":"12"}""", false)]
    [InlineData("""{"id":"p1","touches":0.5}""", false)]      // section 2: an integer
    [InlineData("""{"id":"p1","employees":1e400}""", false)]   // no finite number
    [InlineData("""{"id":"p1","annual_revenue":1e400}""", false)]
    [InlineData("""{"id":"p1","touches":123456789012345678901234567890}""", false)]
    [InlineData("""{"id":"p1","employees":12.25}""", false)]
    [InlineData("""{"id":"p1","employees":"abc"}""", false)]
    [InlineData("""{"id":"p1","owner":["yui"]}""", false)]
    [InlineData("""{"id":"p1","owner":{"id":"yui"}}""", false)]
    [InlineData("""{"id":"p1","previous_owners":[{"a":1}]}""", false)]
    [InlineData("""{"id":"p1","previous_owners":[true]}""", false)]
    [InlineData("""{"id":"p1","previous_owners":"a;b"}""", false)]
    [InlineData("""{"id":"p1","fields":3}""", false)]
    [InlineData("""{"id":"p1","fields":{"a":{"b":1}}}""", false)]
    [InlineData("""{"id":"p1","fields":{"a":["x"]}}""", false)]
    [InlineData("""{"id":"p1","segment":[1]}""", false)]
    [InlineData("""{"id":"  "}""", false)]
    [InlineData("""{"id":""}""", false)]
    [InlineData("""{"owner":"yui"}""", false)]
    [InlineData("{\"id\":\"p1\",\"owner\":\"yui\"", false)]
    [InlineData("""{"id":"p1"} {"id":"p2"}""", false)]
    [InlineData("""{"id":"p1",}""", false)]
    [InlineData("""[1,2]""", false)]
    public void TryRead_OddLine_DeclinedOrSameAsGeneralPath(string line, bool accepted)
    {
        var general = General(line);
        var fast = Fast(line);
        Assert.Equal(accepted, fast is not null);
        if (fast is not null)
        {
            Assert.True(general.Person is not null, $"the general path rejects it ({general.Error}) but the fast reader accepted it");
            AssertSamePerson(general.Person, fast, line);
            Assert.NotNull(Fast(line, footprintOnly: true));
        }
        else
        {
            Assert.Null(Fast(line, footprintOnly: true));
        }
    }

    [Theory]
    [InlineData("2026-11-30T10:00:00Z", true)]
    [InlineData("2026-11-30T10:00:00z", true)]
    [InlineData("2026-11-30T10:00:00+09:00", true)]
    [InlineData("2026-11-30T10:00:00-04:30", true)]
    [InlineData("2026-11-30T10:00:00+14:00", true)]
    [InlineData("2028-02-29T23:59:59-00:00", true)]
    [InlineData("0002-01-01T00:00:00+01:00", true)]
    [InlineData("2026-11-30T10:00:00+14:30", false)]
    [InlineData("0001-01-01T00:00:00+01:00", false)]
    [InlineData("2027-02-29T10:00:00Z", false)]
    [InlineData("2026-11-30T24:00:00Z", false)]
    [InlineData("2026-11-30T10:60:00Z", false)]
    [InlineData("2026-11-30T10:00:60Z", false)]
    [InlineData("2026-13-30T10:00:00Z", false)]
    [InlineData("2026-11-00T10:00:00Z", false)]
    [InlineData("2026-11-30t10:00:00Z", false)]
    [InlineData("2026-11-30 10:00:00Z", false)]
    [InlineData("2026-11-30T10:00:00.123Z", false)]
    [InlineData("2026-11-30T10:00:00+0900", false)]
    [InlineData("2026-11-30T10:00:00+09:60", false)]
    [InlineData("2026-11-30T10:00:00", false)]
    [InlineData("2026-11-30", false)]
    [InlineData(" 2026-11-30T10:00:00Z", false)]
    [InlineData("2026-1a-30T10:00:00Z", false)]
    public void TryParseTimestamp_CommonShapes_SameInstantAndOffsetAsTimestamps(string text, bool read)
    {
        Assert.Equal(read, PersonLineParser.TryParseTimestamp(Encoding.UTF8.GetBytes(text), out var fast));
        if (read)
        {
            Assert.True(Timestamps.TryParse(text, out var expected));
            Assert.True(expected.EqualsExact(fast), $"{text}: expected {expected:o}, got {fast:o}");
        }
    }

    [Fact]
    public void TryRead_InvalidUtf8_Declined()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"id":"p1","company":"Acme X"}""");
        bytes[^3] = 0xC3;
        Assert.False(new PersonLineParser().TryRead(bytes, footprintOnly: false));
    }

    [Fact]
    public void TryRead_ReusedParser_ForgetsThePreviousLine()
    {
        var parser = new PersonLineParser();
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(Person), footprintOnly: false));
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes("""{"id":"p2"}"""), footprintOnly: false));
        var p = parser.ToPerson();
        Assert.Equal(("p2", null, null, null, null), (p.Id, p.Owner, p.Stage, p.Fields, p.PreviousOwners));
    }

    [Fact]
    public void TryRead_GeneratedPeople_SamePersonsAndFootprintsAsGeneralPath()
    {
        using var dir = new TempDir();
        var rules = Configs.Sample();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 5_000, Accounts = 500, Seed = 11 }, dir.Path);
        var session = new SimulationSession(rules, PersonSource.ReadAccounts(files.Accounts, []));
        var parser = new PersonLineParser();
        int accepted = 0, lines = 0, counted = 0;
        foreach (var line in File.ReadLines(files.People))
        {
            lines++;
            var general = General(line).Person;
            Assert.NotNull(general);
            var bytes = Encoding.UTF8.GetBytes(line);
            if (!parser.TryRead(bytes, footprintOnly: false))
            {
                continue;
            }

            accepted++;
            AssertSamePerson(general, parser.ToPerson(), line);
            Assert.True(parser.TryRead(bytes, footprintOnly: true));
            var footprint = session.Engine.FootprintOf(parser.ToFootprintPerson());
            Assert.Equal(session.Engine.FootprintOf(general), footprint);
            Assert.Equal(footprint.Owner is not null, session.Counts(parser.Owner));
            counted += footprint.Owner is not null && footprint.AccountId is not null ? 1 : 0;
        }

        // Not vacuous: the generated shape is the common one, and many footprints carry a member and an account.
        Assert.Equal(lines, accepted);
        Assert.True(counted > lines / 20, $"only {counted} footprints with a member and an account");
    }

    [Fact]
    public async Task SeedSlice_JsonLinesAndCsv_SameStateAsEveryPersonFullyParsed()
    {
        using var dir = new TempDir();
        var rules = Configs.Sample();
        var json = DataGenerator.Generate(rules, new GeneratorOptions { People = 4_000, Accounts = 400, Seed = 5 }, dir.Combine("json"));
        var csv = DataGenerator.Generate(rules, new GeneratorOptions { People = 4_000, Accounts = 400, Seed = 5 }, dir.Combine("csv"), "csv");
        var accounts = PersonSource.ReadAccounts(json.Accounts, []);

        // Odd lines among the generated ones: rejects are not counted, people with any owner are.
        var lines = File.ReadAllLines(json.People).ToList();
        lines.Insert(10, """{"id":"x1","owner":"yui","stage":"won"}""");
        lines.Insert(20, """{"id":"x2","ow\u006eer":"yui","stage":"working"}""");
        lines.Insert(30, "   ");
        lines.Insert(40, """{"id":"x3","owner":"yui","owner":"","account":"a1","stage":"working"}""");
        var people = dir.File("odd.jsonl", "\uFEFF" + string.Join("\r\n", lines));

        foreach (var path in new[] { json.People, people, csv.People })
        {
            var reference = new SimulationSession(rules, accounts);
            long expectedPersons = 0;
            foreach (var record in InputFiles.Read(path))
            {
                if (record.Error is null && RecordBuilders.TryPerson(record.Values, out var person, out _))
                {
                    reference.State.Add(reference.Engine.FootprintOf(person!));
                    expectedPersons++;
                }
            }

            var seeded = new SimulationSession(rules, accounts);
            long persons = 0;
            if (path.EndsWith(".csv", StringComparison.Ordinal))
            {
                foreach (var (person, _) in PersonSource.ReadPersons(path))
                {
                    seeded.Seed(person ?? throw new InvalidOperationException("a generated CSV person was rejected"));
                    persons++;
                }
            }
            else
            {
                var gate = new object();
                await Task.WhenAll(Enumerable.Range(0, 3).Select(slice => Task.Run(() => Simulator.SeedSlice(seeded, path, slice, 3, new DuplicateIds(0), (footprints, n) =>
                {
                    lock (gate)
                    {
                        footprints.ForEach(f => seeded.State.Add(f));
                        persons += n;
                    }
                }, CancellationToken.None))));
            }

            Assert.Equal(expectedPersons, persons);
            var open = 0;
            foreach (var member in rules.Members)
            {
                Assert.Equal(reference.State.OpenCount(member), seeded.State.OpenCount(member));
                open += seeded.State.OpenCount(member);
                foreach (var account in accounts)
                {
                    Assert.Equal(reference.State.Ownership(account.Id, member, default), seeded.State.Ownership(account.Id, member, default));
                }
            }

            Assert.True(open > 100, $"only {open} open persons seeded from {path}");
        }
    }
}
