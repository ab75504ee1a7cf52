namespace TheModel.Sync.Core.Calendars;

/// <summary>
/// A working-hours interval [Start, End) in local time of day. End may be 24:00 (<c>TimeSpan.FromHours(24)</c>).
/// </summary>
public readonly record struct TimeRange(TimeSpan Start, TimeSpan End)
{
    internal static readonly TimeSpan EndOfDay = TimeSpan.FromDays(1);

    /// <summary>Wall-clock length; the real length differs on a day when the clocks change.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>True when the range can stand in a calendar: 00:00 &lt;= Start &lt; End &lt;= 24:00.</summary>
    public bool IsValid => Start >= TimeSpan.Zero && End <= EndOfDay && Start < End;

    public bool Contains(TimeSpan timeOfDay) => Start <= timeOfDay && timeOfDay < End;

    // The config spelling, so decision records and error messages read like the YAML that produced them.
    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    internal static string Format(TimeSpan time)
    {
        var hours = (int)Math.Floor(time.TotalHours);
        return $"{hours:00}:{time.Minutes:00}";
    }
}
