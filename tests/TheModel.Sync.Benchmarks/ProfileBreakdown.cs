using System.Diagnostics;
using System.Globalization;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>profile</c>: a stopwatch breakdown of what <see cref="DecisionEngine.Evaluate"/> does, rebuilt from Core's public
/// pieces (the engine's own steps are private), each phase timed over every person, against the full evaluation.
/// Use with <c>perf</c> for a function-level view (see the README).
/// </summary>
public static class ProfileBreakdown
{
    public static int Run(BenchOptions options)
    {
        var loaded = BenchData.LoadConfig(BenchData.ConfigPath(options));
        var rules = loaded.Rules;
        var dir = BenchData.EnsureData(options, rules, loaded.Version);
        var (people, accounts) = BenchData.Read(dir);
        var at = options.At;
        var matcher = new AccountMatcher(rules, accounts);
        var engine = new DecisionEngine(rules, matcher);
        var footprints = people.Select(engine.FootprintOf).ToArray();
        var n = people.Count;
        var passes = options.Passes > 0 ? options.Passes : 3;

        // Inputs each phase starts from, built outside the timings.
        var domains = people.Select(p => DomainNames.Derive(p.Website, p.Email, p.Domain)).ToArray();
        var matches = people.Select((p, i) => matcher.Match(p, domains[i])).ToArray();
        EvaluationScope Scope(int i)
        {
            var s = new EvaluationScope(people[i], at)
            {
                Domain = domains[i],
                Account = matches[i].Account,
                AccountOwner = matches[i].Owner,
                Owner = rules.ResolveOwner(people[i].Owner),
            };
            return s;
        }

        var scopes = Enumerable.Range(0, n).Select(Scope).ToArray();
        foreach (var s in scopes)
        {
            s.Segment = rules.Segments.FirstOrDefault(g => g.When.Holds(s))?.Id;
        }

        var phases = new List<(string Name, double Ns, double Bytes)>();
        long sink = 0;

        double Time(string name, Action<int> body, bool seed = false)
        {
            var best = double.MaxValue;
            var bytes = 0.0;
            for (var pass = 0; pass < passes + 1; pass++)
            {
                if (seed)
                {
                    s_state = Seed(rules, footprints);
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                {
                    body(i);
                }

                if (pass > 0)
                {
                    best = Math.Min(best, clock.Elapsed.TotalNanoseconds / n);
                    bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)n;
                }
            }

            phases.Add((name, best, bytes));
            return best;
        }

        var full = Time("full Evaluate + Apply + Because (the engine benchmark's loop)", i =>
        {
            var d = engine.Evaluate(people[i], at, s_state!);
            s_state!.Apply(d);
            foreach (var t in d.Why.Rules)
            {
                sink += t.Because?.Length ?? 0;
            }
        }, seed: true);
        Time("  Evaluate alone (no Apply, no Because)", i =>
        {
            sink += engine.Evaluate(people[i], at, s_state!).Actions.Count;
        }, seed: true);
        Time("  seeding footprint (FootprintOf: derive + match + owner), untimed in the benchmark", i => sink += engine.FootprintOf(people[i]).Stage == Stage.New ? 1 : 0);
        Time("  1 derive domain", i => sink += DomainNames.Derive(people[i].Website, people[i].Email, people[i].Domain)?.Length ?? 0);
        Time("  1 match account (all strategies)", i => sink += matcher.Match(people[i], domains[i]).Account is null ? 0 : 1);
        Time("  1 resolve owner", i => sink += (int)rules.ResolveOwner(people[i].Owner).Kind);
        Time("  1 new EvaluationScope + Decision + Explanation objects", i =>
        {
            var s = new EvaluationScope(people[i], at);
            var d = new Decision { PersonId = people[i].Id, At = at, ConfigVersion = rules.Version };
            sink += d.Why.Rules.Count + (s.Person is null ? 1 : 0);
        });
        Time("  1 segments (conditions)", i =>
        {
            foreach (var g in rules.Segments)
            {
                if (g.When.Holds(scopes[i]))
                {
                    sink++;
                    break;
                }
            }
        });
        Time("  1 fit + engagement (conditions, decay, ScorePart list)", i =>
        {
            var s = scopes[i];
            var parts = new List<ScorePart>();
            double total = 0;
            foreach (var r in rules.Scoring.Fit)
            {
                if (r.When.Holds(s))
                {
                    total += r.Points;
                    parts.Add(new ScorePart(r, true, r.Points));
                }
            }

            foreach (var r in rules.Scoring.Engagement)
            {
                if (!r.When.Holds(s))
                {
                    continue;
                }

                var points = r.Points;
                if (r.Decay is { } decay)
                {
                    points = s.Get(decay.From).TryTicks(out var t) ? points * Math.Pow(0.5, (double)Math.Max(0, s.AtTicks - t) / decay.HalfLife.Ticks) : 0;
                }

                total += points;
                parts.Add(new ScorePart(r, false, points));
            }

            sink += (long)total + parts.Count;
        });
        Time("  2-3 mql + recycle conditions", i =>
        {
            var s = scopes[i];
            sink += rules.Scoring.Mql?.Holds(s) == true ? 1 : 0;
            foreach (var r in rules.Recycle)
            {
                sink += r.On == RecycleTrigger.None && r.When.Holds(s) ? 1 : 0;
            }
        });
        Time("  5 SLA conditions + deadline (business-hours calendar) where it applies", i =>
        {
            var s = scopes[i];
            foreach (var sla in rules.Slas)
            {
                if (!sla.Applies.Holds(s) || s.Owner.Kind != OwnerKind.Member || sla.MetWhen.Holds(s))
                {
                    continue;
                }

                var start = s.OwnerSetAt ?? s.StageEnteredAt;
                if (start is { } st)
                {
                    var deadline = sla.Clock == ClockKind.Wall ? st + sla.Within : s.Owner.Member!.Calendar?.AddWorkingTime(st, sla.Within);
                    sink += deadline?.Ticks > 0 ? 1 : 0;
                }
            }
        });
        Time("  6 routing `when`s (all rules, conditions only)", i =>
        {
            foreach (var r in rules.Routing)
            {
                sink += r.When.Holds(scopes[i]) ? 1 : 0;
            }
        });
        Time("  6 member eligibility (IsAwayAt + IsWorkingAt for every member)", i =>
        {
            foreach (var m in rules.Members)
            {
                sink += m.IsAwayAt(at) ? 1 : 0;
                sink += m.Calendar?.IsWorkingAt(at) == true ? 1 : 0;
            }
        });

        var decisions = new Decision[n];
        var state = Seed(rules, footprints);
        for (var i = 0; i < n; i++)
        {
            decisions[i] = engine.Evaluate(people[i], at, state);
            state.Apply(decisions[i]);
        }

        Time("  RuleTrace.Because strings (formatting only)", i =>
        {
            foreach (var t in decisions[i].Why.Rules)
            {
                sink += t.Because?.Length ?? 0;
            }
        });
        Time("  InMemoryRoutingState.Apply", i =>
        {
            s_state!.Apply(decisions[i]);
        }, seed: true);

        var inv = CultureInfo.InvariantCulture;
        var byStrategy = matches.GroupBy(m => m.By ?? "none").Select(g => $"{g.Key} {g.Count():N0}");
        Console.WriteLine(string.Create(inv, $"profile over {n:N0} persons, best of {passes} passes (after one warm-up pass); matches by {string.Join(", ", byStrategy)}"));
        foreach (var (name, ns, bytes) in phases)
        {
            Console.WriteLine(string.Create(inv, $"{ns,9:N0} ns/person {ns / full * 100,6:0.0}% {bytes,7:N0} B/person  {name}"));
        }

        Console.WriteLine(string.Create(inv, $"(checksum {sink}; full loop = {1e9 / full:N0} persons/s)"));
        return 0;
    }

    [ThreadStatic]
    private static InMemoryRoutingState? s_state;

    private static InMemoryRoutingState Seed(RuleSet rules, Footprint[] footprints)
    {
        var state = new InMemoryRoutingState(rules);
        foreach (var f in footprints)
        {
            state.Add(f);
        }

        return state;
    }
}
