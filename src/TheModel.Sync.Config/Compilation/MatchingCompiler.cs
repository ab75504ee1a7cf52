using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>matching:</c> (section 7). Absent: both strategies, similarity 0.9, no ignore list, no tie-breaks.</summary>
internal static class MatchingCompiler
{
    private static readonly string[] StrategyNames = ["domain", "company_name"];
    private static readonly string[] TieBreakNames = ["customer_first", "most_employees", "oldest"];

    public static MatchingOptions Compile(CompileContext context, YamlNode? section)
    {
        if (section is null || context.Mapping(section) is not { } mapping)
        {
            return new MatchingOptions();
        }

        context.CheckKeys(mapping, KnownKeys.Matching, "matching");
        var defaults = new MatchingOptions();

        var strategies = defaults.Strategies;
        if (CompileContext.Get(mapping, "strategies") is { } strategiesNode)
        {
            strategies = Words(context, strategiesNode, "matching strategy", StrategyNames).Select(i => (MatchStrategy)i).ToList();
        }

        NamedList? ignore = null;
        if (CompileContext.Get(mapping, "ignore_domains") is { } ignoreNode)
        {
            context.Resolve(context.Lists, ignoreNode, ErrorCodes.UnknownList, out ignore);
        }

        var minSimilarity = defaults.MinSimilarity;
        if (CompileContext.Get(mapping, "company_name") is { } companyNode && context.Mapping(companyNode) is { } company)
        {
            context.CheckKeys(company, KnownKeys.MatchingCompanyName, "matching.company_name");
            if (CompileContext.Get(company, "min_similarity") is { } minNode && context.Number(minNode) is { } min)
            {
                if (min is < 0 or > 1)
                {
                    context.Error(minNode, ErrorCodes.BadNumber, $"min_similarity must be between 0 and 1, was {((YamlScalar)minNode).Text}");
                }
                else
                {
                    minSimilarity = min;
                }
            }
        }

        var tieBreaks = defaults.TieBreaks;
        if (CompileContext.Get(mapping, "tie_break") is { } tieNode)
        {
            tieBreaks = Words(context, tieNode, "tie_break", TieBreakNames).Select(i => (TieBreak)i).ToList();
        }

        return new MatchingOptions { Strategies = strategies, IgnoreDomains = ignore, MinSimilarity = minSimilarity, TieBreaks = tieBreaks };
    }

    private static List<int> Words(CompileContext context, YamlNode node, string what, IReadOnlyList<string> names)
    {
        var result = new List<int>();
        if (context.Sequence(node) is not { } sequence)
        {
            return result;
        }

        foreach (var item in sequence.Items)
        {
            var index = context.Choice(item, what, names);
            if (index >= 0 && !result.Contains(index))
            {
                result.Add(index);
            }
        }

        return result;
    }
}
