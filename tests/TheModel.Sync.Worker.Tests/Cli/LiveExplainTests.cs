using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary><c>explain --person CRM:ID</c> on a decision log file: lines copied from a 20-second sandbox run.</summary>
public sealed class LiveExplainTests
{
    private static string Decisions => Path.Combine(TempFolder.RepoRoot(), "tests", "TheModel.Sync.Worker.Tests", "Cli", "Data", "live-decisions.jsonl");

    private static async Task<(int Exit, string Out, string Err)> ExplainAsync(string person, int last = 3, bool json = false, string? file = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await LiveExplain.RunAsync(person, file ?? Decisions, last, json, [], stdout, stderr, default);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_PersonWithThreeDecisions_PrintsEachInWordsNewestLast()
    {
        var (exit, text, err) = await ExplainAsync("HubSpot:1344");

        Assert.True(exit == 0, err);
        Assert.StartsWith("hubspot:1344: 3 decisions, newest last (", text, StringComparison.Ordinal);
        Assert.Contains("14 lines searched", text, StringComparison.Ordinal);
        var first = text.IndexOf("2026-11-27T14:43:54.033Z  contact.creation  config sha256:4620239a12d20510ea897104247c23cd135747a928d752d4a7e2513dc567c08c", StringComparison.Ordinal);
        var second = text.IndexOf("2026-11-27T14:43:55.377Z  poll", StringComparison.Ordinal);
        var third = text.IndexOf("2026-11-27T14:43:56.447Z  contact.propertyChange", StringComparison.Ordinal);
        Assert.True(first >= 0 && first < second && second < third, text);
        Assert.Contains("  Stage: new -> mql (created 2026-11-27T14:43:52.644Z; 0 touches)", text, StringComparison.Ordinal);
        Assert.Contains("  Outcome: assigned to liam (team sr-us) by rule inbound-mql-us", text, StringComparison.Ordinal);
        Assert.Contains("  Routing ran because the person has no owner.", text, StringComparison.Ordinal);
        Assert.Contains("    customer-contact: did not apply: when did not hold: account.type is missing", text, StringComparison.Ordinal);
        Assert.Contains("    inbound-mql-us: applied (weighted_round_robin: liam had the largest current value (2, weight 1 of 3))", text, StringComparison.Ordinal);
        Assert.Contains("    olivia: not active [rule inbound-mql-us]", text, StringComparison.Ordinal);
        Assert.Contains("  Score: 95 = fit 55 + engagement 40.00, segment enterprise", text, StringComparison.Ordinal);
        Assert.Contains("    engagement demo-request         +40.00", text, StringComparison.Ordinal);
        Assert.Contains("    set stage = mql [mql]", text, StringComparison.Ordinal);
        Assert.Contains("    assign to liam [inbound-mql-us]", text, StringComparison.Ordinal);
        Assert.Contains("  Stage: working (in working since", text, StringComparison.Ordinal);
        Assert.Contains("  Outcome: kept with liam (team sr-us) (owned)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LastOne_PrintsOnlyTheNewest()
    {
        var (exit, text, _) = await ExplainAsync("hubspot:1344", last: 1);

        Assert.Equal(0, exit);
        Assert.StartsWith("hubspot:1344: the last 1 of 3 decisions, newest last", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-27T14:43:56.447Z", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-27T14:43:54.033Z  contact.creation", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RecycledPerson_SaysTheReasonAndTheRecheckTask()
    {
        var (exit, text, _) = await ExplainAsync("hubspot:1047");

        Assert.Equal(0, exit);
        Assert.Contains("  Stage: nurture -> mql (in nurture since 2026-05-15T23:59:44Z; created 2026-11-27T14:43:51.537Z; 12 touches, last 2026-05-08T12:24:37Z)", text, StringComparison.Ordinal);
        Assert.Contains("  Recycled: reason timing", text, StringComparison.Ordinal);
        Assert.Contains("    task for ito: \"Recheck : was not ready 90 days ago\", due 2026-11-29T14:43:54.033Z [not-now]", text, StringComparison.Ordinal);
        Assert.Contains("    set recheck_at = (cleared) [not-now]", text, StringComparison.Ordinal);
        Assert.Contains("  Outcome: assigned to yui (team sr-jp) by rule inbound-mql-jp, from ito", text, StringComparison.Ordinal);
        Assert.Contains("    fit        free-mail            -20", text, StringComparison.Ordinal);
        Assert.Contains("  SLA sr-first-touch: met", text, StringComparison.Ordinal);
        Assert.Contains("  Note: domain nifty.com is in list free-mail, so it matches no account by domain", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BreachedSla_SaysTheDeadlineAndWhoWasExcluded()
    {
        var (exit, text, _) = await ExplainAsync("hubspot:1070");

        Assert.Equal(0, exit);
        Assert.Contains("  SLA sr-first-touch: breached (deadline 2026-11-13T14:00:00-05:00)", text, StringComparison.Ordinal);
        Assert.Contains("  Routing ran because SLA sr-first-touch was breached at 2026-11-13T14:00:00-05:00 and asks for a reassign.", text, StringComparison.Ordinal);
        Assert.Contains("    emma: a previous owner, excluded [rule inbound-mql-us]", text, StringComparison.Ordinal);
        Assert.Contains("  Account matched by domain (kotobuki-foods.co.jp)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_KeptWithoutRouting_SaysRoutingDidNotRun()
    {
        var (exit, text, _) = await ExplainAsync("hubspot:1046");

        Assert.Equal(0, exit);
        Assert.Contains("  Routing did not run: nothing asked to move the person.", text, StringComparison.Ordinal);
        Assert.Contains("  Actions: none", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("salesforce:00QSm000000004rMAA")]
    [InlineData("SalesForce:00QSm000000004r")]
    public async Task RunAsync_SalesforceIdIn15Or18Characters_FindsThePerson(string person)
    {
        var (exit, text, err) = await ExplainAsync(person);

        Assert.True(exit == 0, err);
        Assert.StartsWith("salesforce:00QSm000000004rMAA: 2 decisions", text, StringComparison.Ordinal);
        Assert.Contains("outbound.Lead", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SameIdInTheOtherCrm_NotMixedUp()
    {
        var (exit, _, err) = await ExplainAsync("salesforce:1344");

        Assert.Equal(1, exit);
        Assert.Contains("error: no decisions for salesforce:1344 in the decision log (", err, StringComparison.Ordinal);
        Assert.Contains("; 14 lines searched)", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Json_PrintsTheLinesAsTheyAre()
    {
        var (exit, text, _) = await ExplainAsync("hubspot:1344", last: 2, json: true);

        Assert.Equal(0, exit);
        var expected = File.ReadLines(Decisions).Where(l => l.StartsWith("{\"person\":\"1344\",\"crm\":\"hubspot\"", StringComparison.Ordinal)).TakeLast(2);
        Assert.Equal(expected, text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsync_NoSuchFile_ClearErrorExitOne()
    {
        var (exit, _, err) = await ExplainAsync("hubspot:1344", file: "/nonexistent/decisions.jsonl");

        Assert.Equal(1, exit);
        Assert.Contains("error: decision log file '/nonexistent/decisions.jsonl' not found", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NotCrmColonId_SaysTheFormExpected()
    {
        var (exit, _, err) = await ExplainAsync("p42");

        Assert.Equal(1, exit);
        Assert.Contains("error: --person 'p42' is not CRM:ID (e.g. hubspot:1344", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hubspot:1344", true, "hubspot", "1344")]
    [InlineData("HUBSPOT:1344", true, "hubspot", "1344")]
    [InlineData("salesforce:00QSm000000004rMAA", true, "salesforce", "00QSm000000004rMAA")]
    [InlineData("salesforce:00QSm000000004r", true, "salesforce", "00QSm000000004rMAA")]
    [InlineData("p42", false, "", "")]
    [InlineData("{\"id\":\"hubspot:1\"}", false, "", "")]
    [InlineData("@person.json", false, "", "")]
    [InlineData("zoho:1", false, "", "")]
    [InlineData("hubspot:", false, "", "")]
    [InlineData("hubspot:1 2", false, "", "")]
    public void TryParsePerson_Forms_ReadAsDocumented(string text, bool ok, string crm, string id)
    {
        Assert.Equal(ok, LiveExplain.TryParsePerson(text, out var c, out var i));
        Assert.Equal((crm, id), (c, i));
    }
}
