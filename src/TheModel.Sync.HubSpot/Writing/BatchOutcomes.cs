using System.Text.RegularExpressions;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Writing;

/// <summary>What one input of a batch came to.</summary>
internal readonly record struct InputOutcome(WriteStatus Status, string? Error = null, string? CrmId = null)
{
    public static InputOutcome Written(string? crmId) => new(WriteStatus.Written, null, crmId);

    public static InputOutcome Failed(string error) => new(WriteStatus.Failed, error);

    public static InputOutcome Rejected(string error) => new(WriteStatus.Rejected, error);
}

/// <summary>
/// Maps a batch answer back to its inputs (crm-api-facts.md H-2): <c>results</c> are the inputs that worked; each 207
/// error names its inputs in <c>context</c> (<c>ids</c> for updates, <c>objectWriteTraceId</c> for creates).
/// </summary>
internal static partial class BatchOutcomes
{
    private static readonly string[] ContextKeys = ["ids", "id", "objectWriteTraceId", "objectWriteTraceIds"];

    /// <summary>
    /// <paramref name="keyOf"/> gives the input key a result belongs to (or null when it cannot tell). Inputs neither
    /// in the results nor in an error fail with the unmatched errors' messages, or with "absent" when there are none.
    /// </summary>
    public static Dictionary<string, InputOutcome> Map(
        IReadOnlyCollection<string> inputKeys,
        BatchResponse response,
        Func<HubSpotObject, string?> keyOf,
        bool isCreate,
        out int missing)
    {
        var outcomes = new Dictionary<string, InputOutcome>(StringComparer.Ordinal);
        var keys = new HashSet<string>(inputKeys, StringComparer.Ordinal);
        var unkeyedResults = 0;
        foreach (var result in response.Results)
        {
            if (keyOf(result) is { } key && keys.Contains(key))
            {
                outcomes[key] = InputOutcome.Written(result.Id);
            }
            else
            {
                unkeyedResults++;
            }
        }

        var unmatched = new List<BatchError>();
        foreach (var error in response.Errors ?? [])
        {
            var matched = false;
            foreach (var value in ContextValues(error))
            {
                if (keys.Contains(value) && !outcomes.ContainsKey(value))
                {
                    outcomes[value] = Classify(error, isCreate);
                    matched = true;
                }
            }

            if (!matched)
            {
                unmatched.Add(error);
            }
        }

        var rest = inputKeys.Where(k => !outcomes.ContainsKey(k)).ToList();
        missing = 0;
        if (rest.Count > 0 && unmatched.Count == 0 && unkeyedResults == rest.Count)
        {
            // Results that carry neither trace id nor key still account for exactly the inputs left: all of them worked.
            foreach (var key in rest)
            {
                outcomes[key] = InputOutcome.Written(null);
            }
        }
        else if (rest.Count > 0)
        {
            var reason = unmatched.Count > 0
                ? string.Join("; ", unmatched.Select(Describe))
                : "HubSpot's answer mentioned it neither in its results nor in its errors";
            missing = unmatched.Count == 0 ? rest.Count : 0;
            foreach (var key in rest)
            {
                outcomes[key] = InputOutcome.Failed(reason);
            }
        }

        return outcomes;
    }

    /// <summary>
    /// OBJECT_NOT_FOUND and VALIDATION_ERROR (and a unique-value CONFLICT on update) will not change on retry:
    /// Rejected. A CONFLICT on create names the object that already holds the unique key: that earlier attempt
    /// did the work, so the input is Written with that id. Everything else may pass later: Failed.
    /// </summary>
    public static InputOutcome Classify(BatchError error, bool isCreate)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Category switch
        {
            "CONFLICT" when isCreate && ExistingId(error.Message) is { } existing => InputOutcome.Written(existing),
            "OBJECT_NOT_FOUND" or "VALIDATION_ERROR" or "CONFLICT" => InputOutcome.Rejected(Describe(error)),
            _ => InputOutcome.Failed(Describe(error)),
        };
    }

    /// <summary>The id in HubSpot's "… already exists. Existing ID: 123" message.</summary>
    public static string? ExistingId(string? message)
    {
        var match = message is null ? null : ExistingIdPattern().Match(message);
        return match is { Success: true } ? match.Groups[1].Value : null;
    }

    public static string Describe(BatchError error) => $"{error.Category ?? "ERROR"}: {error.Message}";

    private static IEnumerable<string> ContextValues(BatchError error)
    {
        if (error.Context is null)
        {
            yield break;
        }

        foreach (var key in ContextKeys)
        {
            if (error.Context.TryGetValue(key, out var values))
            {
                foreach (var value in values)
                {
                    yield return value;
                }
            }
        }
    }

    [GeneratedRegex(@"Existing ID:\s*(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ExistingIdPattern();
}
