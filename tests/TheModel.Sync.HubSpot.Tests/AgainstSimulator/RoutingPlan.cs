using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <summary>
/// What routing a batch of seeded people asks of HubSpot: a new owner and the <c>working</c> stage (as the sample
/// config maps it) on each contact, and one follow-up task per person associated to the contact, its company and
/// that company's deal when there are ones.
/// </summary>
internal sealed record RoutingPlan(WritePlan Plan, IReadOnlyList<RoutedPerson> People)
{
    public static readonly DateTimeOffset Due = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static RoutingPlan For(HubSpotSimulator simulator, SeedData data, SeedResult seeded, string basis = "run-1")
    {
        var owners = SampleData.ActiveOwnerIds;
        var stage = SampleData.HubSpot.Stages.Single(s => s.Stage == Stage.Working).Values;
        var deals = SampleData.DealsByCompany(simulator);
        var people = new List<RoutedPerson>();
        var updates = new List<RecordUpdate>();
        var tasks = new List<TaskCreate>();
        foreach (var (person, i) in data.People.Select((p, i) => (p, i)))
        {
            var contactId = seeded.People[person.Id];
            var companyId = person.AccountId is { } account ? seeded.Accounts.GetValueOrDefault(account) : null;
            var dealId = companyId is null ? null : deals.GetValueOrDefault(companyId);
            var owner = owners[i % owners.Count];
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["hubspot_owner_id"] = owner };
            foreach (var (field, value) in stage)
            {
                fields[field] = value;
            }

            var taskKey = CrmWritePlanner.TaskKey(basis, contactId, "follow-up", 0);
            updates.Add(new RecordUpdate($"{basis}/{contactId}", CrmObject.Person, contactId, fields));
            tasks.Add(new TaskCreate(taskKey, contactId, companyId, dealId, owner, $"Follow up with {person.FirstName} {person.LastName}", Due));
            people.Add(new RoutedPerson(contactId, companyId, dealId, owner, taskKey, fields));
        }

        return new RoutingPlan(new WritePlan(updates, tasks), people);
    }

    /// <summary>The plan's items not yet done after <paramref name="outcomes"/> (what the pipeline would retry).</summary>
    public static WritePlan NotDone(WritePlan plan, IReadOnlyList<WriteOutcome> outcomes)
    {
        var done = outcomes.Where(o => o.IsDone).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        return new WritePlan([.. plan.Updates.Where(u => !done.Contains(u.Key))], [.. plan.Tasks.Where(t => !done.Contains(t.Key))]);
    }
}

internal sealed record RoutedPerson(
    string ContactId,
    string? CompanyId,
    string? DealId,
    string OwnerId,
    string TaskKey,
    IReadOnlyDictionary<string, string?> Fields);
