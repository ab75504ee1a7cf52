using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Model;

/// <summary>
/// A compiled, immutable routing configuration: everything the engine needs, with references resolved.
/// Built only by the config compiler, after validation has passed.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<string, Member> _membersById;
    private readonly Dictionary<string, Team> _teamsById;
    private readonly Dictionary<string, OwnerQueue> _queuesByKey;
    private readonly Dictionary<string, Member> _membersByCrmId;
    private readonly Dictionary<string, OwnerQueue> _queuesByCrmId;

    // Every text ResolveOwner resolves to a member, a queue or external, with the precedence of its steps applied at
    // build time: one look-up per person instead of up to four and a 15-to-18 conversion (it runs for every person,
    // more than once in simulate).
    private readonly Dictionary<string, OwnerRef> _owners;

    public RuleSet(
        string version,
        IReadOnlyList<BusinessCalendar> calendars,
        IReadOnlyList<Team> teams,
        IReadOnlyList<OwnerQueue> queues,
        IReadOnlyList<NamedList> lists,
        MatchingOptions matching,
        IReadOnlyList<Segment> segments,
        Scoring scoring,
        IReadOnlyList<RoutingRule> routing,
        IReadOnlyList<SlaRule> slas,
        IReadOnlyList<RecycleRule> recycle,
        IReadOnlyList<CrmMapping> crms)
    {
        Version = version;
        Calendars = calendars;
        Teams = teams;
        Members = [.. teams.SelectMany(t => t.Members).OrderBy(m => m.Index)];
        Queues = queues;
        Lists = lists;
        Matching = matching;
        Segments = segments;
        Scoring = scoring;
        Routing = routing;
        Slas = slas;
        Recycle = recycle;
        Crms = crms;
        _membersById = Members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _teamsById = teams.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _queuesByKey = queues.ToDictionary(q => q.Key, StringComparer.Ordinal);
        _membersByCrmId = new Dictionary<string, Member>(StringComparer.Ordinal);
        _queuesByCrmId = new Dictionary<string, OwnerQueue>(StringComparer.Ordinal);
        foreach (var m in Members)
        {
            if (m.SalesforceId is { } sf)
            {
                _membersByCrmId.TryAdd(sf, m);
            }

            if (m.HubSpotId is { } hs)
            {
                _membersByCrmId.TryAdd(hs, m);
            }
        }

        foreach (var q in queues)
        {
            if (q.SalesforceId is { } sf)
            {
                _queuesByCrmId.TryAdd(sf, q);
            }

            if (q.HubSpotId is { } hs)
            {
                _queuesByCrmId.TryAdd(hs, q);
            }
        }

        _owners = OwnerTexts();
    }

    private Dictionary<string, OwnerRef> OwnerTexts()
    {
        var owners = new Dictionary<string, OwnerRef>(StringComparer.Ordinal);
        foreach (var (id, m) in _membersById)
        {
            owners.TryAdd(id, OwnerRef.ForMember(m));
        }

        foreach (var (key, q) in _queuesByKey)
        {
            owners.TryAdd(key, OwnerRef.ForQueue(q));
        }

        owners.TryAdd("external", OwnerRef.External);

        // A 15-character id is looked up only in its 18-character form, so it never matches as itself; it matches
        // where the 18-character id it extends to is known.
        static bool LooksLike15(string id) => id.Length == 15 && SalesforceIds.LooksLikeId(id);
        static bool Extends15(string id) => id.Length == 18 && SalesforceIds.LooksLikeId(id) && SalesforceIds.To18(id[..15]) == id;
        foreach (var (id, m) in _membersByCrmId)
        {
            if (!LooksLike15(id))
            {
                owners.TryAdd(id, OwnerRef.ForMember(m));
            }
        }

        foreach (var (id, q) in _queuesByCrmId)
        {
            if (!LooksLike15(id))
            {
                owners.TryAdd(id, OwnerRef.ForQueue(q));
            }
        }

        foreach (var (id, m) in _membersByCrmId)
        {
            if (Extends15(id))
            {
                owners.TryAdd(id[..15], OwnerRef.ForMember(m));
            }
        }

        foreach (var (id, q) in _queuesByCrmId)
        {
            if (Extends15(id))
            {
                owners.TryAdd(id[..15], OwnerRef.ForQueue(q));
            }
        }

        return owners;
    }

    /// <summary><c>sha256:</c> of the config's files; every decision names it.</summary>
    public string Version { get; }

    public IReadOnlyList<BusinessCalendar> Calendars { get; }

    public IReadOnlyList<Team> Teams { get; }

    /// <summary>All members, by <see cref="Member.Index"/>.</summary>
    public IReadOnlyList<Member> Members { get; }

    public IReadOnlyList<OwnerQueue> Queues { get; }

    public IReadOnlyList<NamedList> Lists { get; }

    public MatchingOptions Matching { get; }

    public IReadOnlyList<Segment> Segments { get; }

    public Scoring Scoring { get; }

    public IReadOnlyList<RoutingRule> Routing { get; }

    public IReadOnlyList<SlaRule> Slas { get; }

    public IReadOnlyList<RecycleRule> Recycle { get; }

    public IReadOnlyList<CrmMapping> Crms { get; }

    /// <summary>Names of the custom person fields (<c>fields.NAME</c>) the rules use, for the connectors to read.</summary>
    public IReadOnlyList<string> CustomPersonFields { get; init; } = [];

    /// <summary>Names of the custom account fields (<c>account.fields.NAME</c>) the rules use.</summary>
    public IReadOnlyList<string> CustomAccountFields { get; init; } = [];

    /// <summary>The <c>report:</c> section (the funnel report's period and benchmarks); its defaults when absent.</summary>
    public ReportSettings Report { get; init; } = ReportSettings.Default;

    public Member? FindMember(string id) => _membersById.GetValueOrDefault(id);

    public Team? FindTeam(string id) => _teamsById.GetValueOrDefault(id);

    public OwnerQueue? FindQueue(string key) => _queuesByKey.GetValueOrDefault(key);

    /// <summary>
    /// Resolves an owner as a record names it: a member id, a queue key, or a CRM id of either
    /// (Salesforce ids compared as 18 characters). Anything else is <c>external</c>.
    /// </summary>
    public OwnerRef ResolveOwner(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            return OwnerRef.None;
        }

        if (_owners.TryGetValue(owner, out var known))
        {
            return known;
        }

        // An 18-character Salesforce id in another case (a spreadsheet that upper-cased it) is the same id: its suffix
        // says the case of the first 15 characters.
        return owner.Length == 18 && SalesforceIds.TryCaseFromSuffix(owner, out var cased) && !string.Equals(cased, owner, StringComparison.Ordinal) &&
               _owners.TryGetValue(cased, out known)
            ? known
            : OwnerRef.External;
    }

    /// <summary>
    /// <see cref="ResolveOwner"/> step by step, as the language defines it: the table it reads is built to agree with
    /// this (tests compare the two).
    /// </summary>
    internal OwnerRef ResolveOwnerStepwise(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            return OwnerRef.None;
        }

        if (_membersById.TryGetValue(owner, out var m))
        {
            return OwnerRef.ForMember(m);
        }

        if (_queuesByKey.TryGetValue(owner, out var q))
        {
            return OwnerRef.ForQueue(q);
        }

        if (string.Equals(owner, "external", StringComparison.Ordinal))
        {
            return OwnerRef.External;
        }

        var id = owner.Length == 15 && SalesforceIds.LooksLikeId(owner) ? SalesforceIds.To18(owner)
            : owner.Length == 18 && SalesforceIds.TryCaseFromSuffix(owner, out var cased) ? cased
            : owner;
        if (_membersByCrmId.TryGetValue(id, out m))
        {
            return OwnerRef.ForMember(m);
        }

        if (_queuesByCrmId.TryGetValue(id, out q))
        {
            return OwnerRef.ForQueue(q);
        }

        return OwnerRef.External;
    }
}

public enum OwnerKind : byte
{
    None,
    Member,
    Queue,
    External,
}

/// <summary>A resolved owner: a member, a queue, <c>external</c>, or none.</summary>
public readonly record struct OwnerRef(OwnerKind Kind, Member? Member, OwnerQueue? Queue)
{
    public static OwnerRef None => default;

    public static OwnerRef External => new(OwnerKind.External, null, null);

    public static OwnerRef ForMember(Member m) => new(OwnerKind.Member, m, null);

    public static OwnerRef ForQueue(OwnerQueue q) => new(OwnerKind.Queue, null, q);

    /// <summary>The owner as the language names it: a member id, a queue key, <c>external</c>, or null.</summary>
    public string? Name => Kind switch
    {
        OwnerKind.Member => Member!.Id,
        OwnerKind.Queue => Queue!.Key,
        OwnerKind.External => "external",
        _ => null,
    };

    public override string ToString() => Name ?? "none";
}

/// <summary>Salesforce's 15- and 18-character ids.</summary>
public static class SalesforceIds
{
    private const string Suffix = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    public static bool LooksLikeId(string s)
    {
        if (s.Length is not (15 or 18))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The canonical 18-character form of a 15- or 18-character id; an 18-character id must carry the checksum that
    /// matches its first 15 characters (compared ignoring case). False for anything else.
    /// </summary>
    public static bool TryCanonical(string? id, out string canonical)
    {
        canonical = string.Empty;
        if (id is null || !LooksLikeId(id))
        {
            return false;
        }

        var full = To18(id[..15]);
        if (id.Length == 18 && !id.AsSpan(15).Equals(full.AsSpan(15), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        canonical = full;
        return true;
    }

    /// <summary>
    /// An 18-character id with the case of its first 15 characters set as its 3-character suffix says (and the suffix
    /// upper-cased): the same id as Salesforce writes it, whatever case it was given in. False when it is not an
    /// 18-character id or its suffix holds a character no suffix has.
    /// </summary>
    public static bool TryCaseFromSuffix(string id, out string cased)
    {
        cased = id;
        if (id.Length != 18 || !LooksLikeId(id))
        {
            return false;
        }

        Span<char> result = stackalloc char[18];
        for (var block = 0; block < 3; block++)
        {
            var bits = Suffix.IndexOf(char.ToUpperInvariant(id[15 + block]), StringComparison.Ordinal);
            if (bits < 0)
            {
                return false;
            }

            result[15 + block] = Suffix[bits];
            for (var i = 0; i < 5; i++)
            {
                var c = id[(block * 5) + i];
                result[(block * 5) + i] = !char.IsAsciiLetter(c) ? c : (bits & (1 << i)) != 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            }
        }

        cased = new string(result);
        return true;
    }

    /// <summary>Adds the 3-character case checksum to a 15-character id; an 18-character id is returned as is.</summary>
    public static string To18(string id)
    {
        if (id.Length != 15)
        {
            return id;
        }

        Span<char> result = stackalloc char[18];
        id.AsSpan().CopyTo(result);
        for (var block = 0; block < 3; block++)
        {
            var n = 0;
            for (var i = 0; i < 5; i++)
            {
                if (char.IsAsciiLetterUpper(id[(block * 5) + i]))
                {
                    n |= 1 << i;
                }
            }

            result[15 + block] = Suffix[n];
        }

        return new string(result);
    }
}
