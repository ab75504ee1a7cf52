using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>Resolving canonical field names as the config writes them, with the shared "unknown field" message.</summary>
internal static class FieldNames
{
    public static string Unknown(string path) => $"unknown field '{path}'{SameNameElsewhere(path) ?? Suggestions.Hint(path, CanonicalFields.AllPaths)}";

    private static readonly string[] Scopes = ["person.", "account.", "opportunity."];

    /// <summary>
    /// A field that exists under the same name on another record (<c>account.score</c>: the score is the person's;
    /// <c>type</c>: the type is the account's): a hint naming it, which spelling distance would miss
    /// (<c>account.score</c> is closest to <c>account.name</c>). Null when there is none.
    /// </summary>
    private static string? SameNameElsewhere(string path)
    {
        var name = path;
        foreach (var scope in Scopes)
        {
            if (path.StartsWith(scope, StringComparison.Ordinal))
            {
                name = path[scope.Length..];
                break;
            }
        }

        var found = new[] { name, "account." + name, "opportunity." + name }
            .Where(p => p != path && CanonicalFields.TryResolve(p, out var f) && f.CustomName is null)
            .Select(p => $"`{p}`")
            .ToList();
        return found.Count == 0 ? null : $"; did you mean {string.Join(" or ", found)}?";
    }

    /// <summary>Resolves a field name (TM0025 otherwise) and enforces where <c>opportunity.*</c> may be read (TM0049).</summary>
    public static FieldRef? Resolve(CompileContext context, YamlNode at, string path, bool allowOpportunity)
    {
        if (!CanonicalFields.TryResolve(path, out var field))
        {
            context.Error(at, ErrorCodes.UnknownField, Unknown(path));
            return null;
        }

        if (field.Scope == FieldScope.Opportunity && !allowOpportunity)
        {
            context.Error(at, ErrorCodes.OpportunityOutsideLostRule, $"{path} is only available in recycle rules with on: opportunity_lost");
            return null;
        }

        if (field.CustomName is { } custom)
        {
            (field.Scope == FieldScope.Account ? context.CustomAccountFields : context.CustomPersonFields).Add(custom);
        }

        return field;
    }
}
