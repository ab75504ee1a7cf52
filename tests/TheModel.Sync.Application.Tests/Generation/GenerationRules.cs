using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Generation;

/// <summary>The rule set the generator's tests use: the sample config in <c>config/</c>, compiled once.</summary>
internal static class GenerationRules
{
    private static readonly Lazy<RuleSet> SampleRules = new(Support.Configs.Sample);

    public static RuleSet Roster() => SampleRules.Value;
}
