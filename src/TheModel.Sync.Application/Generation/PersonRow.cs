namespace TheModel.Sync.Application.Generation;

/// <summary>
/// One generated person, reused from line to line so that generating a million persons keeps nothing but the current
/// one. Instants are Unix seconds (<see cref="IsoTime.None"/> when missing), written in the person's <see cref="Zone"/>.
/// </summary>
internal sealed class PersonRow
{
    public string Id { get; set; } = string.Empty;

    public string? Crm { get; set; }

    public string? Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Title { get; set; }

    public string? Phone { get; set; }

    public string? Company { get; set; }

    public string? Country { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public int? Employees { get; set; }

    public long? AnnualRevenue { get; set; }

    public string? Industry { get; set; }

    public string? Source { get; set; }

    public string Stage { get; set; } = "new";

    public long StageEnteredAt { get; set; } = IsoTime.None;

    public string? RecycleReason { get; set; }

    public string? RecycleRule { get; set; }

    public long RecheckAt { get; set; } = IsoTime.None;

    public string? Owner { get; set; }

    public long OwnerSetAt { get; set; } = IsoTime.None;

    public string? OwnerSetBy { get; set; }

    /// <summary>Member ids, most recent last.</summary>
    public List<string> PreviousOwners { get; } = new(4);

    public long CreatedAt { get; set; } = IsoTime.None;

    public long UpdatedAt { get; set; } = IsoTime.None;

    public long LastTouchAt { get; set; } = IsoTime.None;

    public int Touches { get; set; }

    /// <summary>An account id the person names directly (matching is then skipped).</summary>
    public string? Account { get; set; }

    public Zone Zone { get; set; }

    public string? LastForm { get; set; }

    public long LastFormAt { get; set; } = IsoTime.None;

    public int? PricingViews { get; set; }

    public string? LastEvent { get; set; }

    public long LastEventAt { get; set; } = IsoTime.None;

    public string? Intent { get; set; }

    public bool HasFields => LastForm is not null || LastFormAt != IsoTime.None || PricingViews is not null
        || LastEvent is not null || LastEventAt != IsoTime.None || Intent is not null;

    public void Clear()
    {
        Id = string.Empty;
        Crm = Email = FirstName = LastName = Title = Phone = Company = Country = State = PostalCode = null;
        Employees = null;
        AnnualRevenue = null;
        Industry = Source = null;
        Stage = "new";
        StageEnteredAt = RecheckAt = OwnerSetAt = CreatedAt = UpdatedAt = LastTouchAt = LastFormAt = LastEventAt = IsoTime.None;
        RecycleReason = RecycleRule = Owner = OwnerSetBy = Account = null;
        PreviousOwners.Clear();
        Touches = 0;
        Zone = Zone.Utc;
        LastForm = LastEvent = Intent = null;
        PricingViews = null;
    }
}
