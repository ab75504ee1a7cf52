using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Generation;

/// <summary>
/// The rule set's members grouped the way the generator hands out work: by team role, by market (a member whose
/// calendar is on Japan time works Japan), and AE teams split into enterprise (team id naming <c>ent</c>) and the rest.
/// Every list keeps the rule set's member order, so picks depend only on the seed.
/// </summary>
/// <remarks>
/// Members with <c>max_open</c> are filled only to part of it (55-90%, fixed per member by the seed) with persons in
/// their team's <c>works</c> stages, so routing a generated file finds members with room as a real team would. Picks
/// for persons pass the stage and count what they hand out; picks for accounts and opportunities pass no stage and
/// neither read nor change the counts, so an account is the same whenever it is rebuilt.
/// </remarks>
internal sealed class OwnerPool
{
    private const int Roles = 5;
    private const ulong CapacityStream = 0xCA9;

    private readonly List<Member>[] _active = new List<Member>[Roles];
    private readonly List<Member>[] _japan = new List<Member>[Roles];
    private readonly List<Member>[] _elsewhere = new List<Member>[Roles];
    private readonly List<Member> _aeEnterprise = [];
    private readonly List<Member> _aeOther = [];
    private readonly List<Member> _aeEnterpriseJapan = [];
    private readonly List<Member> _aeOtherJapan = [];
    private readonly List<Member> _aeEnterpriseElsewhere = [];
    private readonly List<Member> _aeOtherElsewhere = [];
    private readonly List<Member> _inactive = [];
    private readonly List<Member> _anyActive = [];
    private readonly List<string> _externals = [];
    private readonly int[] _open;
    private readonly int[] _room;

    public OwnerPool(RuleSet rules, ulong seed)
    {
        for (var i = 0; i < Roles; i++)
        {
            _active[i] = [];
            _japan[i] = [];
            _elsewhere[i] = [];
        }

        var slots = rules.Members.Count == 0 ? 0 : rules.Members.Max(m => m.Index) + 1;
        _open = new int[slots];
        _room = new int[slots];
        var rng = new Rng(Rng.Mix(seed, CapacityStream, 0));
        foreach (var member in rules.Members)
        {
            _room[member.Index] = member.MaxOpen is { } max ? max * rng.Between(55, 90) / 100 : int.MaxValue;
            if (!member.Active)
            {
                _inactive.Add(member);
                continue;
            }

            var role = (int)member.Team.Role;
            _active[role].Add(member);
            _anyActive.Add(member);
            var japan = IsJapan(member);
            if (japan)
            {
                _japan[role].Add(member);
            }

            if (!japan || member.Calendar is null)
            {
                _elsewhere[role].Add(member);
            }

            if (member.Team.Role == TeamRole.AE)
            {
                var enterprise = member.Team.Id.Contains("ent", StringComparison.OrdinalIgnoreCase);
                (enterprise ? _aeEnterprise : _aeOther).Add(member);
                AeList(japan, enterprise).Add(member);
            }
        }

        var queues = rules.Queues;
        DefaultQueue = queues.FirstOrDefault(q => q.Key.Contains("unassigned", StringComparison.OrdinalIgnoreCase))
            ?? queues.FirstOrDefault();
        NurtureQueue = queues.FirstOrDefault(q => q.Key.Contains("nurture", StringComparison.OrdinalIgnoreCase)) ?? DefaultQueue;
        foreach (var id in NamePools.ExternalOwnerIds)
        {
            if (rules.ResolveOwner(id).Kind == OwnerKind.External)
            {
                _externals.Add(id);
            }
        }
    }

    /// <summary>The holding queue for unworked persons (the one named like <c>unassigned</c>, else the first).</summary>
    public OwnerQueue? DefaultQueue { get; }

    /// <summary>The queue for recycled persons (the one named like <c>nurture</c>, else the default).</summary>
    public OwnerQueue? NurtureQueue { get; }

    /// <summary>
    /// An active member of the role with room for a person in <paramref name="stage"/>, from the person's market most of
    /// the time; null when the role has none (with room).
    /// </summary>
    public Member? Pick(Rng rng, TeamRole role, bool japan, Stage? stage)
    {
        var all = _active[(int)role];
        if (all.Count == 0)
        {
            return null;
        }

        var local = japan ? _japan[(int)role] : _elsewhere[(int)role];
        var list = local.Count > 0 && rng.Percent(85) ? local : all;
        return WithRoom(rng, list, stage) ?? (list == all ? null : WithRoom(rng, all, stage));
    }

    /// <summary>An active AE with room: enterprise AEs for big companies, the others for the rest (mostly).</summary>
    public Member? PickAe(Rng rng, bool japan, bool enterprise, Stage? stage)
    {
        var preferred = enterprise ? _aeEnterprise : _aeOther;
        if (preferred.Count > 0 && rng.Percent(85))
        {
            var local = AeList(japan, enterprise);
            var list = local.Count > 0 && rng.Percent(80) ? local : preferred;
            if ((WithRoom(rng, list, stage) ?? (list == preferred ? null : WithRoom(rng, preferred, stage))) is { } m)
            {
                return m;
            }
        }

        return Pick(rng, TeamRole.AE, japan, stage);
    }

    /// <summary>A member (with room) of the first role that has one, in the order given; else null.</summary>
    public Member? PickFirst(Rng rng, bool japan, Stage? stage, params TeamRole[] roles)
    {
        foreach (var role in roles)
        {
            if (Pick(rng, role, japan, stage) is { } m)
            {
                return m;
            }
        }

        return null;
    }

    public Member? PickInactive(Rng rng) => _inactive.Count > 0 ? rng.Pick(_inactive) : null;

    public string? PickExternal(Rng rng) => _externals.Count > 0 ? rng.Pick(_externals) : null;

    public bool HasRoom(Member member, Stage? stage) =>
        stage is not { } s || !member.Team.Works.Contains(s) || _open[member.Index] < _room[member.Index];

    /// <summary>Counts a person the member now owns (when its stage is one the member's team works).</summary>
    public void Assign(Member member, Stage stage)
    {
        if (member.Team.Works.Contains(stage))
        {
            _open[member.Index]++;
        }
    }

    /// <summary>
    /// How a record names its owner: the member id mostly, sometimes the CRM's own id for the member (the record's CRM:
    /// HubSpot owner id, or the Salesforce id in 18 or, when it converts back exactly, 15 characters).
    /// </summary>
    public static string Render(Rng rng, Member member, bool hubSpot)
    {
        var r = rng.Next(100);
        if (r < 80)
        {
            return member.Id;
        }

        if (hubSpot && member.HubSpotId is { } hs)
        {
            return hs;
        }

        if (member.SalesforceId is { } sf)
        {
            if (r >= 92 && sf.Length == 18 && SalesforceIds.To18(sf[..15]) == sf)
            {
                return sf[..15];
            }

            return sf;
        }

        return member.HubSpotId ?? member.Id;
    }

    /// <summary>A queue by its key mostly, sometimes by its CRM id.</summary>
    public static string Render(Rng rng, OwnerQueue queue, bool hubSpot)
    {
        if (rng.Percent(88))
        {
            return queue.Key;
        }

        return (hubSpot ? queue.HubSpotId ?? queue.SalesforceId : queue.SalesforceId ?? queue.HubSpotId) ?? queue.Key;
    }

    /// <summary>A member of the list with room, starting at a random place; one draw whatever the counts.</summary>
    private Member? WithRoom(Rng rng, List<Member> list, Stage? stage)
    {
        var start = rng.Next(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var m = list[(start + i) % list.Count];
            if (HasRoom(m, stage))
            {
                return m;
            }
        }

        return null;
    }

    private List<Member> AeList(bool japan, bool enterprise) => (japan, enterprise) switch
    {
        (true, true) => _aeEnterpriseJapan,
        (true, false) => _aeOtherJapan,
        (false, true) => _aeEnterpriseElsewhere,
        _ => _aeOtherElsewhere,
    };

    private static bool IsJapan(Member m)
    {
        var offset = m.Calendar?.Zone.BaseUtcOffset;
        return offset is null || offset == TimeSpan.FromHours(9);
    }
}
