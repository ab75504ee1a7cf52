namespace TheModel.Sync.Core.Records;

/// <summary>
/// A canonical person (Salesforce Lead or Contact, HubSpot contact) as read from a CRM or an input file (section 2).
/// Immutable: an evaluation works on its own copy of the fields it may change.
/// </summary>
public sealed class Person
{
    public required string Id { get; init; }

    public string? Crm { get; init; }

    public string? Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Title { get; init; }

    public string? Phone { get; init; }

    public string? Company { get; init; }

    /// <summary>The domain given in the input; used only when neither website nor email yields one.</summary>
    public string? Domain { get; init; }

    public string? Website { get; init; }

    public string? Country { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public double? Employees { get; init; }

    public double? AnnualRevenue { get; init; }

    public string? Industry { get; init; }

    public string? Source { get; init; }

    /// <summary>The canonical stage; a record without one is <c>new</c>.</summary>
    public Stage? Stage { get; init; }

    public DateTimeOffset? StageEnteredAt { get; init; }

    public string? RecycleReason { get; init; }

    public string? RecycleRule { get; init; }

    public DateTimeOffset? RecheckAt { get; init; }

    /// <summary>A member id, a queue key, or a CRM owner id (resolved through the members' and queues' CRM ids).</summary>
    public string? Owner { get; init; }

    public DateTimeOffset? OwnerSetAt { get; init; }

    /// <summary>
    /// Who last set the owner: <c>service</c> when this service did; anything else (a user's name or id) is a manual change.
    /// An addition to section 2 that carries the manual-owner guard's input.
    /// </summary>
    public string? OwnerSetBy { get; init; }

    /// <summary>The <see cref="OwnerSetBy"/> value meaning this service set the owner (anything else is a human's change).</summary>
    public const string ServiceWriter = "service";

    public IReadOnlyList<string>? PreviousOwners { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? LastTouchAt { get; init; }

    public double? Touches { get; init; }

    /// <summary>An account id named by the input; when present it is the person's account and matching is skipped.</summary>
    public string? AccountId { get; init; }

    /// <summary>Custom fields (<c>fields.NAME</c>), by exact name.</summary>
    public IReadOnlyDictionary<string, Value>? Fields { get; init; }
}

/// <summary>A canonical account (Salesforce Account, HubSpot company).</summary>
public sealed class Account
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Domain { get; init; }

    public string? Website { get; init; }

    /// <summary>A member id or a CRM owner id; resolved like a person's owner.</summary>
    public string? Owner { get; init; }

    /// <summary><c>prospect</c>, <c>customer</c>, <c>partner</c> or <c>former_customer</c>.</summary>
    public string? Type { get; init; }

    public double? Employees { get; init; }

    public double? AnnualRevenue { get; init; }

    public string? Country { get; init; }

    public string? Industry { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public IReadOnlyDictionary<string, Value>? Fields { get; init; }

    public static IReadOnlyList<string> Types { get; } = ["prospect", "customer", "partner", "former_customer"];
}

/// <summary>A canonical opportunity (Salesforce Opportunity, HubSpot deal).</summary>
public sealed class Opportunity
{
    public required string Id { get; init; }

    public string? Account { get; init; }

    public string? Owner { get; init; }

    public string? Stage { get; init; }

    public double? Amount { get; init; }

    public bool? IsClosed { get; init; }

    public bool? IsWon { get; init; }

    public DateTimeOffset? CloseDate { get; init; }

    public string? LossReason { get; init; }
}
