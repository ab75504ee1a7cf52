using System.Globalization;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// What the section compilers share: the diagnostics, the symbol tables of everything defined so far, and the small
/// readers that check one YAML node's shape. Every reader reports its own error and returns null, so a caller only
/// has to skip what it could not read; it never has to report again (no duplicate or cascading messages).
/// </summary>
internal sealed class CompileContext(DiagnosticBag diagnostics)
{
    /// <summary>The <c>where</c> of keys in a file's root mapping.</summary>
    public const string TopLevel = "top level";

    // Unknown keys already reported, with the known key each was taken for (null: no close one).
    private readonly Dictionary<YamlScalar, string?> _misspelled = new(ReferenceEqualityComparer.Instance);

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>
    /// True when a file of the config could not be read (its syntax error is reported): whatever it defined is unknown,
    /// so a reference to an id nobody defined is not reported, since the lost file may well define it.
    /// </summary>
    public bool SomeFileUnread { get; set; }

    public SymbolTable<BusinessCalendar> Calendars { get; } = new("calendar");

    public SymbolTable<Team> Teams { get; } = new("team");

    public SymbolTable<Member> Members { get; } = new("member");

    public SymbolTable<OwnerQueue> Queues { get; } = new("queue");

    public SymbolTable<NamedList> Lists { get; } = new("list");

    public SymbolTable<Segment> Segments { get; } = new("segment");

    public SymbolTable<RoutingRule> RoutingRules { get; } = new("routing rule");

    /// <summary>CRM user, owner and queue ids, which must each name one member or queue.</summary>
    public SymbolTable<object> SalesforceIds { get; } = new("Salesforce");

    public SymbolTable<object> HubSpotIds { get; } = new("HubSpot");

    /// <summary>The CRMs configured under <c>crm:</c> whose stage mapping could be read, and the stages each maps.</summary>
    public List<(string Name, StageSet Mapped)> CrmStages { get; } = [];

    /// <summary>Custom person fields (<c>fields.NAME</c>) the rules read or set: the connectors read them from the CRM.</summary>
    public SortedSet<string> CustomPersonFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Custom account fields (<c>account.fields.NAME</c>) the rules read.</summary>
    public SortedSet<string> CustomAccountFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Members whose calendar could not be resolved: calendar-dependent checks skip them instead of guessing.</summary>
    public HashSet<Member> MembersWithUnresolvedCalendar { get; } = [];

    /// <summary>Every list file read, in the order first loaded, for the config version.</summary>
    public List<(string Name, byte[] Bytes)> ListFiles { get; } = [];

    /// <summary>The list files read, as full paths (the command line keeps its outputs off them).</summary>
    public List<string> ListFilePaths { get; } = [];

    public void Error(YamlNode at, string code, string message) => Diagnostics.Add(at, code, message);

    public static string Describe(YamlNode node) => node switch
    {
        YamlMapping => "a mapping",
        YamlSequence => "a list",
        YamlScalar { IsNull: true } => "null",
        YamlScalar s => $"'{s.Text}'",
        _ => "an unsupported node",
    };

    public YamlMapping? Mapping(YamlNode node)
    {
        if (node is YamlMapping mapping)
        {
            return mapping;
        }

        Error(node, ErrorCodes.WrongShape, $"expected a mapping, got {Describe(node)}");
        return null;
    }

    public YamlSequence? Sequence(YamlNode node)
    {
        if (node is YamlSequence sequence)
        {
            return sequence;
        }

        Error(node, ErrorCodes.WrongShape, $"expected a list, got {Describe(node)}");
        return null;
    }

    /// <summary>A scalar's text. Any non-null scalar is text here: the YAML type of <c>id: 2024</c> is no mistake.</summary>
    public string? Text(YamlNode node)
    {
        if (node is YamlScalar { IsNull: false } scalar)
        {
            return scalar.Text;
        }

        Error(node, ErrorCodes.WrongShape, $"expected a string, got {Describe(node)}");
        return null;
    }

    public bool? Bool(YamlNode node)
    {
        if (node is YamlScalar { Kind: ScalarKind.Bool } scalar && scalar.TryGetBool(out var value))
        {
            return value;
        }

        Error(node, ErrorCodes.WrongShape, $"expected true or false, got {Describe(node)}");
        return null;
    }

    public double? Number(YamlNode node)
    {
        if (TryNumber(node, out var value))
        {
            return value;
        }

        Error(node, ErrorCodes.WrongShape, $"expected a number, got {Describe(node)}");
        return null;
    }

    /// <summary>An unquoted YAML number (int or float per the core schema); quoted text is a string, not a number.</summary>
    public static bool TryNumber(YamlNode node, out double value)
    {
        value = 0;
        return node is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } scalar
            && scalar.TryGetDouble(out value)
            && double.IsFinite(value);
    }

    /// <summary>An integer of at least <paramref name="minimum"/>; the message names the key ("weight must be a positive integer, was 0").</summary>
    public long? Integer(YamlNode node, string name, long minimum)
    {
        if (Number(node) is not { } number)
        {
            return null;
        }

        if (number != Math.Floor(number) || number < minimum || number > int.MaxValue)
        {
            var rule = minimum > 0 ? "a positive integer" : "a non-negative integer";
            Error(node, ErrorCodes.BadNumber, $"{name} must be {rule}, was {((YamlScalar)node).Text}");
            return null;
        }

        return (long)number;
    }

    public TimeSpan? Duration(YamlNode node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        Error(node, ErrorCodes.BadDuration, $"invalid duration '{text}': expected a number and a unit s, m, h, d or w, e.g. 90d");
        return null;
    }

    public DateTimeOffset? Timestamp(YamlNode node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        if (Timestamps.TryParse(text, out var value))
        {
            return value;
        }

        Error(node, ErrorCodes.BadTimestamp, TimestampMessage(text));
        return null;
    }

    public static string TimestampMessage(string text) =>
        $"invalid timestamp '{text}': expected ISO 8601 with an offset, e.g. 2026-11-30T10:00:00+09:00";

    /// <summary>One of a fixed set of words (TM0029); returns its index or -1.</summary>
    public int Choice(YamlNode node, string what, IReadOnlyList<string> names)
    {
        if (Text(node) is not { } text)
        {
            return -1;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Error(node, ErrorCodes.UnknownValue, UnknownChoice(what, text, names));
        return -1;
    }

    public static string UnknownChoice(string what, string text, IReadOnlyList<string> names) =>
        $"unknown {what} '{text}'; expected one of {string.Join(", ", names)}{Suggestions.Hint(text, names)}";

    /// <summary>
    /// Reports keys the mapping kind does not allow (TM0010), with a hint for a near miss or a YAML 1.1 merge key; a key
    /// that belongs elsewhere (<paramref name="elsewhere"/>: key → where it goes) says where instead of guessing a name.
    /// </summary>
    public void CheckKeys(YamlMapping mapping, IReadOnlyList<string> known, string where, IReadOnlyDictionary<string, string>? elsewhere = null)
    {
        foreach (var (key, _) in mapping.Entries)
        {
            if (known.Contains(key.Text, StringComparer.Ordinal))
            {
                continue;
            }

            if (elsewhere is not null && elsewhere.TryGetValue(key.Text, out var place))
            {
                _misspelled[key] = null;
                Error(key, ErrorCodes.UnknownKey, $"unknown key '{key.Text}' in {where}; it {place}");
                continue;
            }

            UnknownKey(key, where, known);
        }
    }

    public void UnknownKey(YamlScalar key, string where, IEnumerable<string> known)
    {
        var suggestion = key.Text == "<<" ? null : Suggestions.Closest(key.Text, known);
        _misspelled[key] = suggestion;
        var hint = key.Text == "<<" ? "; merge keys (<<) are not part of YAML 1.2"
            : suggestion is null ? string.Empty : $"; did you mean `{suggestion}`?";
        var place = where == TopLevel ? "at the top level" : $"in {where}";
        Error(key, ErrorCodes.UnknownKey, $"unknown key '{key.Text}' {place}{hint}");
    }

    /// <summary>
    /// For mappings whose keys are names the config chooses (calendar ids, list ids, stage names): only a merge key
    /// is reported here, and the caller skips it.
    /// </summary>
    public bool IsMergeKey(YamlScalar key, string where)
    {
        if (key.Text != "<<")
        {
            return false;
        }

        UnknownKey(key, where, []);
        return true;
    }

    public static YamlNode? Get(YamlMapping mapping, string key)
    {
        foreach (var (k, v) in mapping.Entries)
        {
            if (k.Text == key)
            {
                return v;
            }
        }

        return null;
    }

    public static YamlScalar? KeyNode(YamlMapping mapping, string key)
    {
        foreach (var (k, _) in mapping.Entries)
        {
            if (k.Text == key)
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>
    /// Reports each required key that is absent ("routing rule 'x' is missing 'assign'"); false when any is. A key
    /// already reported as a misspelling of the required one ("asign") is not reported a second time as missing.
    /// </summary>
    public bool Require(YamlMapping mapping, string owner, params string[] keys)
    {
        var all = true;
        foreach (var key in keys)
        {
            if (KeyNode(mapping, key) is null)
            {
                if (!IsMisspelled(mapping, key))
                {
                    Error(mapping, ErrorCodes.MissingKey, $"{owner} is missing '{key}'");
                }

                all = false;
            }
        }

        return all;
    }

    /// <summary>True when an unknown key of the mapping was reported with <paramref name="key"/> as its suggestion.</summary>
    public bool IsMisspelled(YamlMapping mapping, string key) =>
        mapping.Entries.Any(e => _misspelled.TryGetValue(e.Key, out var suggestion) && suggestion == key);

    /// <summary>
    /// Reads an id and reports one that breaks the pattern (TM0014). The text is returned either way, so that the
    /// definition is still declared and references to it do not cascade.
    /// </summary>
    public string? Id(YamlNode node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        if (!IsValidId(text))
        {
            Error(node, ErrorCodes.BadId, $"invalid id '{text}': ids are lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }

        return text;
    }

    public static bool IsValidId(string text)
    {
        if (text.Length == 0 || !IsIdChar(text[0]) || text[0] is '-' or '_')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    /// <summary>
    /// Resolves a reference to a declared id. Unknown ids are reported with a hint; a declared but broken definition
    /// resolves to null without a message (its own error already explains it).
    /// </summary>
    public bool Resolve<T>(SymbolTable<T> table, YamlNode node, string code, out T? value, string extra = "")
        where T : class
    {
        value = null;
        if (Text(node) is not { } id)
        {
            return false;
        }

        if (table.TryGet(id, out value))
        {
            return true;
        }

        if (!SomeFileUnread)
        {
            Error(node, code, $"unknown {table.Kind} '{id}'{extra}{Suggestions.Hint(id, table.Ids)}");
        }

        return false;
    }

    public static string Format(double number) => number.ToString("R", CultureInfo.InvariantCulture);
}
