using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.OutboundMessages;

/// <summary>
/// Salesforce record Id helpers (facts file S-9). A 15-character Id is case-sensitive; the 18-character
/// form appends a 3-character, case-insensitive checksum that encodes the case of the first 15 characters.
/// Always compare Ids in their 18-character form.
/// </summary>
internal static class SalesforceId
{
    /// <summary>
    /// Returns the canonical 18-character form: the 15 case-sensitive characters plus the upper-case checksum.
    /// An 18-character input must carry the matching checksum (compared case-insensitively).
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a 15- or 18-character alphanumeric Id, or its checksum does not match.</exception>
    public static string To18(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!TryTo18(id, out var canonical))
        {
            throw new ArgumentException("Not a valid 15- or 18-character Salesforce Id.", nameof(id));
        }

        return canonical;
    }

    /// <summary>Non-throwing form of <see cref="To18"/>.</summary>
    public static bool TryTo18(string? id, out string canonical) => SalesforceIds.TryCanonical(id, out canonical);
}
