using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>segments:</c> (section 5) and <c>scoring:</c> (section 6).</summary>
internal static class ScoringCompiler
{
    private const string SegmentsTooEarly = "segments are computed before the score";
    private const string RulesTooEarly = "fit and engagement are computed before the score";

    public static List<Segment> CompileSegments(CompileContext context, YamlNode section)
    {
        var segments = new List<Segment>();
        if (context.Sequence(section) is not { } items)
        {
            return segments;
        }

        // Ids first: conditions anywhere (a segment's own included) may name any segment.
        var drafts = new List<(YamlMapping Mapping, string? Id, bool Declared)>();
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            var declared = id is not null && context.Segments.Declare(context, idNode!, id, null);
            drafts.Add((mapping, id, declared));
        }

        foreach (var (mapping, id, declared) in drafts)
        {
            context.CheckKeys(mapping, KnownKeys.Segment, "segment");
            var label = id is null ? "segment" : $"segment '{id}'";
            var ok = context.Require(mapping, label, "id", "when");
            Condition? when = null;
            if (CompileContext.Get(mapping, "when") is { } whenNode)
            {
                when = ConditionCompiler.Compile(context, whenNode, new ConditionRules { EarlyReader = label, EarlyReason = SegmentsTooEarly });
            }

            if (ok && declared && id is not null && when is not null)
            {
                var segment = new Segment { Id = id, When = when };
                context.Segments.Update(id, segment);
                segments.Add(segment);
            }
        }

        return segments;
    }

    public static Scoring Compile(CompileContext context, YamlNode section)
    {
        if (context.Mapping(section) is not { } mapping)
        {
            return new Scoring();
        }

        context.CheckKeys(mapping, KnownKeys.Scoring, "scoring");
        var ids = new SymbolTable<ScoreRule>("score rule");
        var fit = CompileRules(context, CompileContext.Get(mapping, "fit"), ids, isFit: true);
        var engagement = CompileRules(context, CompileContext.Get(mapping, "engagement"), ids, isFit: false);

        Condition? mql = null;
        if (CompileContext.Get(mapping, "mql") is { } mqlNode && context.Mapping(mqlNode) is { } mqlMapping)
        {
            context.CheckKeys(mqlMapping, KnownKeys.Mql, "scoring.mql");
            context.Require(mqlMapping, "scoring.mql", "when");
            if (CompileContext.Get(mqlMapping, "when") is { } whenNode)
            {
                mql = ConditionCompiler.Compile(context, whenNode, ConditionRules.Default);
            }

            // Promotion writes stage mql back to the CRM, so every configured CRM must map it.
            SetCompiler.CheckStageMapped(context, mqlNode, Stage.Mql, "scoring.mql");
        }

        return new Scoring { Fit = fit, Engagement = engagement, Mql = mql };
    }

    private static List<ScoreRule> CompileRules(CompileContext context, YamlNode? node, SymbolTable<ScoreRule> ids, bool isFit)
    {
        var rules = new List<ScoreRule>();
        if (node is null || context.Sequence(node) is not { } items)
        {
            return rules;
        }

        var kind = isFit ? "fit rule" : "engagement rule";
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.ScoreRule, kind);
            if (isFit && CompileContext.KeyNode(mapping, "decay") is { } decayKey)
            {
                context.Error(decayKey, ErrorCodes.UnknownKey, "unknown key 'decay' in fit rule; decay applies to engagement rules only");
            }

            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            var label = id is null ? kind : $"{kind} '{id}'";
            var ok = context.Require(mapping, label, "id", "when", "points");
            if (id is not null)
            {
                ok &= ids.Declare(context, idNode!, id, null);
            }

            Condition? when = null;
            if (CompileContext.Get(mapping, "when") is { } whenNode)
            {
                when = ConditionCompiler.Compile(context, whenNode, new ConditionRules { EarlyReader = label, EarlyReason = RulesTooEarly });
            }

            double? points = null;
            if (CompileContext.Get(mapping, "points") is { } pointsNode)
            {
                points = context.Number(pointsNode);
            }

            Decay? decay = null;
            if (!isFit && CompileContext.Get(mapping, "decay") is { } decayNode)
            {
                decay = CompileDecay(context, decayNode);
                ok &= decay is not null;
            }

            if (ok && id is not null && when is not null && points is { } p)
            {
                rules.Add(new ScoreRule { Id = id, When = when, Points = p, Decay = decay });
            }
        }

        return rules;
    }

    private static Decay? CompileDecay(CompileContext context, YamlNode node)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        context.CheckKeys(mapping, KnownKeys.Decay, "decay");
        var ok = context.Require(mapping, "decay", "from", "half_life");

        FieldRef? from = null;
        if (CompileContext.Get(mapping, "from") is { } fromNode && context.Text(fromNode) is { } path)
        {
            from = FieldNames.Resolve(context, fromNode, path, allowOpportunity: false);
            if (from is not null && from.Type is not (FieldType.Time or FieldType.Dynamic))
            {
                context.Error(fromNode, ErrorCodes.OperandMismatch, $"decay.from needs a timestamp field, got '{path}'");
                from = null;
            }
        }

        TimeSpan? halfLife = null;
        if (CompileContext.Get(mapping, "half_life") is { } halfLifeNode && context.Duration(halfLifeNode) is { } duration)
        {
            if (duration <= TimeSpan.Zero)
            {
                // 0.5 ^ (age / 0) has no meaning.
                context.Error(halfLifeNode, ErrorCodes.BadDuration, $"half_life must be longer than 0, was {((YamlScalar)halfLifeNode).Text}");
            }
            else
            {
                halfLife = duration;
            }
        }

        return ok && from is not null && halfLife is { } h ? new Decay { From = from, HalfLife = h } : null;
    }
}
