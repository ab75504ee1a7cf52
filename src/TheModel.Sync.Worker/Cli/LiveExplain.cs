using System.Text.Encodings.Web;
using System.Text.Json;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// <c>explain --person CRM:ID</c> without <c>--config</c>: the person's last decisions from the decision log (the live
/// log in Redis, or <c>--decisions FILE</c>), in plain words, newest last.
/// </summary>
internal static class LiveExplain
{
    /// <summary>
    /// A live person reference: <c>salesforce:ID</c> or <c>hubspot:ID</c>, the CRM name in any case, the id without
    /// spaces. Anything else (JSON, <c>@FILE</c>, a bare id) is not one.
    /// </summary>
    public static bool TryParsePerson(string text, out string crm, out string id)
    {
        crm = id = string.Empty;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var name = text[..colon].Trim().ToLowerInvariant();
        var rest = text[(colon + 1)..].Trim();
        if (name is not ("salesforce" or "hubspot") || rest.Length == 0 || rest.Any(char.IsWhiteSpace))
        {
            return false;
        }

        crm = name;
        id = name == "salesforce" && rest.Length == 15 && SalesforceIds.LooksLikeId(rest) ? SalesforceIds.To18(rest) : rest;
        return true;
    }

    public static async Task<int> RunAsync(
        string personText,
        string? decisionsPath,
        int last,
        bool asJson,
        IReadOnlyList<string> settings,
        TextWriter stdout,
        TextWriter errors,
        CancellationToken cancellationToken)
    {
        if (!TryParsePerson(personText, out var crm, out var id))
        {
            errors.WriteLine($"error: --person '{personText}' is not CRM:ID (e.g. hubspot:1344 or salesforce:00Q5g00000AbCdEEAV); without --config, explain reads the decision log and needs one");
            return CliSupport.ExitError;
        }

        if (last < 1)
        {
            errors.WriteLine($"error: --last must be at least 1, was {last}");
            return CliSupport.ExitError;
        }

        // A cheap text test first: of a million lines only the person's few are parsed.
        var needle = $"\"person\":\"{JsonEncodedText.Encode(id, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
        var found = new Queue<string>(last + 1);
        var searched = 0L;
        var matches = 0L;
        try
        {
            await foreach (var line in DecisionLogSource.Lines(decisionsPath, settings, null, null, cancellationToken))
            {
                searched++;
                if (!line.Contains(needle, StringComparison.Ordinal) || !IsFor(line, crm, id))
                {
                    continue;
                }

                matches++;
                found.Enqueue(line);
                if (found.Count > last)
                {
                    found.Dequeue();
                }
            }
        }
        catch (DecisionLogUnavailableException ex)
        {
            errors.WriteLine("error: " + ex.Message);
            return CliSupport.ExitError;
        }

        var where = decisionsPath ?? DecisionLogSource.Describe(DecisionLogSource.Settings(settings));
        if (found.Count == 0)
        {
            errors.WriteLine($"error: no decisions for {crm}:{id} in the decision log ({where}; {searched} line{(searched == 1 ? string.Empty : "s")} searched)");
            return CliSupport.ExitError;
        }

        if (asJson)
        {
            foreach (var line in found)
            {
                await stdout.WriteLineAsync(line);
            }

            return CliSupport.ExitOk;
        }

        await stdout.WriteLineAsync(
            found.Count == matches
                ? $"{crm}:{id}: {matches} decision{(matches == 1 ? string.Empty : "s")}, newest last ({where}; {searched} lines searched)"
                : $"{crm}:{id}: the last {found.Count} of {matches} decisions, newest last ({where}; {searched} lines searched)");
        foreach (var line in found)
        {
            await stdout.WriteLineAsync();
            using var doc = JsonDocument.Parse(line);
            await stdout.WriteAsync(LiveExplainText.Render(doc.RootElement));
        }

        return CliSupport.ExitOk;
    }

    private static bool IsFor(string line, string crm, string id)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("person", out var p) && p.ValueKind == JsonValueKind.String && p.GetString() == id
                && root.TryGetProperty("crm", out var c) && c.ValueKind == JsonValueKind.String && string.Equals(c.GetString(), crm, StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
