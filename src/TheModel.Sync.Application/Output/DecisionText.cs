using System.Globalization;
using System.Text;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Output;

/// <summary>A decision in plain words, for <c>explain</c>: what was found, what was computed, what happened and why.</summary>
public static class DecisionText
{
    public static string Render(Decision d, Person person)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"Person {d.PersonId}");
        if (person.Email is { } email)
        {
            sb.Append(inv, $" <{email}>");
        }

        if (person.Company is { } company)
        {
            sb.Append(inv, $" at {company}");
        }

        sb.AppendLine();
        sb.AppendLine(inv, $"  evaluated at {Timestamps.Format(d.At)} with config {d.ConfigVersion}");
        sb.AppendLine();

        sb.AppendLine(d.Account is { } account
            ? $"Account: {account.Id} ({account.Name ?? "no name"}), matched by {Describe(d.Why.MatchedBy)}{(d.Why.MatchDetail is { } m ? $" ({m})" : string.Empty)}"
            : "Account: none matched");
        sb.AppendLine(inv, $"Segment: {d.Segment ?? "none"}");
        sb.AppendLine(inv, $"Score: {d.Score.ToString(inv)} = fit {d.Fit.ToString(inv)} + engagement {DecisionJson.RoundEngagement(d.Engagement).ToString(inv)}");
        foreach (var part in d.Why.Score)
        {
            var sign = part.Points >= 0 ? "+" : string.Empty;
            sb.AppendLine(inv, $"  {(part.IsFit ? "fit" : "engagement"),-10} {part.Rule.Id,-20} {sign}{DecisionJson.RoundEngagement(part.Points).ToString(inv)}");
        }

        if (d.Why.Score.Count == 0)
        {
            sb.AppendLine("  no scoring rule applied");
        }

        sb.AppendLine();
        var before = person.Stage ?? Stage.New;
        sb.AppendLine(before == d.Stage ? $"Stage: {d.Stage.Name()}" : $"Stage: {before.Name()} -> {d.Stage.Name()}");
        foreach (var sla in d.Why.Sla)
        {
            var state = DecisionJson.SlaStateName(sla.State).Replace('_', ' ');
            sb.AppendLine(sla.Deadline is { } deadline
                ? $"SLA {sla.Sla.Id}: {state} (deadline {Timestamps.Format(deadline)})"
                : $"SLA {sla.Sla.Id}: {state}");
        }

        sb.AppendLine();
        if (d.Why.Trigger is null)
        {
            sb.AppendLine(inv, $"Routing did not run: the person is owned by {d.OwnerBefore.Name} and nothing asks to move it.");
        }
        else
        {
            sb.AppendLine(inv, $"Routing ran because {d.Why.Trigger}.");
            foreach (var rule in d.Why.Rules)
            {
                sb.AppendLine(rule.Applied
                    ? $"  {rule.Rule.Id}: applied ({rule.Because})"
                    : $"  {rule.Rule.Id}: did not apply: {rule.Because}");
            }

            if (d.Why.Excluded.Count > 0)
            {
                sb.AppendLine("Excluded members:");
                foreach (var e in d.Why.Excluded)
                {
                    sb.AppendLine(inv, $"  {e.Member.Id} ({e.Member.Team.Id}): {ExclusionText(e, d)} [rule {e.Rule}]");
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine(d.Outcome == DecisionOutcome.Assigned
            ? $"Outcome: assigned to {d.Owner.Name}{TeamText(d)} by rule {d.Rule}"
            : $"Outcome: kept with {d.Owner.Name ?? "no owner"}{TeamText(d)}{(d.Rule is null ? string.Empty : $" by rule {d.Rule}")} ({d.Because})");
        if (d.Actions.Count > 0)
        {
            sb.AppendLine("Actions:");
            foreach (var a in d.Actions)
            {
                sb.AppendLine(a.Type switch
                {
                    ActionType.Set => $"  set {a.Field} = {(a.Value.IsMissing ? "(cleared)" : a.Value.ToString())} [{a.Rule}]",
                    ActionType.Assign => $"  assign to {a.Owner} [{a.Rule}]",
                    _ => $"  task for {a.Owner}: \"{a.Subject}\"{(a.Due is { } due ? $", due {Timestamps.Format(due)}" : string.Empty)} [{a.Rule}]",
                });
            }
        }

        foreach (var note in d.Why.Notes)
        {
            sb.AppendLine(inv, $"Note: {note}");
        }

        return sb.ToString();
    }

    private static string TeamText(Decision d) => d.Team is { } t ? $" (team {t.Id})" : string.Empty;

    private static string Describe(string? by) => by switch
    {
        "domain" => "domain",
        "company_name" => "company name similarity",
        "account_id" => "the account id on the person",
        _ => by ?? "?",
    };

    private static string ExclusionText(Exclusion e, Decision d) => e.Reason switch
    {
        ExclusionReason.Inactive => "not active",
        ExclusionReason.Away => "away on " + (e.Member.Calendar is { } c ? c.LocalDate(d.At) : DateOnly.FromDateTime(d.At.DateTime)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ExclusionReason.AtCapacity => $"at capacity (max_open {e.Member.MaxOpen})",
        ExclusionReason.OffHours => "outside working hours" + (e.Member.Calendar is { } cal ? $" ({cal.Id})" : string.Empty),
        _ => "a previous owner, excluded",
    };
}
