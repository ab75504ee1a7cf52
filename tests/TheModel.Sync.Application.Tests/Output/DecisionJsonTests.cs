using System.Buffers;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Output;

/// <summary>
/// <see cref="DecisionJson"/> writes by hand what <see cref="Utf8JsonWriter"/> wrote before; every test here compares
/// its bytes with the writer's (<see cref="WriterDecisionJson"/> is the writer-based original).
/// </summary>
public sealed class DecisionJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    private static readonly string[] Tricky =
    [
        string.Empty,
        "plain-id_42",
        "when did not hold: country is \"FR\", not \"JP\"",
        "back\\slash and \\\" both",
        "\"",
        "\\",
        "tab\there, line\nbreak, cr\r, \b and \f",
        "controls \u0001\u001f and del \u007f",
        "html <script>&'+` stays",
        "山田 太郎 株式会社",
        "Ｓｔｅｒｌｉｎｇ\u3000Ｓｕｐｐｌｙ\u3000Ｐａｒｔｎｅｒｓ",
        "separators \u2028\u2029 nbsp \u00a0 soft \u00ad",
        "emoji 😀 pair",
        "lone \ud800 high",
        "lone \udc00 low",
        "mixed \"日本\" \\ \u3000 end\"",
        "\ufeffbom \uffff \ue000",
        "é and e\u0301",
        new string('a', 300) + "\"" + new string('b', 300),
        new string('"', 700),
        new string('日', 1000) + "\"\\",
    ];

    public static TheoryData<string> TrickyStrings() => new(Tricky);

    [Theory]
    [MemberData(nameof(TrickyStrings))]
    public void String_TrickyText_SameBytesAsWriter(string text)
    {
        Assert.Equal(WithWriter(w => w.WriteStringValue(text)), WithBuffer(b => b.String(text)));
    }

    [Fact]
    public void String_RandomText_SameBytesAsWriter()
    {
        const string Alphabet = "aZ0 -\"\\\n\t\u0001\u007féñ日本\u3000\u2028\u00a0<&'\ud83d\ude00\ud800";
        var random = new Random(11);
        var text = new StringBuilder();
        var escaped = 0;
        for (var i = 0; i < 20_000; i++)
        {
            text.Clear();
            var length = random.Next(0, 60);
            for (var k = 0; k < length; k++)
            {
                text.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            var s = text.ToString();
            var expected = WithWriter(w => w.WriteStringValue(s));
            escaped += expected.Contains('\\', StringComparison.Ordinal) ? 1 : 0;
            Assert.Equal(expected, WithBuffer(b => b.String(s)));
        }

        // Not vacuous: most of these strings needed escapes of every kind.
        Assert.True(escaped > 10_000, $"{escaped} escaped");
    }

    [Fact]
    public void String_RememberedTexts_SameBytesAsWriterEveryTime()
    {
        // Long texts (remembered), with slots taken over by newcomers: 3,000 distinct strings for 1,024 slots, some the
        // same text in two string objects, each written many times in random order.
        var random = new Random(4);
        var texts = Enumerable.Range(0, 3_000).Select(i => (i % 4) switch
        {
            0 => $"when did not hold: domain is \"d{i}.example\", not in list competitors",
            1 => Tricky[i % Tricky.Length] + new string('x', 40) + i,
            2 => new string('日', 20 + (i % 700)) + "\u3000\"" + i,
            _ => string.Concat("same text for all of these, in separate objects ", "\\ \"q\"", string.Empty),
        }).ToArray();
        var buffer = new JsonLineBuffer(64, rememberTexts: true);
        var expected = new StringBuilder();
        for (var i = 0; i < 30_000; i++)
        {
            var text = texts[random.Next(texts.Length)];
            buffer.String(text);
            expected.Append(WithWriter(w => w.WriteStringValue(text)));
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void String_Null_IsNull()
    {
        Assert.Equal("null", WithBuffer(b => b.String(null)));
    }

    [Fact]
    public void Number_Doubles_SameBytesAsWriter()
    {
        double[] fixedValues =
        [
            0, -0.0, 1, -1, 10, 0.1, 0.1 + 0.2, 2.5, -17.25, 999_999_999, -999_999_999, 1e9, -1e9, 1e9 + 0.5, 123456789012345,
            1e15, 1e16, 1e21, 1.5e-7, 5e-324, double.Epsilon, double.MaxValue, double.MinValue, 1d / 3, 4503599627370496.5,
        ];
        var random = new Random(5);
        var values = fixedValues.Concat(Enumerable.Range(0, 20_000).Select(i => (i % 4) switch
        {
            0 => random.Next(-1_000_000, 1_000_000),
            1 => Math.Round(random.NextDouble() * 200, 2),
            2 => BitConverter.Int64BitsToDouble(random.NextInt64()),
            _ => random.NextDouble() * Math.Pow(10, random.Next(-10, 25)),
        })).Where(double.IsFinite);
        foreach (var v in values)
        {
            Assert.Equal(WithWriter(w => w.WriteNumberValue(v)), WithBuffer(b => b.Number(v)));
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Number_NotFinite_ThrowsLikeWriter(double value)
    {
        Assert.Equal("throws ArgumentException", WithWriter(w => w.WriteNumberValue(value)));
        Assert.Equal("throws ArgumentException", WithBuffer(b => b.Number(value)));
    }

    [Fact]
    public void Number_Decimals_SameBytesAsWriter()
    {
        decimal[] fixedValues = [0m, 0.00m, 1.50m, -2.5m, 100m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m];
        var random = new Random(3);
        var values = fixedValues.Concat(Enumerable.Range(0, 20_000).Select(i => DecisionJson.RoundEngagement(
            (i % 3) switch
            {
                0 => random.Next(-100, 100),
                1 => random.NextDouble() * 100,
                _ => random.NextDouble() * 1e-3,
            })));
        foreach (var v in values)
        {
            Assert.Equal(WithWriter(w => w.WriteNumberValue(v)), WithBuffer(b => b.Number(v)));
        }
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(0.004)]
    [InlineData(-0.0049)]
    [InlineData(-0.0)]
    public void RoundEngagement_RoundingToZero_IsThePlainZero(double engagement)
    {
        var rounded = DecisionJson.RoundEngagement(engagement);
        Assert.Equal("0", rounded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", WithBuffer(b => DecisionJson.WriteRounded(b, engagement)));
    }

    [Fact]
    public void WriteRounded_SameBytesAsWriterOfRoundEngagement()
    {
        double[] fixedValues = [0, -0.0, 1, -1, 10, -20, 0.001, -0.001, 0.005, 0.015, 2.675, 39.333333, 1e9, -1e9, 999_999_999, 1e15, 1e20, 12345.678901];
        var random = new Random(8);
        var values = fixedValues.Concat(Enumerable.Range(0, 20_000).Select(i => (i % 3) switch
        {
            0 => random.Next(-100, 100),
            1 => (random.NextDouble() - 0.5) * 200,
            _ => Math.Round(random.NextDouble() * 50, random.Next(0, 4)),
        }));
        foreach (var v in values)
        {
            Assert.Equal(WithWriter(w => w.WriteNumberValue(DecisionJson.RoundEngagement(v))), WithBuffer(b => DecisionJson.WriteRounded(b, v)));
        }
    }

    [Fact]
    public void Time_RepeatedAndSameInstantOtherOffset_EachAsFormatted()
    {
        var utc = At.ToUniversalTime();
        DateTimeOffset[] times = [At, At, utc, At, At.AddMilliseconds(7), At.AddMilliseconds(7).ToOffset(TimeSpan.FromHours(-5.5)), utc, DateTimeOffset.MinValue];
        var buffer = new JsonLineBuffer(16);
        foreach (var t in times)
        {
            buffer.Raw(","u8);
            buffer.Time(t);
        }

        var expected = string.Concat(times.Select(t => ",\"" + Timestamps.Format(t) + "\""));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Contains("\"2026-11-30T01:00:00Z\"", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_HandBuiltDecisions_SameAsWriter()
    {
        var rules = Configs.Sample();
        var cases = HandBuilt(rules).ToList();
        foreach (var (decision, context) in cases)
        {
            Assert.Equal(WriterDecisionJson.ToJson(decision, context), DecisionJson.ToJson(decision, context));
        }

        Assert.True(cases.Count >= 8);
    }

    [Fact]
    public void Write_ManyLinesIntoOneSmallBuffer_SameAsWriterLineByLine()
    {
        var rules = Configs.Sample();
        var cases = HandBuilt(rules).ToList();
        var buffer = new JsonLineBuffer(64, rememberTexts: true);
        var expected = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            var (decision, context) = cases[i % cases.Count];
            DecisionJson.Write(buffer, decision, context);
            buffer.Raw("\n"u8);
            expected.Append(WriterDecisionJson.ToJson(decision, context)).Append('\n');
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Write_ThroughUtf8JsonWriter_SameAsWriter()
    {
        var rules = Configs.Sample();
        foreach (var (decision, context) in HandBuilt(rules))
        {
            var expected = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(expected, DecisionJson.WriterOptions))
            {
                WriterDecisionJson.Write(w, decision, context);
            }

            var actual = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(actual, DecisionJson.WriterOptions))
            {
                DecisionJson.Write(w, decision, context);
            }

            Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(actual.WrittenSpan));
        }
    }

    [Fact]
    public void ToJson_EvaluatedDecisions_SameAsWriter()
    {
        var rules = Configs.Sample();
        var dir = Path.Combine(Path.GetTempPath(), "decision-json-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 3_000, Accounts = 300, Seed = 9 }, dir);
            var session = new SimulationSession(rules, PersonSource.ReadAccounts(files.Accounts, []), PersonSource.ReadOpportunities(files.Opportunities, []));
            var people = PersonSource.ReadPersons(files.People).Where(p => p.Person is not null).Select(p => p.Person!).ToList();
            foreach (var p in people)
            {
                session.Seed(p);
            }

            var nonAscii = 0;
            for (var i = 0; i < people.Count; i++)
            {
                var decision = session.Evaluate(people[i], At);
                var context = i % 3 == 0 ? new DecisionLogContext("hubspot", i % 2 == 0 ? null : "contact.propertyChange", Stage.Mql, At.AddDays(-i), i * 0.5, null, At.AddHours(-i)) : null;
                var expected = WriterDecisionJson.ToJson(decision, context);
                nonAscii += expected.Any(c => c > 127) ? 1 : 0;
                Assert.Equal(expected, DecisionJson.ToJson(decision, context));
            }

            // The generated people include Japanese names, so the non-ASCII paths ran.
            Assert.True(nonAscii > 0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<(Decision Decision, DecisionLogContext? Context)> HandBuilt(RuleSet rules)
    {
        var member = rules.Members[0];
        var other = rules.Members[^1];
        var queue = rules.Queues[0];
        var routing = rules.Routing;
        var fit = rules.Scoring.Fit.Concat(rules.Scoring.Engagement).ToList();
        var sla = rules.Slas[0];
        var tricky = Tricky;

        Decision New(string id) => new() { PersonId = id, At = At, ConfigVersion = "sha256:abc" };

        // Everything at once, with text that needs every kind of escape.
        var full = New("p-\"full\"");
        full.Outcome = DecisionOutcome.Assigned;
        full.Owner = OwnerRef.ForMember(member);
        full.OwnerBefore = OwnerRef.ForQueue(queue);
        full.Rule = routing[0].Id;
        full.Because = "because \"quoted\" \\ 日本\u3000";
        full.Stage = Stage.Working;
        full.StageEnteredAt = At.AddDays(-3).AddMilliseconds(250);
        full.OwnerSetAt = At.ToOffset(TimeSpan.FromHours(-7));
        full.RecycleReason = "no activity for 90 days";
        full.RecycleRule = "stale-\"mql\"";
        full.RecheckAt = At.AddDays(90);
        full.Account = new Account { Id = "a-株式会社" };
        full.Segment = "smb";
        full.Score = 42.5;
        full.Fit = 30;
        full.Engagement = 12.345;
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r1", Field = "stage", Value = Value.Of("mql") });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r2", Field = "score", Value = Value.Of(0.1 + 0.2) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r3", Field = "flag", Value = Value.Of(true) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r4", Field = "when", Value = Value.Of(At.AddMilliseconds(1)) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r5", Field = "tags", Value = Value.Of((IReadOnlyList<string>)["a", "\"b\"", "日本"]) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r6", Field = "cleared", Value = Value.Missing });
        full.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r7", Field = null, Value = Value.Of(false) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Assign, Rule = "r8", Owner = member.Id });
        full.Actions.Add(new DecisionAction { Type = ActionType.Task, Rule = "r9", Owner = member.Id, Subject = "Book the first meeting with Ｓｔｅｒｌｉｎｇ\u3000Ｓｕｐｐｌｙ", Due = At.AddDays(1) });
        full.Actions.Add(new DecisionAction { Type = ActionType.Task, Rule = "r10", Owner = null, Subject = null, Due = null });
        full.Why.Trigger = "the stage was entered after the owner was set";
        full.Why.MatchedBy = "company_name";
        full.Why.MatchDetail = "\"Acme\" ~ \"ACME Inc\" 0.97";
        foreach (var (rule, i) in routing.Select((r, i) => (r, i)))
        {
            full.Why.Rules.Add(new RuleTrace(rule, i % 3 == 0, tricky[i % tricky.Length]));
        }

        full.Why.Rules.Add(new RuleTrace(routing[0], false, null));
        full.Why.Excluded.Add(new Exclusion(member, ExclusionReason.Away, routing[0].Id));
        full.Why.Excluded.Add(new Exclusion(other, ExclusionReason.PreviousOwner, "r-\"x\""));
        foreach (var (rule, i) in fit.Select((r, i) => (r, i)))
        {
            full.Why.Score.Add(new ScorePart(rule, i % 2 == 0, (i * 1.005) - 3));
        }

        full.Why.Sla.Add(new SlaTrace(sla, SlaState.Pending, At.AddHours(3)));
        full.Why.Sla.Add(new SlaTrace(sla, SlaState.NoClock, null));
        full.Why.Sla.Add(new SlaTrace(sla, SlaState.AlreadyHandled, At));
        full.Why.Notes.AddRange(tricky.Take(6));
        yield return (full, null);
        yield return (full, new DecisionLogContext("salesforce", "opportunity.lost \"x\"", Stage.Nurture, null, 3.5, At.AddDays(-1), DateTimeOffset.MinValue));
        yield return (full, new DecisionLogContext("hubspot", null, Stage.New, At, 0, null, null));

        // The bare minimum: every optional part absent.
        yield return (New("p-bare"), null);

        var external = New("p-external");
        external.Owner = OwnerRef.External;
        external.OwnerBefore = OwnerRef.External;
        external.Because = "manual_owner";
        external.Why.MatchedBy = "domain";
        external.Engagement = -0.004;
        external.Score = -0.0;
        yield return (external, null);

        foreach (var (text, i) in tricky.Select((t, i) => (t, i)))
        {
            var d = New(text);
            d.Because = text;
            d.Segment = text;
            d.Engagement = i * 0.125;
            d.Fit = i * 1e9;
            d.Why.Notes.Add(text);
            d.Why.Rules.Add(new RuleTrace(routing[i % routing.Count], false, text));
            yield return (d, null);
        }
    }

    /// <summary>What the writer writes, or the exception it throws (then ours must throw the same).</summary>
    private static string WithWriter(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using var w = new Utf8JsonWriter(buffer, DecisionJson.WriterOptions);
            write(w);
            w.Flush();
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            return "throws " + e.GetType().Name;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string WithBuffer(Action<JsonLineBuffer> write)
    {
        var buffer = new JsonLineBuffer(16);
        try
        {
            write(buffer);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            return "throws " + e.GetType().Name;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
