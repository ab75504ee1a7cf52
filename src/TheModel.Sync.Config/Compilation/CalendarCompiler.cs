using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Calendars;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>calendars: { ID: { tz, hours: { DAYS: "09:00-18:00" | [ranges] }, holidays: [dates or ranges] } }</c>.</summary>
internal static class CalendarCompiler
{
    public static void Compile(CompileContext context, YamlNode section)
    {
        if (context.Mapping(section) is not { } calendars)
        {
            return;
        }

        foreach (var (key, value) in calendars.Entries)
        {
            if (context.IsMergeKey(key, "calendars"))
            {
                continue;
            }

            var id = context.Id(key) ?? key.Text;
            context.Calendars.Declare(context, key, id, CompileOne(context, id, value));
        }
    }

    private static BusinessCalendar CompileOne(CompileContext context, string id, YamlNode node)
    {
        // A broken calendar is replaced by an empty one in UTC so that members and teams naming it still resolve;
        // the config is rejected anyway, so the stand-in is never used to route.
        var placeholder = new BusinessCalendar(id, TimeZoneInfo.Utc, new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>(), []);
        if (context.Mapping(node) is not { } mapping)
        {
            return placeholder;
        }

        context.CheckKeys(mapping, KnownKeys.Calendar, "calendar");
        var ok = context.Require(mapping, $"calendar '{id}'", "tz", "hours");

        TimeZoneInfo? zone = null;
        if (CompileContext.Get(mapping, "tz") is { } tzNode && context.Text(tzNode) is { } tz)
        {
            if (!CalendarParsing.TryFindZone(tz, out zone, out var error))
            {
                context.Error(tzNode, ErrorCodes.BadTimeZone, error);
                ok = false;
            }
        }

        var hours = new Dictionary<DayOfWeek, List<TimeRange>>();
        if (CompileContext.Get(mapping, "hours") is { } hoursNode)
        {
            ok &= ReadHours(context, hoursNode, hours);
        }

        var holidays = new List<DateRange>();
        if (CompileContext.Get(mapping, "holidays") is { } holidaysNode)
        {
            ok &= ReadDates(context, holidaysNode, holidays);
        }

        if (!ok || zone is null)
        {
            return placeholder;
        }

        var weekly = hours.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<TimeRange>)kv.Value);
        return new BusinessCalendar(id, zone, weekly, holidays);
    }

    private static bool ReadHours(CompileContext context, YamlNode node, Dictionary<DayOfWeek, List<TimeRange>> hours)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return false;
        }

        var ok = true;
        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, "hours"))
            {
                ok = false;
                continue;
            }

            IReadOnlyList<DayOfWeek> days = [];
            if (!CalendarParsing.TryParseDays(key.Text, out days, out var dayError))
            {
                context.Error(key, ErrorCodes.BadHours, dayError);
                ok = false;
            }

            var ranges = new List<TimeRange>();
            IReadOnlyList<YamlNode> items = value switch
            {
                YamlSequence sequence => sequence.Items,
                YamlScalar { IsNull: false } => [value],
                _ => [],
            };
            if (value is not (YamlSequence or YamlScalar { IsNull: false }))
            {
                context.Error(value, ErrorCodes.WrongShape, $"expected a time range such as 09:00-18:00 or a list of them, got {CompileContext.Describe(value)}");
                ok = false;
            }

            foreach (var item in items)
            {
                if (context.Text(item) is not { } text)
                {
                    ok = false;
                }
                else if (CalendarParsing.TryParseTimeRange(text, out var range, out var rangeError))
                {
                    ranges.Add(range);
                }
                else
                {
                    context.Error(item, ErrorCodes.BadHours, rangeError);
                    ok = false;
                }
            }

            // Two keys naming the same day (mon-fri and mon) add up: the day works in both sets of hours.
            foreach (var day in days)
            {
                if (!hours.TryGetValue(day, out var list))
                {
                    hours[day] = list = [];
                }

                list.AddRange(ranges);
            }
        }

        return ok;
    }

    /// <summary>A list of dates or inclusive ranges (holidays, a member's away days), each checked on its own (TM0031).</summary>
    public static bool ReadDates(CompileContext context, YamlNode node, List<DateRange> dates)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return false;
        }

        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (context.Text(item) is not { } text)
            {
                ok = false;
            }
            else if (CalendarParsing.TryParseDateOrRange(text, out var range, out var error))
            {
                dates.Add(range);
            }
            else
            {
                context.Error(item, ErrorCodes.BadDate, error);
                ok = false;
            }
        }

        return ok;
    }
}
