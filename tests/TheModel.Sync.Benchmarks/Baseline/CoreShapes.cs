using System.Reflection;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// Reads the parts of compiled Core objects that Core keeps private: the alternatives of an <c>any</c>, the inner
/// condition of a <c>not</c> and the entries of a named list. Found by field type, not name, and checked: a change in
/// Core fails the benchmark loudly instead of translating wrongly. (Core could expose these; see the README.)
/// </summary>
internal static class CoreShapes
{
    private static readonly FieldInfo AnyItems = Single(typeof(AnyCondition), f => typeof(IEnumerable<Condition>).IsAssignableFrom(f.FieldType));
    private static readonly FieldInfo NotInner = Single(typeof(NotCondition), f => f.FieldType == typeof(Condition));
    private static readonly FieldInfo ListEntries = Single(typeof(NamedList), f => f.FieldType == typeof(HashSet<string>));

    public static IReadOnlyList<Condition> Items(AnyCondition any) => [.. (IEnumerable<Condition>)AnyItems.GetValue(any)!];

    public static Condition Inner(NotCondition not) => (Condition)NotInner.GetValue(not)!;

    public static IReadOnlyCollection<string> Entries(NamedList list)
    {
        var entries = (HashSet<string>)ListEntries.GetValue(list)!;
        if (entries.Count != list.Count)
        {
            throw new BenchmarkFailure($"list {list.Id}: read {entries.Count} entries, the list says {list.Count}");
        }

        return entries;
    }

    private static FieldInfo Single(Type type, Func<FieldInfo, bool> match)
    {
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public).Where(match).ToList();
        return fields.Count == 1
            ? fields[0]
            : throw new BenchmarkFailure($"{type.Name}: expected one field to read, found {fields.Count}; Core changed shape");
    }
}
