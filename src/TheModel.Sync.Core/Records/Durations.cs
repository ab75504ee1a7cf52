using System.Globalization;

namespace TheModel.Sync.Core.Records;

/// <summary>Durations of the language: <c>30s</c>, <c>15m</c>, <c>4h</c>, <c>2d</c>, <c>12w</c>; elapsed time, whatever the calendar does.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }

        var unit = text[^1];
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000)
        {
            return false;
        }

        long seconds = unit switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            'd' => n * 86_400,
            'w' => n * 7 * 86_400,
            _ => -1,
        };
        if (seconds < 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Writes a duration in the largest unit that divides it.</summary>
    public static string Format(TimeSpan d)
    {
        var s = (long)d.TotalSeconds;
        if (s != 0 && s % (7 * 86_400) == 0)
        {
            return (s / (7 * 86_400)).ToString(CultureInfo.InvariantCulture) + "w";
        }

        if (s != 0 && s % 86_400 == 0)
        {
            return (s / 86_400).ToString(CultureInfo.InvariantCulture) + "d";
        }

        if (s != 0 && s % 3600 == 0)
        {
            return (s / 3600).ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (s != 0 && s % 60 == 0)
        {
            return (s / 60).ToString(CultureInfo.InvariantCulture) + "m";
        }

        return s.ToString(CultureInfo.InvariantCulture) + "s";
    }
}
