using System.Net;
using System.Text.Json.Nodes;
using static TheModel.Sync.Simulators.Tests.Salesforce.SalesforceCollectionsTests;
using static TheModel.Sync.Simulators.Tests.Salesforce.SalesforceCompositeTests;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

/// <remarks>
/// Guards the subtle failure the facts file warns about (S-4): without <c>Sforce-Auto-Assign: FALSE</c> the org's
/// assignment rule overwrites the OwnerId the worker just chose, and the write still "succeeds".
/// </remarks>
public sealed class SalesforceAssignmentRuleTests
{
    private const string Data = "/services/data/v62.0/";

    [Theory]
    [InlineData(null, true)]
    [InlineData("TRUE", true)]
    [InlineData("01QSm0000000001", true)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public async Task PatchLead_HeaderDecidesWhetherTheRuleOverwritesTheOwner(string? header, bool ruleRuns)
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var (lead, chosen, ruleQueue) = Arrange(host);
        var headers = header is null ? null : new Dictionary<string, string> { ["Sforce-Auto-Assign"] = header };

        var (status, _, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{lead}", new JsonObject { ["OwnerId"] = chosen }, headers);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(ruleRuns ? ruleQueue : chosen, host.Simulator.Get("Lead", lead)!["OwnerId"]);
        var seen = Assert.Single(host.Simulator.AutoAssignments);
        Assert.Equal(header, seen.HeaderValue);
        Assert.Equal(ruleRuns, seen.RuleRan);
        Assert.Equal(chosen, seen.OwnerIdSent);
        Assert.False(seen.IsCreate);
    }

    [Fact]
    public async Task Create_AccountWithoutHeader_GetsTheRuleOwnerButTaskDoesNot()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var ruleOwner = host.Simulator.AddUser("Rule Owner");
        var chosen = host.Simulator.AddUser("Chosen Rep");
        host.Simulator.AssignmentRuleOwnerId = ruleOwner;

        var (_, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(
            Record("Account", ("Name", "Acme"), ("OwnerId", chosen)),
            Record("Task", ("Subject", "Call"), ("OwnerId", chosen))));

        Assert.Equal(ruleOwner, host.Simulator.Get("Account", body![0]!["id"]!.GetValue<string>())!["OwnerId"]);
        Assert.Equal(chosen, host.Simulator.Get("Task", body[1]!["id"]!.GetValue<string>())!["OwnerId"]);
        Assert.Equal([true, false], host.Simulator.AutoAssignments.Select(a => a.RuleRan).ToArray());
    }

    [Fact]
    public async Task CollectionsUpdate_WithHeaderFalse_KeepsEveryOwner()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var (lead, chosen, _) = Arrange(host);
        var other = host.InsertLead("Other");

        await host.SendAsync(HttpMethod.Patch, "composite/sobjects",
            Records(Record("Lead", ("id", lead), ("OwnerId", chosen)), Record("Lead", ("id", other), ("OwnerId", chosen))),
            new Dictionary<string, string> { ["Sforce-Auto-Assign"] = "FALSE" });

        Assert.Equal(chosen, host.Simulator.Get("Lead", lead)!["OwnerId"]);
        Assert.Equal(chosen, host.Simulator.Get("Lead", other)!["OwnerId"]);
        Assert.All(host.Simulator.AutoAssignments, a => Assert.Equal("FALSE", a.HeaderValue));
    }

    [Fact]
    public async Task Composite_SubrequestHeaderOrTopLevelHeader_KeepsTheOwner_OtherwiseTheRuleWins()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var (first, chosen, ruleQueue) = Arrange(host);
        var second = host.InsertLead("Second");
        var third = host.InsertLead("Third");
        var noAssign = new Dictionary<string, string> { ["Sforce-Auto-Assign"] = "FALSE" };

        await host.SendAsync(HttpMethod.Post, "composite", Composite(false,
            Sub("PATCH", Data + $"sobjects/Lead/{first}", "withHeader", new JsonObject { ["OwnerId"] = chosen }, noAssign),
            Sub("PATCH", Data + $"sobjects/Lead/{second}", "withoutHeader", new JsonObject { ["OwnerId"] = chosen })));
        await host.SendAsync(HttpMethod.Post, "composite", Composite(false,
            Sub("PATCH", Data + $"sobjects/Lead/{third}", "inherits", new JsonObject { ["OwnerId"] = chosen })), noAssign);

        Assert.Equal(chosen, host.Simulator.Get("Lead", first)!["OwnerId"]);
        Assert.Equal(ruleQueue, host.Simulator.Get("Lead", second)!["OwnerId"]);
        Assert.Equal(chosen, host.Simulator.Get("Lead", third)!["OwnerId"]);
        var subrequests = host.Simulator.Requests.Where(r => r.IsSubrequest).ToDictionary(r => r.ReferenceId!);
        Assert.Equal("FALSE", subrequests["withHeader"].Header("Sforce-Auto-Assign"));
        Assert.Null(subrequests["withoutHeader"].Header("Sforce-Auto-Assign"));
        Assert.Equal("FALSE", subrequests["inherits"].Header("Sforce-Auto-Assign"));
    }

    [Fact]
    public async Task NoRuleConfigured_OwnerSentIsKeptEvenWithoutHeader()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();
        var chosen = host.Simulator.AddUser("Chosen Rep");

        await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{lead}", new JsonObject { ["OwnerId"] = chosen });

        Assert.Equal(chosen, host.Simulator.Get("Lead", lead)!["OwnerId"]);
        Assert.False(Assert.Single(host.Simulator.AutoAssignments).RuleRan);
    }

    private static (string Lead, string Chosen, string RuleQueue) Arrange(SalesforceTestHost host)
    {
        var lead = host.InsertLead();
        var chosen = host.Simulator.AddUser("Chosen Rep");
        var queue = host.Simulator.AddQueue("Default Lead Queue");
        host.Simulator.AssignmentRuleOwnerId = queue;
        return (lead, chosen, queue);
    }
}
