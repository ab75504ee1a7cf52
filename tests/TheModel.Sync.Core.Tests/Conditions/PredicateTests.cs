using System.Text.RegularExpressions;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using static TheModel.Sync.Core.Tests.Support.TestRules;

namespace TheModel.Sync.Core.Tests.Conditions;

public sealed class PredicateTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    private static EvaluationScope Scope()
    {
        var person = new Person
        {
            Id = "p1",
            Email = "Taro@BigCo.example",
            Title = "VP Sales",
            Country = "JP",
            Employees = 500,
            Touches = 3,
            Stage = Stage.Mql,
            LastTouchAt = At.AddDays(-31),
            CreatedAt = At.AddHours(-1),
            PreviousOwners = ["aiko", "ren"],
            Fields = new Dictionary<string, Value>
            {
                ["intent"] = Value.Of("Pricing"),
                ["views"] = Value.Of("7"),
                ["vip"] = Value.Of(true),
            },
        };
        return new EvaluationScope(person, At) { Domain = "bigco.example" };
    }

    private static Value V(object o) => o switch
    {
        string s => Value.Of(s),
        int i => Value.Of(i),
        double d => Value.Of(d),
        bool b => Value.Of(b),
        DateTimeOffset t => Value.Of(t),
        _ => throw new ArgumentException("value"),
    };

    public static TheoryData<string, PredicateOp, object, bool> Comparisons => new()
    {
        { "country", PredicateOp.Eq, "jp", true },            // equality ignores case
        { "country", PredicateOp.Eq, "US", false },
        { "state", PredicateOp.Eq, "CA", false },             // missing satisfies only exists:false, ne, not_in
        { "country", PredicateOp.Ne, "US", true },
        { "country", PredicateOp.Ne, "JP", false },
        { "state", PredicateOp.Ne, "CA", true },
        { "employees", PredicateOp.Gt, 499, true },
        { "employees", PredicateOp.Gt, 500, false },
        { "employees", PredicateOp.Gte, 500, true },
        { "employees", PredicateOp.Lt, 500, false },
        { "employees", PredicateOp.Lte, 500, true },
        { "annual_revenue", PredicateOp.Gte, 0, false },
        { "touches", PredicateOp.Eq, 3, true },
        { "fields.views", PredicateOp.Gte, 5, true },         // a custom field read as text compares as a number
        { "fields.views", PredicateOp.Eq, 7, true },
        { "fields.vip", PredicateOp.Eq, true, true },
        { "fields.intent", PredicateOp.Eq, "pricing", true },
        { "fields.missing", PredicateOp.Ne, "x", true },
        { "stage", PredicateOp.Eq, "mql", true },
        { "created_at", PredicateOp.Gt, "2026-11-29T00:00:00Z", true },
        { "created_at", PredicateOp.Lt, "2026-11-29T00:00:00Z", false },
        { "previous_owners", PredicateOp.Eq, "ren", true },   // a list holds when one of its items does
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Compare_Table_MatchesSection5(string field, PredicateOp op, object operand, bool expected)
    {
        var operandValue = operand is string s && Timestamps.TryParse(s, out var t) && F(field).Type == FieldType.Time ? Value.Of(t) : V(operand);
        var predicate = Predicate.Compare(F(field), op, operandValue);
        Assert.Equal(expected, predicate.Holds(Scope()));
    }

    public static TheoryData<string, PredicateOp, string[], bool> Sets => new()
    {
        { "country", PredicateOp.In, ["US", "jp"], true },
        { "country", PredicateOp.In, ["US", "GB"], false },
        { "state", PredicateOp.In, ["CA"], false },
        { "country", PredicateOp.NotIn, ["US", "GB"], true },
        { "country", PredicateOp.NotIn, ["JP"], false },
        { "state", PredicateOp.NotIn, ["CA"], true },
        { "stage", PredicateOp.In, ["new", "mql", "working", "sql", "customer"], true },   // more than 4: the hashed path
        { "stage", PredicateOp.In, ["new", "working", "sql", "customer", "nurture"], false },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void InAndNotIn_Table_MatchesSection5(string field, PredicateOp op, string[] operands, bool expected)
    {
        var predicate = Predicate.Set(F(field), op, operands.Select(Value.Of).ToArray());
        Assert.Equal(expected, predicate.Holds(Scope()));
    }

    [Theory]
    [InlineData("employees", 100, 500, true)]   // between is inclusive
    [InlineData("employees", 500, 999, true)]
    [InlineData("employees", 501, 999, false)]
    [InlineData("annual_revenue", 0, 10, false)]
    public void Between_Inclusive(string field, int low, int high, bool expected) =>
        Assert.Equal(expected, Predicate.Between(F(field), Value.Of(low), Value.Of(high)).Holds(Scope()));

    [Theory]
    [InlineData("title", true, true)]
    [InlineData("title", false, false)]
    [InlineData("phone", true, false)]
    [InlineData("phone", false, true)]
    [InlineData("fields.intent", true, true)]
    [InlineData("fields.nothing", false, true)]
    public void Exists_Table(string field, bool exists, bool expected) =>
        Assert.Equal(expected, Predicate.Exists(F(field), exists).Holds(Scope()));

    [Theory]
    [InlineData(PredicateOp.Contains, "title", "sales", true)]
    [InlineData(PredicateOp.Contains, "title", "CTO", false)]
    [InlineData(PredicateOp.StartsWith, "title", "vp", true)]
    [InlineData(PredicateOp.StartsWith, "title", "sales", false)]
    [InlineData(PredicateOp.EndsWith, "email", "@bigco.EXAMPLE", true)]
    [InlineData(PredicateOp.EndsWith, "email", ".com", false)]
    [InlineData(PredicateOp.Contains, "phone", "0", false)]
    [InlineData(PredicateOp.Contains, "previous_owners", "REN", true)]
    public void Text_IgnoresCase(PredicateOp op, string field, string operand, bool expected) =>
        Assert.Equal(expected, Predicate.Text(F(field), op, operand).Holds(Scope()));

    [Theory]
    [InlineData("VP", true)]            // matches searches, it is not anchored
    [InlineData("^Sales", false)]
    [InlineData("vp", false)]           // case-sensitive unless the pattern says (?i)
    [InlineData("(?i)^vp\\b", true)]
    [InlineData("Sales$", true)]
    public void Matches_SearchesCaseSensitively(string pattern, bool expected)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        Assert.Equal(expected, Predicate.Matches(F("title"), regex).Holds(Scope()));
    }

    [Theory]
    [InlineData("domain", true)]
    [InlineData("email", true)]       // an email is checked by its domain
    [InlineData("country", false)]
    public void InList_DomainListHoldsSubdomains(string field, bool expected)
    {
        var list = new NamedList("abm", isDomainList: true, ["bigco.example"]);
        Assert.Equal(expected, Predicate.InList(F(field), list).Holds(Scope()));
    }

    [Fact]
    public void InList_ParentDomainEntry_HoldsForSubdomainOnly()
    {
        var list = new NamedList("abm", isDomainList: true, ["bigco.example"]);
        var scope = Scope();
        scope.Domain = "jp.bigco.example";
        Assert.True(Predicate.InList(F("domain"), list).Holds(scope));
        scope.Domain = "notbigco.example";
        Assert.False(Predicate.InList(F("domain"), list).Holds(scope));
    }

    [Theory]
    [InlineData(PredicateOp.OlderThan, 30, true)]
    [InlineData(PredicateOp.OlderThan, 31, false)]    // strict: exactly 31 days old is not older than 31d
    [InlineData(PredicateOp.NewerThan, 32, true)]
    [InlineData(PredicateOp.NewerThan, 31, false)]
    public void Age_IsStrictAndRelativeToT(PredicateOp op, int days, bool expected) =>
        Assert.Equal(expected, Predicate.Age(F("last_touch_at"), op, TimeSpan.FromDays(days)).Holds(Scope()));

    [Fact]
    public void Age_MissingTimestamp_DoesNotHold()
    {
        Assert.False(Predicate.Age(F("recheck_at"), PredicateOp.OlderThan, TimeSpan.FromDays(1)).Holds(Scope()));
        Assert.False(Predicate.Age(F("recheck_at"), PredicateOp.NewerThan, TimeSpan.FromDays(1)).Holds(Scope()));
    }

    [Fact]
    public void AnyAllNot_Combine()
    {
        var jp = Eq("country", "JP");
        var us = Eq("country", "US");
        Assert.True(new AnyCondition([us, jp]).Holds(Scope()));
        Assert.False(new AllCondition([us, jp]).Holds(Scope()));
        Assert.True(new NotCondition(us).Holds(Scope()));
        Assert.False(new NotCondition(jp).Holds(Scope()));
        Assert.True(Condition.Always.Holds(Scope()));
    }

    [Theory]
    [InlineData("country", "US", "country is \"JP\", not \"US\"")]
    [InlineData("state", "CA", "state is missing")]
    public void DescribeFailure_SaysWhatItSaw(string field, string operand, string expected)
    {
        var failure = default(ConditionFailure);
        Assert.False(Predicate.Compare(F(field), PredicateOp.Eq, Value.Of(operand)).Holds(Scope(), ref failure));
        Assert.Equal(expected, failure.Describe());
    }

    [Fact]
    public void DescribeFailure_Gte_NamesTheBound()
    {
        var failure = default(ConditionFailure);
        Assert.False(Predicate.Compare(F("employees"), PredicateOp.Gte, Value.Of(1000)).Holds(Scope(), ref failure));
        Assert.Equal("employees is 500, not >= 1000", failure.Describe());
    }

    [Fact]
    public void DescribeFailure_InList_NamesTheList()
    {
        var failure = default(ConditionFailure);
        var list = new NamedList("competitors", true, ["rival.example"]);
        Assert.False(Predicate.InList(F("domain"), list).Holds(Scope(), ref failure));
        Assert.Equal("domain is \"bigco.example\", not in list competitors", failure.Describe());
    }
}
