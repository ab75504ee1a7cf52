using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Model;

public enum TeamRole : byte
{
    Marketing,
    SR,
    EBR,
    AE,
    CSM,
}

public static class TeamRoles
{
    public static IReadOnlyList<string> Names { get; } = ["marketing", "SR", "EBR", "AE", "CSM"];

    /// <summary>Section 4: the stages a team works when it does not say.</summary>
    public static StageSet DefaultWorks(TeamRole role) => role switch
    {
        TeamRole.SR => StageSet.Of([Stage.Mql, Stage.Working]),
        TeamRole.EBR => StageSet.Of([Stage.New, Stage.Mql, Stage.Working]),
        TeamRole.AE => StageSet.Of([Stage.Sql]),
        TeamRole.CSM => StageSet.Of([Stage.Customer]),
        _ => StageSet.Of([Stage.New]),
    };
}

public sealed class Team
{
    public required string Id { get; init; }

    public required int Index { get; init; }

    public required TeamRole Role { get; init; }

    public required StageSet Works { get; init; }

    public BusinessCalendar? Calendar { get; init; }

    /// <summary>Members in the order the team lists them; strategies walk them in this order.</summary>
    public IReadOnlyList<Member> Members { get; private set; } = [];

    /// <summary>Attaches the members once (they refer back to the team, so they are created after it).</summary>
    public void SetMembers(IReadOnlyList<Member> members)
    {
        if (Members.Count > 0)
        {
            throw new InvalidOperationException($"team '{Id}' already has its members");
        }

        Members = members;
    }

    public override string ToString() => Id;
}

public sealed class Member
{
    public required string Id { get; init; }

    /// <summary>Index among all members of the rule set (for state arrays).</summary>
    public required int Index { get; init; }

    /// <summary>Position within the team's list.</summary>
    public required int Position { get; init; }

    public required Team Team { get; init; }

    /// <summary>The 18-character Salesforce user id, when given.</summary>
    public string? SalesforceId { get; init; }

    /// <summary>The HubSpot owner id (not the user id), when given.</summary>
    public string? HubSpotId { get; init; }

    public int Weight { get; init; } = 1;

    public int? MaxOpen { get; init; }

    public IReadOnlyList<DateRange> Away { get; init; } = [];

    public bool Active { get; init; } = true;

    public BusinessCalendar? OwnCalendar { get; init; }

    /// <summary>The member's calendar, else the team's.</summary>
    public BusinessCalendar? Calendar => OwnCalendar ?? Team.Calendar;

    /// <summary>Whether the member is away on the evaluation date, read in its calendar's zone (T's offset without one).</summary>
    public bool IsAwayAt(DateTimeOffset at)
    {
        if (Away.Count == 0)
        {
            return false;
        }

        var date = Calendar is { } cal ? cal.LocalDate(at) : DateOnly.FromDateTime(at.DateTime);
        foreach (var range in Away)
        {
            if (range.Contains(date))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Id;
}

/// <summary>A holding queue: a Salesforce queue id and/or a HubSpot owner id used as one.</summary>
public sealed class OwnerQueue
{
    public required string Key { get; init; }

    public string? SalesforceId { get; init; }

    public string? HubSpotId { get; init; }

    public override string ToString() => Key;
}

/// <summary>A named set used by <c>in_list</c>. Domain lists also hold every subdomain of an entry.</summary>
public sealed class NamedList
{
    private readonly HashSet<string> _entries;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NamedList(string id, bool isDomainList, IEnumerable<string> entries)
    {
        Id = id;
        IsDomainList = isDomainList;
        _entries = new HashSet<string>(entries.Select(e => e.Trim()).Where(e => e.Length > 0), StringComparer.OrdinalIgnoreCase);
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Id { get; }

    public bool IsDomainList { get; }

    public int Count => _entries.Count;

    public IReadOnlyCollection<string> Entries => _entries;

    public bool Contains(string value)
    {
        var span = value.AsSpan().Trim();
        if (!IsDomainList)
        {
            return _lookup.Contains(span);
        }

        var at = span.LastIndexOf('@');
        if (at >= 0)
        {
            span = span[(at + 1)..];
        }

        while (true)
        {
            if (_lookup.Contains(span))
            {
                return true;
            }

            var dot = span.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            span = span[(dot + 1)..];
        }
    }

    public override string ToString() => Id;
}
