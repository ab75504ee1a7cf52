using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// The ids of one kind (teams, members, lists...) with where each was first defined. A definition that had errors is
/// still declared, so that references to it resolve quietly instead of adding a cascade of "unknown" errors.
/// </summary>
internal sealed class SymbolTable<T>(string kind)
    where T : class
{
    private readonly Dictionary<string, (T? Value, Mark At)> _items = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>How messages name the kind: "team", "member", "routing rule".</summary>
    public string Kind { get; } = kind;

    public IReadOnlyList<string> Ids => _order;

    public int Count => _order.Count;

    /// <summary>Declares an id; a second definition is reported (TM0015) and ignored.</summary>
    public bool Declare(CompileContext context, YamlNode at, string id, T? value, string idWord = "id")
    {
        if (_items.TryGetValue(id, out var first))
        {
            // The same node again is a YAML alias (*name) repeating the anchored definition: say so, not "first
            // defined" at the very position being reported.
            context.Error(at, ErrorCodes.DuplicateId, first.At == at.Start
                ? $"duplicate {Kind} {idWord} '{id}': a YAML alias repeats the definition anchored here; an id is defined once"
                : $"duplicate {Kind} {idWord} '{id}' (first defined at {Format(first.At)})");
            return false;
        }

        _items[id] = (value, at.Start);
        _order.Add(id);
        return true;
    }

    /// <summary>Gives a declared id its compiled value (ids declared first so that definitions can refer to each other).</summary>
    public void Update(string id, T value)
    {
        if (_items.TryGetValue(id, out var item))
        {
            _items[id] = (value, item.At);
        }
    }

    public bool Contains(string id) => _items.ContainsKey(id);

    /// <summary>True when declared; <paramref name="value"/> is null when the definition was broken.</summary>
    public bool TryGet(string id, out T? value)
    {
        if (_items.TryGetValue(id, out var item))
        {
            value = item.Value;
            return true;
        }

        value = null;
        return false;
    }

    public T? Find(string id) => _items.TryGetValue(id, out var item) ? item.Value : null;

    public IEnumerable<T> Values => _order.Select(id => _items[id].Value).OfType<T>();

    private static string Format(Mark mark) => $"{mark.File}:{mark.Line}:{mark.Column}";
}
