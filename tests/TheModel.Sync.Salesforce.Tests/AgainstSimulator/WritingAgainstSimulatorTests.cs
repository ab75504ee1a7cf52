using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <remarks>
/// Write-back against the simulated org, asserting what the org holds afterwards: owners and stages on the Leads, one
/// Task per key, the <c>Sforce-Auto-Assign</c> value each Lead write carried, and the calls counted against the
/// allocation. A Composite of five 200-record collections is one call (1,000 records); updates and task upserts go to
/// different collection endpoints and cannot share a collection, so a plan of U updates and T tasks needs
/// ceil((ceil(U/200) + ceil(T/200)) / 5) calls, which is ceil((U+T)/1000) whenever U and T fill their collections.
/// </remarks>
public sealed class WritingAgainstSimulatorTests
{
    [Fact]
    public async Task Write_OwnerStageAndTaskForFourHundredLeads_OneCallAndTheOwnersStickDespiteTheAssignmentRule()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(400);
        Assert.Equal(SimulatorHarness.UnassignedQueueId, h.Simulator.AssignmentRuleOwnerId);
        var plan = RoutingPlans.OwnerStageAndTask("evt-1", leads, SimulatorHarness.OrgStart);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(800, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(plan.Updates.Select(u => u.Key).Concat(plan.Tasks.Select(t => t.Key)), outcomes.Select(o => o.Key));

        // Two update and two upsert collections: ceil(800 records / 1,000) = one API call, plus the login.
        Assert.Equal(1, h.DataCalls);
        Assert.Equal(1, h.Simulator.ApiCallsUsed);
        Assert.Equal(1, h.Simulator.TokenCalls);
        Assert.Equal(1, h.Simulator.CountOf("POST composite"));

        for (var i = 0; i < leads.Count; i++)
        {
            var lead = h.Simulator.Get("Lead", leads[i])!;
            Assert.Equal(RoutingPlans.OwnerFor(i), lead["OwnerId"]);
            Assert.Equal(RoutingPlans.StatusFor(i), lead["Status"]);
            Assert.Equal(SimulatorHarness.OrgStart, lead[RoutingPlans.OwnerSetAtField]);
        }

        var tasks = h.Simulator.All("Task");
        Assert.Equal(400, tasks.Count);
        var byKey = tasks.ToDictionary(t => (string)t[Schema.TaskKeyField]!, StringComparer.Ordinal);
        for (var i = 0; i < leads.Count; i++)
        {
            var task = byKey[RoutingPlans.TaskKey("evt-1", leads[i])];
            Assert.Equal(leads[i], task["WhoId"]);
            Assert.Null(task.GetValueOrDefault("WhatId"));
            Assert.Equal(RoutingPlans.OwnerFor(i), task["OwnerId"]);
            Assert.Equal(RoutingPlans.TaskSubject, task["Subject"]);
            Assert.Equal(new DateOnly(2026, 11, 30), task["ActivityDate"]);
            Assert.Equal("Not Started", task["Status"]);
            Assert.Equal(task["Id"], outcomes[400 + i].CrmId);
        }

        var leadWrites = h.Simulator.AutoAssignments.Where(a => a.SObject == "Lead").ToList();
        Assert.Equal(400, leadWrites.Count);
        Assert.All(leadWrites, a =>
        {
            Assert.Equal("FALSE", a.HeaderValue);
            Assert.False(a.RuleRan);
            Assert.Equal(a.OwnerIdSent, a.OwnerIdAfter);
        });
        Assert.All(h.Simulator.Requests.Where(r => r.IsSubrequest), r => Assert.Equal("FALSE", r.Header("Sforce-Auto-Assign")));
    }

    [Fact]
    public async Task Write_TwelveHundredRecords_TwoCompositeCalls()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(600);

        var outcomes = await h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-2", leads, SimulatorHarness.OrgStart), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        // Six collections: a Composite of five, then the sixth alone as a plain collection upsert.
        Assert.Equal(2, h.Simulator.ApiCallsUsed);
        Assert.Equal(2, h.DataCalls);
        Assert.Equal(1, h.Simulator.CountOf("POST composite"));
        Assert.Equal(600, h.Simulator.All("Task").Count);
        Assert.Equal(leads.Select((_, i) => RoutingPlans.OwnerFor(i)), leads.Select(id => h.Simulator.Get("Lead", id)!["OwnerId"]));
    }

    [Fact]
    public async Task Write_DeletedAndUnknownLeads_RejectedWithTheOrgsMessageWhileTheOthersAreWritten()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(40);
        var deleted = leads[5];
        h.Simulator.Delete("Lead", deleted);
        var converted = leads[9];
        h.Simulator.Touch("Lead", converted, new Dictionary<string, object?> { ["IsConverted"] = true });
        var unknown = SalesforceIds.To18("00QSm00000ZZZZZ");
        leads.Add(unknown);
        var inactiveOwner = h.Simulator.AddUser("Left Company", isActive: false);
        var plan = RoutingPlans.OwnerStageAndTask("evt-3", leads, SimulatorHarness.OrgStart);
        var toInactive = plan.Updates[12] with { Fields = new Dictionary<string, string?>(plan.Updates[12].Fields) { ["OwnerId"] = inactiveOwner } };
        plan = plan with
        {
            Updates = [.. plan.Updates.Select((u, i) => i == 12 ? toInactive : u)],

            // Whether a Task may name a converted Lead is not in the facts; the plan stays out of that question.
            Tasks = [.. plan.Tasks.Where(t => t.PersonId != converted)],
        };

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        var byKey = outcomes.ToDictionary(o => o.Key, StringComparer.Ordinal);
        Assert.Equal(new WriteOutcome($"evt-3/{deleted}", WriteStatus.Rejected, "ENTITY_IS_DELETED: entity is deleted"), byKey[$"evt-3/{deleted}"]);
        Assert.Equal(
            new WriteOutcome($"evt-3/{unknown}", WriteStatus.Rejected, "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id"),
            byKey[$"evt-3/{unknown}"]);
        foreach (var person in new[] { deleted, unknown })
        {
            var key = RoutingPlans.TaskKey("evt-3", person);
            Assert.Equal(new WriteOutcome(key, WriteStatus.Rejected, "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id"), byKey[key]);
        }

        Assert.Equal(
            new WriteOutcome($"evt-3/{converted}", WriteStatus.Rejected, "CANNOT_UPDATE_CONVERTED_LEAD: cannot reference converted lead"),
            byKey[$"evt-3/{converted}"]);
        Assert.Equal(
            new WriteOutcome(toInactive.Key, WriteStatus.Rejected, $"INACTIVE_OWNER_OR_USER: operation performed with inactive user [{inactiveOwner}] as owner of lead"),
            byKey[toInactive.Key]);

        // Of 41 updates the deleted, unknown, converted and inactive-owner ones fail; of 40 tasks the deleted and unknown leads'.
        Assert.Equal(37 + 38, outcomes.Count(o => o.Status == WriteStatus.Written));
        Assert.Equal(1, h.Simulator.ApiCallsUsed);
        var tasks = h.Simulator.All("Task");
        Assert.Equal(38, tasks.Count);
        Assert.DoesNotContain(tasks, t => (string?)t["WhoId"] is { } who && (who == deleted || who == unknown));
        Assert.Equal(RoutingPlans.OwnerFor(6), h.Simulator.Get("Lead", leads[6])!["OwnerId"]);
        Assert.NotEqual(RoutingPlans.OwnerFor(5), h.Simulator.Get("Lead", deleted)!["OwnerId"]);
        Assert.NotEqual(RoutingPlans.OwnerFor(9), h.Simulator.Get("Lead", converted)!["OwnerId"]);
        Assert.NotEqual(inactiveOwner, h.Simulator.Get("Lead", leads[12])!["OwnerId"]);
    }

    [Fact]
    public async Task Write_SecondIdenticalPlanWithKnownValuesReadBack_CostsNoCall()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(200);
        var first = RoutingPlans.OwnerStageAndTask("evt-4", leads, SimulatorHarness.OrgStart);
        Assert.All(await h.Connector.WriteAsync(first, CancellationToken.None), o => Assert.Equal(WriteStatus.Written, o.Status));
        var read = (await h.Connector.ReadAsync(CrmObject.Person, leads, CancellationToken.None)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var callsBefore = h.Simulator.ApiCallsUsed;
        var requestsBefore = h.Simulator.Requests.Count;

        var again = new WritePlan(
            [.. leads.Select((id, i) => RoutingPlans.Update("evt-5", i, id, SimulatorHarness.OrgStart, read[id].Fields))],
            []);
        var outcomes = await h.Connector.WriteAsync(again, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Unchanged, o.Status));
        Assert.Equal(callsBefore, h.Simulator.ApiCallsUsed);
        Assert.Equal(requestsBefore, h.Simulator.Requests.Count);
        Assert.Equal(1, h.Simulator.TokenCalls);
    }

    [Fact]
    public async Task Write_FewChangedAmongKnown_SendsOnlyTheDifferencesInOneCollectionWithAutoAssignOff()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(20);
        var read = (await h.Connector.ReadAsync(CrmObject.Person, leads, CancellationToken.None)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        h.Simulator.ClearRequestLog();
        var working = RoutingPlans.StatusFor(Core.Records.Stage.Working);
        var changing = leads.Where(id => read[id]["Status"] != working).Take(3).ToList();

        // Three leads change stage only; the rest are asked for what they already hold.
        var updates = leads.Select((id, i) =>
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["OwnerId"] = read[id]["OwnerId"],
                ["Status"] = changing.Contains(id) ? working : read[id]["Status"],
            };
            return new RecordUpdate($"k{i}", CrmObject.Person, id, fields, read[id].Fields);
        }).ToList();
        var outcomes = await h.Connector.WriteAsync(new WritePlan(updates, []), CancellationToken.None);

        Assert.Equal(3, outcomes.Count(o => o.Status == WriteStatus.Written));
        Assert.Equal(17, outcomes.Count(o => o.Status == WriteStatus.Unchanged));
        var request = Assert.Single(h.Simulator.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal($"/services/data/{h.Simulator.ApiVersion}/composite/sobjects", request.Path);
        Assert.Equal("FALSE", request.Header("Sforce-Auto-Assign"));
        var records = JsonNode.Parse(request.Body)!["records"]!.AsArray();
        Assert.Equal(changing, records.Select(r => r!["Id"]!.GetValue<string>()));
        Assert.All(records, r => Assert.Equal(["attributes", "Id", "Status"], r!.AsObject().Select(p => p.Key)));
        foreach (var id in changing)
        {
            Assert.Equal(read[id]["OwnerId"], h.Simulator.Get("Lead", id)!["OwnerId"]);
            Assert.Equal(working, h.Simulator.Get("Lead", id)!["Status"]);
        }
    }

    [Fact]
    public async Task Write_OneLeadTwiceAndOneTaskTwiceInAPlan_SeparateCollectionsLaterUpdateWinsOneTask()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(3);
        var nurture = RoutingPlans.StatusFor(Core.Records.Stage.Nurture);
        var plan = new WritePlan(
            [
                RoutingPlans.Update("a", 0, leads[0], SimulatorHarness.OrgStart),
                RoutingPlans.Update("b", 1, leads[1], SimulatorHarness.OrgStart),
                new RecordUpdate("c", CrmObject.Person, leads[0], new Dictionary<string, string?> { ["Status"] = nurture }),
            ],
            [RoutingPlans.Task("a", 0, leads[0], SimulatorHarness.OrgStart), RoutingPlans.Task("a", 0, leads[0], SimulatorHarness.OrgStart)]);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(1, h.Simulator.ApiCallsUsed);
        var collections = h.Simulator.Requests.Where(r => r.IsSubrequest).ToList();
        Assert.Equal(4, collections.Count);

        // The task planned twice (a replayed decision) is one Task: the second upsert finds the first.
        var task = Assert.Single(h.Simulator.All("Task"));
        Assert.Equal(task["Id"], outcomes[3].CrmId);
        Assert.Equal(task["Id"], outcomes[4].CrmId);
        Assert.All(collections, c => Assert.Equal(200, c.Status));
        Assert.Equal(nurture, h.Simulator.Get("Lead", leads[0])!["Status"]);
        Assert.Equal(RoutingPlans.OwnerFor(0), h.Simulator.Get("Lead", leads[0])!["OwnerId"]);
        Assert.Equal(RoutingPlans.StatusFor(1), h.Simulator.Get("Lead", leads[1])!["Status"]);
    }

    private static CrmSchema Schema => RoutingPlans.Schema;
}
