using TheModel.Sync.Application.Crm;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <summary>Assertions on the simulated portal's final state.</summary>
internal static class PortalAssert
{
    /// <summary>
    /// Every routed contact holds its owner and stage, and exactly one live task per key exists for it with the
    /// plan's properties and the 204 (contact), 192 (company) and 216 (deal) associations. No other task exists.
    /// </summary>
    public static void RoutedExactlyOnce(HubSpotSimulator simulator, IEnumerable<RoutedPerson> people, IReadOnlyList<WriteOutcome>? taskOutcomes = null)
    {
        var routed = people.ToList();
        var tasks = simulator.All("tasks").Where(t => !t.Archived).ToList();
        var byKey = tasks.GroupBy(t => t[CrmSchema.HubSpotTaskKeyProperty] ?? "(none)").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var duplicated = byKey.Where(g => g.Value.Count > 1).Select(g => $"{g.Key} x{g.Value.Count}").ToList();
        Assert.True(duplicated.Count == 0, "Tasks created more than once: " + string.Join(", ", duplicated));
        Assert.Equal(routed.Select(p => p.TaskKey).Order(StringComparer.Ordinal), byKey.Keys.Order(StringComparer.Ordinal));

        foreach (var person in routed)
        {
            var contact = simulator.Get("contacts", person.ContactId)!;
            foreach (var (field, value) in person.Fields)
            {
                Assert.Equal(value, contact[field]);
            }

            var task = byKey[person.TaskKey].Single();
            Assert.Equal(person.OwnerId, task["hubspot_owner_id"]);
            Assert.Equal("2026-11-30T09:00:00.000Z", task["hs_timestamp"]);
            Assert.Equal("NOT_STARTED", task["hs_task_status"]);
            Assert.StartsWith("Follow up with ", task["hs_task_subject"], StringComparison.Ordinal);

            var links = simulator.AssociationsOf("tasks", task.Id).Select(a => (a.ToType, a.ToId, a.TypeId)).ToHashSet();
            var expected = new HashSet<(string, string, int)> { ("contacts", person.ContactId, HubSpotAssociationTypes.TaskToContact) };
            if (person.CompanyId is { } company)
            {
                expected.Add(("companies", company, HubSpotAssociationTypes.TaskToCompany));
            }

            if (person.DealId is { } deal)
            {
                expected.Add(("deals", deal, HubSpotAssociationTypes.TaskToDeal));
            }

            Assert.Equal(expected, links);
            Assert.Contains(simulator.AssociationsOf("contacts", person.ContactId), a => a.ToId == task.Id && a.TypeId == HubSpotAssociationTypes.ContactToTask);
        }

        foreach (var outcome in taskOutcomes ?? [])
        {
            Assert.Equal(byKey[outcome.Key].Single().Id, outcome.CrmId);
        }
    }
}
