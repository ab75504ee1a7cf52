using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>What to read from one CRM for one team: nothing, every owned person, or those a stage filter lets through.</summary>
internal readonly record struct OwnedRead(bool Needed, StageFilter? Filter)
{
    public static OwnedRead None { get; } = new(false, null);

    public static OwnedRead All { get; } = new(true, null);

    /// <summary>Groups teams whose reads are the same query (same field, same values).</summary>
    public string Key => Filter is null ? string.Empty : Filter.Field + "\n" + string.Join("\n", Filter.Values);
}

/// <summary>
/// Counts, in one CRM, the people each active member owns in the stages the member's team works: the reads the
/// CRM is asked for, and the exact stage of every record read, mapped as the engine maps it.
/// </summary>
internal static class OwnedCounter
{
    /// <summary>
    /// The narrowest read that still returns every person of <paramref name="works"/> in this CRM. A stage's mapping
    /// is a set of field values; a field that every works stage's mapping names can be filtered on, with the values
    /// those mappings give it. <c>new</c> is also the stage of a record that matches no mapping (section 3), so a team
    /// that works <c>new</c> reads all its people; a team none of whose stages this CRM maps reads nothing.
    /// </summary>
    public static OwnedRead ReadFor(StageSet works, CrmMapping? mapping)
    {
        if (works.Contains(Stage.New))
        {
            return OwnedRead.All;
        }

        var entries = mapping?.Stages.Where(s => works.Contains(s.Stage)).ToList() ?? [];
        if (entries.Count == 0)
        {
            return OwnedRead.None;
        }

        var common = entries
            .Select(e => e.Values.Select(v => v.Key))
            .Aggregate((a, b) => a.Intersect(b, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        if (common is null)
        {
            return OwnedRead.All;
        }

        var values = entries
            .SelectMany(e => e.Values.Where(v => string.Equals(v.Key, common, StringComparison.Ordinal)).Select(v => v.Value))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new OwnedRead(true, new StageFilter(common, values));
    }

    /// <summary>The stage the engine would see for the record: the mapped one, else <c>new</c>.</summary>
    public static Stage StageOf(CrmRecord record, CrmMapping? mapping) =>
        mapping is { Stages.Count: > 0 } ? mapping.ReadStage(field => record[field]) ?? Stage.New : Stage.New;

    public static string? CrmIdOf(Member member, CrmKind crm) => crm == CrmKind.Salesforce ? member.SalesforceId : member.HubSpotId;

    /// <summary>
    /// Each active member's open count in this CRM (every active member with an id there is present, 0 when it holds
    /// nobody open). A person counts for the member its owner id resolves to, when its stage is one the member's team
    /// works. One read per distinct filter; a read that fails throws (the caller keeps the old counts).
    /// </summary>
    public static async Task<Dictionary<string, int>> CountAsync(ICrmConnector connector, RuleSet rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(rules);
        var crm = connector.Crm;
        var mapping = rules.Crms.FirstOrDefault(c => c.Crm == crm);
        var ownerField = CrmSchema.For(rules, crm).OwnerField;
        var members = rules.Members.Where(m => m.Active && !string.IsNullOrWhiteSpace(CrmIdOf(m, crm))).ToList();
        var counts = members.ToDictionary(m => m.Id, _ => 0, StringComparer.Ordinal);

        var reads = members
            .Select(m => (Member: m, Read: ReadFor(m.Team.Works, mapping)))
            .Where(x => x.Read.Needed)
            .GroupBy(x => x.Read.Key, StringComparer.Ordinal);
        foreach (var group in reads)
        {
            var wanted = group.Select(x => x.Member).ToHashSet();
            var ownerIds = wanted.Select(m => CrmIdOf(m, crm)!).Distinct(StringComparer.Ordinal).ToList();
            var records = await connector.ReadOwnedAsync(ownerIds, group.First().Read.Filter, cancellationToken).ConfigureAwait(false);
            foreach (var record in records)
            {
                if (rules.ResolveOwner(record[ownerField]).Member is { } owner
                    && wanted.Contains(owner)
                    && owner.Team.Works.Contains(StageOf(record, mapping)))
                {
                    counts[owner.Id]++;
                }
            }
        }

        return counts;
    }
}
