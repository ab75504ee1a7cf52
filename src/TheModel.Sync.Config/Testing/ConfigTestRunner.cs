using System.Globalization;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Testing;

public sealed class ConfigTestReport
{
    public int Passed { get; init; }

    /// <summary>One TM0090 diagnostic per failed test, at the test's line.</summary>
    public required IReadOnlyList<ConfigDiagnostic> Failures { get; init; }

    /// <summary>Each test with the decision it produced.</summary>
    public required IReadOnlyList<(ConfigTest Test, Decision Decision)> Results { get; init; }
}

/// <summary>
/// Runs the config's <c>tests:</c> (section 11): each test's person evaluated alone, at its <c>at</c> (or now), with the
/// test's accounts and fresh routing state, and its expectations compared with the decision.
/// </summary>
public static class ConfigTestRunner
{
    public const string TestFailed = "TM0090";

    public static ConfigTestReport Run(LoadedConfig config, DateTimeOffset now)
    {
        var rules = config.Rules;
        var failures = new List<ConfigDiagnostic>();
        var results = new List<(ConfigTest, Decision)>();
        var passed = 0;
        foreach (var test in config.Tests)
        {
            var engine = new DecisionEngine(rules, new AccountMatcher(rules, test.Accounts));
            var state = new InMemoryRoutingState(rules);
            state.Add(engine.FootprintOf(test.Person));
            var decision = engine.Evaluate(test.Person, test.At ?? now, state);
            results.Add((test, decision));
            var mismatches = new List<string>();
            foreach (var e in test.Expect)
            {
                var actual = Actual(decision, e.Key);
                if (!Matches(e.Expected, actual))
                {
                    var (expected, got) = (Show(e.Expected), Show(actual));
                    if (expected == got && e.Expected.TryNumber(out var x) && actual.TryNumber(out var y))
                    {
                        // Printed alike but not equal (65.00001 against 65): every digit, so the difference shows.
                        (expected, got) = (x.ToString("R", CultureInfo.InvariantCulture), y.ToString("R", CultureInfo.InvariantCulture));
                    }

                    mismatches.Add($"expected {e.Key} {expected}, got {got}");
                }
            }

            if (mismatches.Count == 0)
            {
                passed++;
                continue;
            }

            var position = test.Position;
            failures.Add(new ConfigDiagnostic(position.File, position.Line, position.Column, TestFailed,
                $"test '{test.Name}' failed: {string.Join("; ", mismatches)} ({Summary(decision)})"));
        }

        return new ConfigTestReport { Passed = passed, Failures = failures, Results = results };
    }

    /// <summary>The decision's value for an expectation key.</summary>
    public static Value Actual(Decision d, string key) => key switch
    {
        "outcome" => Value.Of(d.Outcome == DecisionOutcome.Assigned ? "assigned" : "kept"),
        "rule" => Value.Of(d.Rule),
        "owner" => Value.Of(d.Owner.Name),
        "team" => Value.Of(d.Team?.Id),
        "stage" => Value.Of(d.Stage.Name()),
        "segment" => Value.Of(d.Segment),
        "score" => Value.Of(d.Score),
        "fit" => Value.Of(d.Fit),
        "engagement" => Value.Of((double)Math.Round((decimal)d.Engagement, 2, MidpointRounding.AwayFromZero)),
        "account" => Value.Of(d.Account?.Id),
        "account.matched" => Value.Of(d.Account is not null),
        "because" => Value.Of(d.Because),
        "recycle_reason" => Value.Of(d.RecycleReason),
        "recheck_at" => Value.Of(d.RecheckAt),
        _ => Value.Missing,
    };

    private static bool Matches(Value expected, Value actual)
    {
        if (expected.IsMissing || actual.IsMissing)
        {
            return expected.IsMissing && actual.IsMissing;
        }

        return Value.LooseEquals(actual, expected);
    }

    private static string Show(Value v) => v.IsMissing ? "null" : v.Kind == ValueKind.String ? v.AsString : v.ToString();

    private static string Summary(Decision d)
    {
        var parts = new List<string>
        {
            d.Outcome == DecisionOutcome.Assigned ? $"assigned to {d.Owner.Name} by {d.Rule}" : $"kept ({d.Because})",
            $"stage {d.Stage.Name()}",
            string.Create(CultureInfo.InvariantCulture, $"score {d.Score}"),
        };
        var notApplied = d.Why.Rules.Where(r => !r.Applied).Take(3).Select(r => $"{r.Rule.Id}: {r.Because}");
        parts.AddRange(notApplied);
        return string.Join("; ", parts);
    }
}
