using System.Reflection;
using System.Text;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// Maps every canonical person and account field (section 2) onto a <see cref="RoutingInput"/> property: <c>country</c>
/// → <c>Country</c> and <c>CountryU</c>, <c>account.type</c> → <c>AccountType</c>, <c>stage_entered_at</c> →
/// <c>StageEnteredAt</c>. Checked at start-up: a canonical field without its property fails the benchmark.
/// </summary>
internal static class InputSlots
{
    public sealed record Slot(FieldRef Field, Action<RoutingInput, Value> Fill);

    /// <summary>One slot per canonical person and account field (not opportunity fields, not custom fields).</summary>
    public static IReadOnlyList<Slot> All { get; } = Build();

    public static int KindOf(FieldType type) => type switch
    {
        FieldType.String or FieldType.Stage => FieldView.StringKind,
        FieldType.Number => FieldView.NumberKind,
        FieldType.Time => FieldView.TimeKind,
        FieldType.Bool => FieldView.BoolKind,
        FieldType.List => FieldView.ListKind,
        _ => throw new NotSupportedException($"field type {type}"),
    };

    public static string PropertyName(FieldRef field)
    {
        var path = field.Path;
        var prefix = string.Empty;
        if (path.StartsWith("person.", StringComparison.Ordinal))
        {
            path = path["person.".Length..];
        }
        else if (path.StartsWith("account.", StringComparison.Ordinal))
        {
            path = path["account.".Length..];
            prefix = "Account";
        }

        var sb = new StringBuilder(prefix);
        foreach (var part in path.Split('_'))
        {
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        return sb.ToString();
    }

    private static List<Slot> Build()
    {
        var slots = new List<Slot>();
        var seen = new HashSet<(FieldScope, FieldId)>();
        foreach (var path in CanonicalFields.AllPaths.Order(StringComparer.Ordinal))
        {
            if (!CanonicalFields.TryResolve(path, out var field) || field.Scope == FieldScope.Opportunity || field.Id == FieldId.Custom)
            {
                continue;
            }

            if (path.StartsWith("person.", StringComparison.Ordinal) || !seen.Add((field.Scope, field.Id)))
            {
                continue;
            }

            slots.Add(new Slot(field, Filler(field)));
        }

        return slots;
    }

    private static Action<RoutingInput, Value> Filler(FieldRef field)
    {
        var name = PropertyName(field);
        switch (KindOf(field.Type))
        {
            case FieldView.StringKind:
                var raw = Setter<string?>(name);
                var upper = Setter<string?>(name + "U");
                return (x, v) =>
                {
                    var s = v.Kind == ValueKind.String ? v.AsString : v.IsMissing ? null : v.ToString();
                    raw(x, s);
                    upper(x, s?.ToUpperInvariant());
                };
            case FieldView.NumberKind:
                var number = Setter<double?>(name);
                return (x, v) => number(x, v.TryNumber(out var n) ? n : null);
            case FieldView.TimeKind:
                var time = Setter<long?>(name);
                return (x, v) => time(x, v.TryTicks(out var t) ? t : null);
            case FieldView.BoolKind:
                var flag = Setter<bool?>(name);
                return (x, v) => flag(x, v.TryBool(out var b) ? b : null);
            default:
                var items = Setter<string[]?>(name);
                var itemsUpper = Setter<string[]?>(name + "U");
                return (x, v) =>
                {
                    var list = v.Kind == ValueKind.List && v.AsList.Count > 0 ? v.AsList : null;
                    items(x, list is null ? null : [.. list]);
                    itemsUpper(x, list is null ? null : [.. list.Select(s => s.ToUpperInvariant())]);
                };
        }
    }

    private static Action<RoutingInput, T> Setter<T>(string name)
    {
        var property = typeof(RoutingInput).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property?.SetMethod is not { } set || property.PropertyType != typeof(T))
        {
            throw new BenchmarkFailure($"RoutingInput has no property {typeof(T).Name} {name}: a canonical field was added to Core");
        }

        return set.CreateDelegate<Action<RoutingInput, T>>();
    }
}
