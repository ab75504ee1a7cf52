namespace TheModel.Sync.Core.Calendars;

/// <summary>
/// Maps between UTC instants and a zone's wall clock without exceptions or allocations.
/// All values are DateTime ticks: UTC ticks for instants, "local ticks" for wall-clock readings.
/// </summary>
internal static class ZoneClock
{
    private const long TicksPerDay = TimeSpan.TicksPerDay;
    private static readonly long MaxTicks = DateTime.MaxValue.Ticks;

    /// <summary>The zone's UTC offset (in ticks) at a UTC instant; instants past DateTime's range use the edge.</summary>
    internal static long OffsetAt(TimeZoneInfo zone, long utcTicks)
    {
        var clamped = Math.Clamp(utcTicks, 0, MaxTicks);
        return zone.GetUtcOffset(new DateTime(clamped, DateTimeKind.Utc)).Ticks;
    }

    /// <summary>The wall-clock reading (local ticks) at a UTC instant, kept inside DateTime's range.</summary>
    internal static long LocalTicks(TimeZoneInfo zone, long utcTicks) =>
        Math.Clamp(utcTicks + OffsetAt(zone, utcTicks), 0, MaxTicks);

    /// <summary>
    /// The real instant of a wall-clock reading. A reading that never happens (the spring-forward gap)
    /// maps to the first instant after the gap; a reading that happens twice (fall-back) maps to the
    /// earlier instant. <see cref="TimeZoneInfo.ConvertTimeToUtc(DateTime, TimeZoneInfo)"/> is avoided
    /// because it throws on gap readings and silently picks the standard-time occurrence of repeats.
    /// </summary>
    internal static long ToUtcTicks(TimeZoneInfo zone, long localTicks)
    {
        // The offsets a day either side bracket any transition near this reading (zones change
        // offset at most once within two days), so each is a candidate for the reading's own offset.
        var before = OffsetAt(zone, localTicks - TicksPerDay);
        var after = OffsetAt(zone, localTicks + TicksPerDay);
        var viaBefore = localTicks - before;
        var beforeHolds = OffsetAt(zone, viaBefore) == before;
        if (before == after && beforeHolds)
        {
            return viaBefore;
        }

        var viaAfter = localTicks - after;
        var afterHolds = OffsetAt(zone, viaAfter) == after;
        if (beforeHolds && afterHolds)
        {
            return Math.Min(viaBefore, viaAfter);
        }

        if (beforeHolds)
        {
            return viaBefore;
        }

        if (afterHolds)
        {
            return viaAfter;
        }

        return FirstInstantAfterGap(zone, Math.Min(viaBefore, viaAfter), Math.Max(viaBefore, viaAfter));
    }

    // The transition itself is the first real instant once the skipped readings are over; tzdata does not
    // expose it directly, so bisect between an instant still on the old offset and one already on the new.
    private static long FirstInstantAfterGap(TimeZoneInfo zone, long low, long high)
    {
        var oldOffset = OffsetAt(zone, low);
        if (OffsetAt(zone, high) == oldOffset)
        {
            return high;
        }

        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (OffsetAt(zone, middle) == oldOffset)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }
}
