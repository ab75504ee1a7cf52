using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <summary>
/// Write plans shaped like the routing pipeline's: per person an owner (an active member), a stage (the config's
/// mapped value), the owner-set stamp, and one follow-up task keyed the way <see cref="CrmWritePlanner"/> keys them.
/// </summary>
internal static class RoutingPlans
{
    public const string TaskRule = "sla-first-touch";
    public const string TaskSubject = "Call within one business hour";

    private static readonly Stage[] PlannedStages = [Stage.Mql, Stage.Working, Stage.Sql];

    public static CrmSchema Schema { get; } = CrmSchema.For(SampleModel.Rules, CrmKind.Salesforce);

    public static string OwnerSetAtField => Schema.PersonFields["owner_set_at"];

    /// <summary>The value the config maps a stage to (its single Salesforce field is Status).</summary>
    public static string StatusFor(Stage stage) =>
        SampleModel.Rules.Crms.Single(c => c.Crm == CrmKind.Salesforce).Stages.Single(s => s.Stage == stage).Values.Single().Value;

    public static string OwnerFor(int index) => SampleModel.ActiveOwnerIds[index % SampleModel.ActiveOwnerIds.Count];

    public static string StatusFor(int index) => StatusFor(PlannedStages[index % PlannedStages.Length]);

    public static string TaskKey(string basis, string leadId) => CrmWritePlanner.TaskKey(basis, leadId, TaskRule, 0);

    public static RecordUpdate Update(string basis, int index, string leadId, DateTimeOffset at, IReadOnlyDictionary<string, string?>? known = null) =>
        new(
            $"{basis}/{leadId}",
            CrmObject.Person,
            leadId,
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [Schema.OwnerField] = OwnerFor(index),
                ["Status"] = StatusFor(index),
                [OwnerSetAtField] = CrmWritePlanner.FormatTime(at),
            },
            known);

    public static TaskCreate Task(string basis, int index, string leadId, DateTimeOffset at) =>
        new(TaskKey(basis, leadId), leadId, null, null, OwnerFor(index), TaskSubject, at.AddHours(1));

    /// <summary>Owner + stage for every lead and one task each; updates first, as the port wants.</summary>
    public static WritePlan OwnerStageAndTask(string basis, IReadOnlyList<string> leadIds, DateTimeOffset at) =>
        new(
            [.. leadIds.Select((id, i) => Update(basis, i, id, at))],
            [.. leadIds.Select((id, i) => Task(basis, i, id, at))]);
}
