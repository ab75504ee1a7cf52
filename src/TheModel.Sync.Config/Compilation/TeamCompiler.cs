using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>teams:</c> (section 4): teams, their members, and the roster checks that need the queues.</summary>
internal static class TeamCompiler
{
    private static readonly string[] Reserved = ["queue", "owner", "current_owner", "previous_owner", "account_owner"];

    public static List<Team> Compile(CompileContext context, YamlNode section)
    {
        var teams = new List<Team>();
        if (context.Sequence(section) is not { } items)
        {
            return teams;
        }

        var memberIndex = 0;
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.Team, "team");
            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            context.Require(mapping, id is null ? "team" : $"team '{id}'", "id", "role", "members");

            var role = TeamRole.Marketing;
            if (CompileContext.Get(mapping, "role") is { } roleNode && context.Choice(roleNode, "role", TeamRoles.Names) is var r and >= 0)
            {
                role = (TeamRole)r;
            }

            var works = TeamRoles.DefaultWorks(role);
            if (CompileContext.Get(mapping, "works") is { } worksNode && ReadStages(context, worksNode) is { } stages)
            {
                works = StageSet.Of(stages);
            }

            BusinessCalendar? calendar = null;
            var calendarUnresolved = false;
            if (CompileContext.Get(mapping, "calendar") is { } calendarNode)
            {
                calendarUnresolved = !context.Resolve(context.Calendars, calendarNode, ErrorCodes.UnknownCalendar, out calendar) || calendar is null;
            }

            var team = new Team { Id = id ?? string.Empty, Index = teams.Count, Role = role, Works = works, Calendar = calendar };
            if (id is not null && idNode is not null)
            {
                context.Teams.Declare(context, idNode, id, team);
            }

            var members = new List<Member>();
            if (CompileContext.Get(mapping, "members") is { } membersNode && context.Sequence(membersNode) is { } memberItems)
            {
                foreach (var memberItem in memberItems.Items)
                {
                    if (CompileMember(context, memberItem, team, members.Count, memberIndex, calendarUnresolved) is { } member)
                    {
                        members.Add(member);
                        memberIndex++;
                    }
                }
            }

            team.SetMembers(members);
            teams.Add(team);
        }

        return teams;
    }

    private static Member? CompileMember(CompileContext context, YamlNode node, Team team, int position, int index, bool teamCalendarUnresolved)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        context.CheckKeys(mapping, KnownKeys.Member, "member");
        var idNode = CompileContext.Get(mapping, "id");
        var id = idNode is null ? null : context.Id(idNode);
        context.Require(mapping, "member", "id");
        if (id is null || idNode is null)
        {
            return null;
        }

        string? salesforce = null;
        if (CompileContext.Get(mapping, "salesforce") is { } sfNode && SalesforceId(context, sfNode) is { } sf)
        {
            salesforce = sf;
        }

        string? hubspot = null;
        if (CompileContext.Get(mapping, "hubspot") is { } hsNode && HubSpotId(context, hsNode) is { } hs)
        {
            hubspot = hs;
        }

        var weight = 1;
        if (CompileContext.Get(mapping, "weight") is { } weightNode)
        {
            weight = (int)(context.Integer(weightNode, "weight", 1) ?? 1);
        }

        int? maxOpen = null;
        if (CompileContext.Get(mapping, "max_open") is { } maxNode)
        {
            // An unreadable max_open still counts as given, so least_loaded does not also report it missing.
            maxOpen = (int)(context.Integer(maxNode, "max_open", 0) ?? 0);
        }

        var away = new List<DateRange>();
        if (CompileContext.Get(mapping, "away") is { } awayNode)
        {
            CalendarCompiler.ReadDates(context, awayNode, away);
        }

        var active = true;
        if (CompileContext.Get(mapping, "active") is { } activeNode)
        {
            active = context.Bool(activeNode) ?? true;
        }

        BusinessCalendar? calendar = null;
        var calendarUnresolved = false;
        if (CompileContext.Get(mapping, "calendar") is { } calendarNode)
        {
            calendarUnresolved = !context.Resolve(context.Calendars, calendarNode, ErrorCodes.UnknownCalendar, out calendar) || calendar is null;
        }

        var member = new Member
        {
            Id = id,
            Index = index,
            Position = position,
            Team = team,
            SalesforceId = salesforce,
            HubSpotId = hubspot,
            Weight = weight,
            MaxOpen = maxOpen,
            Away = away,
            Active = active,
            OwnCalendar = calendar,
        };

        if (calendarUnresolved || (calendar is null && teamCalendarUnresolved))
        {
            context.MembersWithUnresolvedCalendar.Add(member);
        }

        if (context.Queues.Contains(id))
        {
            context.Error(idNode, ErrorCodes.IdClash, $"member id '{id}' clashes with queue '{id}'; members and queues share one namespace");
        }
        else if (id == "external")
        {
            context.Error(idNode, ErrorCodes.IdClash, "member id 'external' is reserved: it names owners that are neither a member nor a queue");
        }
        else if (Reserved.Contains(id, StringComparer.Ordinal))
        {
            // to: and task owners read these words before member ids, so such a member could never be named.
            context.Error(idNode, ErrorCodes.IdClash, $"member id '{id}' is reserved: it is a keyword of to: and task owner:");
        }

        context.Members.Declare(context, idNode, id, member);
        if (salesforce is not null)
        {
            context.SalesforceIds.Declare(context, CompileContext.Get(mapping, "salesforce")!, salesforce, member);
        }

        if (hubspot is not null)
        {
            context.HubSpotIds.Declare(context, CompileContext.Get(mapping, "hubspot")!, hubspot, member);
        }

        return member;
    }

    /// <summary>A 15- or 18-character Salesforce id, stored as 18 characters so that ids compare as Salesforce does.</summary>
    public static string? SalesforceId(CompileContext context, YamlNode node)
    {
        if (context.Text(node) is not { } text)
        {
            return null;
        }

        if (!SalesforceIds.LooksLikeId(text))
        {
            context.Error(node, ErrorCodes.WrongShape, $"invalid Salesforce id '{text}': expected 15 or 18 letters and digits");
            return null;
        }

        // An 18-character id's last 3 characters encode the case of the first 15: a typo there would make an id that
        // Salesforce never sends, and every person it owns would read as external.
        if (!SalesforceIds.TryCanonical(text, out var canonical))
        {
            // All in one case, the first 15 lost their case (a spreadsheet, a form): the suffix gives it back.
            var body = text.AsSpan(0, 15);
            if (text.Length == 18 && (!body.ContainsAnyInRange('a', 'z') || !body.ContainsAnyInRange('A', 'Z')) &&
                SalesforceIds.TryCaseFromSuffix(text, out var cased))
            {
                return cased;
            }

            context.Error(node, ErrorCodes.WrongShape,
                $"invalid Salesforce id '{text}': its last 3 characters do not match the first 15 (the 18-character form of {text[..15]} is {SalesforceIds.To18(text[..15])})");
            return null;
        }

        return canonical;
    }

    /// <summary>A HubSpot owner id: a string or an integer, kept as its text.</summary>
    public static string? HubSpotId(CompileContext context, YamlNode node)
    {
        if (node is YamlScalar { Kind: ScalarKind.String or ScalarKind.Int } scalar && scalar.Text.Length > 0)
        {
            return scalar.Text;
        }

        context.Error(node, ErrorCodes.WrongShape, $"expected a HubSpot id (a string or an integer), got {CompileContext.Describe(node)}");
        return null;
    }

    private static List<Stage>? ReadStages(CompileContext context, YamlNode node)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return null;
        }

        var stages = new List<Stage>();
        foreach (var item in sequence.Items)
        {
            if (StageName(context, item) is { } stage)
            {
                stages.Add(stage);
            }
        }

        return stages;
    }

    /// <summary>A canonical stage name, spelled as section 3 spells it (TM0026 otherwise).</summary>
    public static Stage? StageName(CompileContext context, YamlNode node)
    {
        if (context.Text(node) is not { } text)
        {
            return null;
        }

        if (Stages.AllNames.Contains(text, StringComparer.Ordinal) && Stages.TryParse(text, out var stage))
        {
            return stage;
        }

        context.Error(node, ErrorCodes.UnknownStage, $"unknown stage '{text}'{Suggestions.Hint(text, Stages.AllNames)}");
        return null;
    }
}
