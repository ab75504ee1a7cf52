using System.Runtime.ExceptionServices;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Engine;

public readonly record struct AccountMatch(Account? Account, OwnerRef Owner, string? By, string? Detail)
{
    public static AccountMatch None(string? detail = null) => new(null, OwnerRef.None, null, detail);
}

/// <summary>
/// Matches persons to accounts (section 7 and 14) through indexes built once: accounts by id, by domain and by
/// normalized company name, so that a match never scans every account.
/// </summary>
public sealed class AccountMatcher
{
    private readonly RuleSet _rules;
    private readonly Account[] _accounts;
    private readonly OwnerRef[] _owners;
    // Each account's DomainOf, derived once: a domain match names it for every person matched that way.
    private readonly string?[] _domains;
    private readonly MatchStrategy[] _strategies;
    private readonly string?[] _normalizedNames;
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _domainLookup;
    private readonly CompanyNameIndex _names;

    // Company names a name search has answered (about 100 bytes each). Sized for a million-person simulate, whose
    // data sends about 67,000 distinct names to the name search: a smaller cache emptied itself and searched again.
    private const int FuzzyCacheSize = 262_144;

    // From this many accounts the name index is built beside the id and domain indexes, on another thread.
    private const int ParallelIndexFrom = 10_000;

    [ThreadStatic]
    private static List<(int Entry, double Similarity)>? t_similar;

    private readonly Dictionary<string, (int Entry, double Similarity)> _fuzzyCache = new(StringComparer.Ordinal);

    public AccountMatcher(RuleSet rules, IReadOnlyList<Account> accounts)
    {
        _rules = rules;
        _accounts = [.. accounts];
        _owners = new OwnerRef[_accounts.Length];
        _domains = new string?[_accounts.Length];
        _strategies = [.. rules.Matching.Strategies];
        _normalizedNames = new string?[_accounts.Length];
        for (var i = 0; i < _accounts.Length; i++)
        {
            var normalized = CompanyNames.Normalize(_accounts[i].Name);
            _normalizedNames[i] = normalized.Length == 0 ? null : normalized;
        }

        // The two indexes share nothing, and for 100,000 accounts each takes a quarter of a second: side by side they
        // shorten the start of a large simulate. Each is built the same way whichever finishes first.
        CompanyNameIndex? names = null;
        if (_accounts.Length >= ParallelIndexFrom)
        {
            try
            {
                Parallel.Invoke(IndexIdsAndDomains, () => names = new CompanyNameIndex(_normalizedNames));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                // What the serial build would have thrown, not its wrapper.
                ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }
        else
        {
            IndexIdsAndDomains();
            names = new CompanyNameIndex(_normalizedNames);
        }

        _names = names!;
        _domainLookup = _byDomain.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private void IndexIdsAndDomains()
    {
        for (var i = 0; i < _accounts.Length; i++)
        {
            var a = _accounts[i];
            _byId.TryAdd(a.Id, i);
            _owners[i] = _rules.ResolveOwner(a.Owner);
            var domain = DomainOf(a);
            _domains[i] = domain;
            if (domain is not null)
            {
                if (!_byDomain.TryGetValue(domain, out var list))
                {
                    list = [];
                    _byDomain[domain] = list;
                }

                list.Add(i);
            }
        }
    }

    public int Count => _accounts.Length;

    /// <summary>An account's domain: its <c>domain</c> when given, else the host of its website.</summary>
    public static string? DomainOf(Account a) =>
        !string.IsNullOrWhiteSpace(a.Domain) ? DomainNames.Derive(null, null, a.Domain) : DomainNames.HostOfWebsite(a.Website);

    public Account? FindById(string id) => _byId.TryGetValue(id, out var i) ? _accounts[i] : null;

    public AccountMatch Match(Person person, string? domain)
    {
        if (!string.IsNullOrWhiteSpace(person.AccountId))
        {
            return _byId.TryGetValue(person.AccountId, out var i)
                ? new AccountMatch(_accounts[i], _owners[i], "account_id", person.AccountId)
                : AccountMatch.None($"account '{person.AccountId}' named by the person is not among the accounts");
        }

        string? note = null;
        // An array, not the rule set's list: a foreach over an IReadOnlyList allocates an enumerator per person.
        foreach (var strategy in _strategies)
        {
            if (strategy == MatchStrategy.Domain)
            {
                if (domain is null)
                {
                    continue;
                }

                if (_rules.Matching.IgnoreDomains is { } ignore && ignore.Contains(domain))
                {
                    note = $"domain {domain} is in list {ignore.Id}, so it matches no account by domain";
                    continue;
                }

                var found = MatchDomain(domain);
                if (found >= 0)
                {
                    return new AccountMatch(_accounts[found], _owners[found], "domain", _domains[found]);
                }
            }
            else
            {
                var found = MatchName(person.Company, out var similarity);
                if (found >= 0)
                {
                    return new AccountMatch(_accounts[found], _owners[found], "company_name",
                        similarity.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return AccountMatch.None(note);
    }

    private int MatchDomain(string domain)
    {
        // The longest matching account domain wins: walk from the full domain up through its parents.
        var span = domain.AsSpan();
        while (true)
        {
            if (_domainLookup.TryGetValue(span, out var list))
            {
                return list.Count == 1 ? list[0] : BreakTie(list);
            }

            var dot = span.IndexOf('.');
            if (dot < 0)
            {
                return -1;
            }

            span = span[(dot + 1)..];
        }
    }

    private int MatchName(string? company, out double similarity)
    {
        similarity = 0;
        var normalized = CompanyNames.Normalize(company);
        if (normalized.Length == 0)
        {
            return -1;
        }

        // An exact normalized name has similarity 1, the best there is: no fuzzy search needed.
        var exact = _names.FindExact(normalized);
        if (!exact.IsEmpty)
        {
            similarity = 1;
            return exact.Length == 1 ? exact[0] : BreakTie([.. exact]);
        }

        lock (_fuzzyCache)
        {
            if (_fuzzyCache.TryGetValue(normalized, out var cached))
            {
                similarity = cached.Similarity;
                return cached.Entry;
            }
        }

        var entry = FuzzyMatch(normalized, out similarity);
        lock (_fuzzyCache)
        {
            // Bounded: the same company names recur across persons, but memory must not grow with them.
            if (_fuzzyCache.Count >= FuzzyCacheSize)
            {
                _fuzzyCache.Clear();
            }

            _fuzzyCache[normalized] = (entry, similarity);
        }

        return entry;
    }

    private int FuzzyMatch(string normalized, out double similarity)
    {
        similarity = 0;
        var results = t_similar ??= [];
        results.Clear();
        _names.FindSimilar(normalized, _rules.Matching.MinSimilarity, results);
        if (results.Count == 0)
        {
            return -1;
        }

        var best = double.MinValue;
        foreach (var (_, s) in results)
        {
            best = Math.Max(best, s);
        }

        similarity = best;
        if (results.Count == 1)
        {
            return results[0].Entry;
        }

        var tied = new List<int>();
        foreach (var (entry, s) in results)
        {
            if (s == best)
            {
                tied.Add(entry);
            }
        }

        return tied.Count == 1 ? tied[0] : BreakTie(tied);
    }

    /// <summary>The configured tie-breaks, then file order.</summary>
    private int BreakTie(List<int> candidates)
    {
        var best = candidates[0];
        for (var i = 1; i < candidates.Count; i++)
        {
            if (Compare(candidates[i], best) < 0)
            {
                best = candidates[i];
            }
        }

        return best;
    }

    private int Compare(int x, int y)
    {
        var a = _accounts[x];
        var b = _accounts[y];
        foreach (var tb in _rules.Matching.TieBreaks)
        {
            var c = tb switch
            {
                Model.TieBreak.CustomerFirst => IsCustomer(b).CompareTo(IsCustomer(a)),
                Model.TieBreak.MostEmployees => (b.Employees ?? double.MinValue).CompareTo(a.Employees ?? double.MinValue),
                _ => (a.CreatedAt?.UtcTicks ?? long.MaxValue).CompareTo(b.CreatedAt?.UtcTicks ?? long.MaxValue),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return x.CompareTo(y);
    }

    private static bool IsCustomer(Account a) => string.Equals(a.Type, "customer", StringComparison.OrdinalIgnoreCase);
}
