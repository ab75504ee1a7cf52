using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>Resolving canonical field names as the config writes them, with the shared "unknown field" message.</summary>
internal static class FieldNames
{
    public static string Unknown(string path) => $"unknown field '{path}'{Suggestions.Hint(path, CanonicalFields.AllPaths)}";

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
