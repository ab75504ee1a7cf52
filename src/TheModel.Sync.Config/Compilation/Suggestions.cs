using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>The compiler's "did you mean" hints (the matching itself is <see cref="NameSuggestions"/>).</summary>
internal static class Suggestions
{
    /// <summary>The candidate closest to <paramref name="value"/>, or null when none is close enough to help.</summary>
    public static string? Closest(string value, IEnumerable<string> candidates) => NameSuggestions.Closest(value, candidates);

    /// <summary>"; did you mean `X`?" or an empty string.</summary>
    public static string Hint(string value, IEnumerable<string> candidates) =>
        Closest(value, candidates) is { } close ? $"; did you mean `{close}`?" : string.Empty;
}
