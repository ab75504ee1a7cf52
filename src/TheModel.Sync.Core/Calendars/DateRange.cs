namespace TheModel.Sync.Core.Calendars;

/// <summary>An inclusive range of local dates (away periods, holidays). A single date has Start == End.</summary>
public readonly record struct DateRange(DateOnly Start, DateOnly End)
{
    public static DateRange Single(DateOnly date) => new(date, date);

    public bool Contains(DateOnly d) => Start <= d && d <= End;

    // The config spelling (2026-12-28 or 2026-12-28..2027-01-04), so it round-trips through the parser.
    public override string ToString() =>
        Start == End ? Format(Start) : $"{Format(Start)}..{Format(End)}";

    private static string Format(DateOnly date) =>
        date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
