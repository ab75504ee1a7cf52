using BenchmarkDotNet.Attributes;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Micro;

/// <summary>The sample config and a handful of persons and accounts, shared by the micro-benchmarks.</summary>
internal static class MicroFixture
{
    public static readonly DateTimeOffset At = BenchOptions.DefaultAt;

    private static readonly Lazy<RuleSet> LazyRules = new(() =>
        ConfigLoader.Load(Path.Combine(BenchData.RepoRoot(), "config")).Config?.Rules ?? throw new BenchmarkFailure("sample config did not load"));

    public static RuleSet Rules => LazyRules.Value;

    public static IReadOnlyList<Account> Accounts { get; } =
    [
        new Account { Id = "a1", Name = "株式会社トーヨー精機", Domain = "toyo-seiki.example", Type = "prospect", Employees = 300 },
        new Account { Id = "a2", Name = "Acme Co., Ltd.", Domain = "acme.example", Type = "customer", Owner = "yamamoto", Employees = 1200 },
        new Account { Id = "a3", Name = "BigCo", Domain = "bigco.example", Type = "prospect", Employees = 8000 },
        new Account { Id = "a4", Name = "Globex Corporation", Domain = "globex.example", Type = "prospect", Employees = 5000 },
    ];

    /// <summary>An inbound Japanese demo request: matched by company name, scored, promoted to MQL, routed by weighted round robin.</summary>
    public static Person InboundMql { get; } = new()
    {
        Id = "p-micro",
        Email = "kenta@gmail.com",
        Company = "トーヨー精機(株)",
        Title = "CTO",
        Country = "JP",
        Employees = 50,
        Source = "inbound",
        Fields = new Dictionary<string, Value>
        {
            ["last_form"] = Value.Of("Demo request"),
            ["last_form_at"] = Value.Of("2026-11-30T09:00:00+09:00"),
        },
    };
}

/// <summary>Company-name normalization and the Jaro-Winkler similarity behind the <c>company_name</c> strategy.</summary>
[MemoryDiagnoser]
public class CompanyNameBenchmarks
{
    [Benchmark]
    public string NormalizeLatin() => CompanyNames.Normalize("Acme Co., Ltd.");

    [Benchmark]
    public string NormalizeJapanese() => CompanyNames.Normalize("トーヨー精機(株)");

    [Benchmark]
    public double JaroWinklerClose() => JaroWinkler.Similarity("acme industries", "acme industry");

    [Benchmark]
    public double NormalizeAndMatch() =>
        JaroWinkler.Similarity(CompanyNames.Normalize("Globex Corporation"), CompanyNames.Normalize("GLOBEX Corp."));
}

/// <summary>One full decision for one person (matching, score, MQL, SLAs, routing, explanation), state not applied.</summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private DecisionEngine _engine = null!;
    private InMemoryRoutingState _state = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = MicroFixture.Rules;
        _engine = new DecisionEngine(rules, new AccountMatcher(rules, MicroFixture.Accounts));
        _state = new InMemoryRoutingState(rules);
    }

    [Benchmark]
    public Decision OneDecision() => _engine.Evaluate(MicroFixture.InboundMql, MicroFixture.At, _state);

    [Benchmark]
    public int OneDecisionWithBecause()
    {
        var d = _engine.Evaluate(MicroFixture.InboundMql, MicroFixture.At, _state);
        var n = 0;
        foreach (var t in d.Why.Rules)
        {
            n += t.Because?.Length ?? 0;
        }

        return n;
    }
}

/// <summary>Single predicates and a segment condition on a prepared scope.</summary>
[MemoryDiagnoser]
public class PredicateBenchmarks
{
    private EvaluationScope _scope = null!;
    private Condition _enterprise = null!;
    private Condition _decisionMaker = null!;
    private Condition _freeMail = null!;
    private Condition _stageIn = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = MicroFixture.Rules;
        var person = MicroFixture.InboundMql;
        _scope = new EvaluationScope(person, MicroFixture.At) { Domain = DomainNames.Derive(person.Website, person.Email, person.Domain) };
        _enterprise = rules.Segments.First(s => s.Id == "enterprise").When;
        _decisionMaker = rules.Scoring.Fit.First(r => r.Id == "decision-maker").When;
        _freeMail = rules.Scoring.Fit.First(r => r.Id == "free-mail").When;
        _stageIn = rules.Routing.First(r => r.Id == "inbound-mql-jp").When;
    }

    [Benchmark(Description = "employees gte (segment any/2)")]
    public bool NumberAny() => _enterprise.Holds(_scope);

    [Benchmark(Description = "title matches regex")]
    public bool Regex() => _decisionMaker.Holds(_scope);

    [Benchmark(Description = "domain in_list free-mail")]
    public bool InList() => _freeMail.Holds(_scope);

    [Benchmark(Description = "stage in [mql, working] and country eq")]
    public bool StageAndCountry() => _stageIn.Holds(_scope);
}
