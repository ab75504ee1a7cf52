using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>
/// The CRMs as they really deliver: HubSpot's webhook events in any order and some twice, Salesforce's Outbound
/// Messages some twice; then reps qualify leads in the CRM, and each SQL must reach an AE exactly once.
/// </summary>
public sealed class DisorderlyDeliveryTests
{
    [Fact]
    public async Task Run_ShuffledAndDuplicatedDeliveriesThenRepsQualify_EachLeadRoutedOnceAndEachSqlHandedToAnAeOnce()
    {
        await using var run = await FunctionalRun.CreateAsync(disorderly: true);
        await run.StartWorkersAsync();

        await run.World.CreateLeadsAsync(120, perSecond: 30);
        await run.DrainAsync(TimeSpan.FromSeconds(60));
        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) after the creations (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");

        // Reps qualify every other lead in the CRM: only the stage fields change, as when a rep edits the status.
        var qualified = run.World.Created.Where((_, i) => i % 2 == 0).ToList();
        foreach (var lead in qualified)
        {
            run.World.SetStage(lead, Stage.Sql);
        }

        await run.DrainAsync(TimeSpan.FromSeconds(60));

        var aes = run.World.Rules.Teams.Where(t => t.Id.StartsWith("ae-", StringComparison.Ordinal)).SelectMany(t => t.Members).ToList();
        var changes = run.World.OwnerChanges();
        var wrong = new List<string>();
        foreach (var lead in run.World.Created)
        {
            var written = changes.GetValueOrDefault(lead) ?? [];
            var (owner, stage) = run.World.Current(lead);
            if (qualified.Contains(lead))
            {
                var ae = aes.FirstOrDefault(m => CrmWorld.Canonical((lead.Crm == CrmKind.Salesforce ? m.SalesforceId : m.HubSpotId) ?? "") == CrmWorld.Canonical(owner ?? "-"));
                if (stage != Stage.Sql || ae is null || written.Count != 2)
                {
                    wrong.Add($"{lead.Crm} {lead.Id}: qualified, now stage {stage?.Name() ?? "unmapped"}, owner {owner} ({ae?.Id ?? "not an AE"}), owner changes {string.Join(" -> ", written)}");
                }
            }
            else if (written.Count != 1)
            {
                wrong.Add($"{lead.Crm} {lead.Id}: not qualified, owner changes {string.Join(" -> ", written)}");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} lead(s) wrong (log: {run.Worker.LogPath}):\n{string.Join('\n', wrong.Take(25))}");
        Assert.Empty(run.World.DuplicatedTaskKeys());
        Assert.Equal(0, await run.DeadLettersAsync());

        // The deliveries really were disorderly: some notifications came twice from each CRM.
        Assert.True(run.World.HubSpot.Counters.WebhookDuplicates > 0, "HubSpot delivered no webhook request twice");
        Assert.True(run.World.Salesforce.Outbound.DuplicatesDelivered > 0, "Salesforce delivered no notification twice");
    }
}
