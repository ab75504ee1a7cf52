using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>
/// <c>POST /{type}/search</c> (facts H-3): filter groups ORed, filters ANDed; one sort; numeric offset cursors;
/// at most 200 per page and 10,000 reachable; an optional indexing delay.
/// </summary>
internal sealed class HubSpotSearchApi
{
    public const int MaxGroups = 5;
    public const int MaxFiltersPerGroup = 6;
    public const int MaxFilters = 18;
    public const int MaxLimit = 200;
    public const int DefaultLimit = 10;
    public const int MaxReachable = 10_000;
    public const int MaxBodyCharacters = 3_000;

    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
        "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
    };

    private readonly HubSpotPortal _portal;
    private readonly TimeSpan _indexDelay;

    public HubSpotSearchApi(HubSpotPortal portal, TimeSpan indexDelay)
    {
        _portal = portal;
        _indexDelay = indexDelay;
    }

    public ApiResult Search(ApiRequest request)
    {
        var type = HubSpotObjectsApi.ObjectType(request);
        if (request.Body.Length > MaxBodyCharacters)
        {
            throw HubSpotApiException.Validation($"The search request body is {request.Body.Length} characters; at most {MaxBodyCharacters} are allowed.");
        }

        var body = request.BodyObject();
        var groups = ReadGroups(type, body);
        var sort = ReadSort(type, body);
        var properties = ApiJson.Names(body, "properties");
        var query = ApiJson.Text(body["query"], "query");
        var limit = ReadInt(body, "limit", DefaultLimit);
        if (limit > MaxLimit)
        {
            throw HubSpotApiException.Validation($"limit must be at most {MaxLimit}, was {limit}.");
        }

        if (limit == 0)
        {
            limit = DefaultLimit;
        }

        var after = ReadInt(body, "after", 0);
        if (after + limit > MaxReachable)
        {
            throw HubSpotApiException.Validation(
                $"Paging past {MaxReachable} results is not supported: after ({after}) + limit ({limit}) = {after + limit}. Narrow the filters instead, for example by the last modified date you reached.");
        }

        var visibleUntil = request.Now - _indexDelay;
        using (_portal.Enter())
        {
            var matches = _portal.ObjectsLocked(type)
                .Where(r => !r.Archived && r.WrittenAt <= visibleUntil)
                .Where(r => groups.Count == 0 || groups.Any(group => group.All(filter => filter.Matches(r))))
                .Where(r => query is null || MatchesQuery(r, query))
                .ToList();
            if (sort is { } order)
            {
                matches = Sorted(type, matches, order.Property, order.Descending);
            }

            var results = new JsonArray();
            foreach (var record in matches.Skip(after).Take(limit))
            {
                results.Add(HubSpotRender.Record(_portal, record, properties));
            }

            var json = new JsonObject { ["total"] = matches.Count, ["results"] = results };
            if (after + limit < matches.Count)
            {
                json["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = (after + limit).ToString(CultureInfo.InvariantCulture) } };
            }

            return new ApiResult(200, json);
        }
    }

    private List<List<SearchFilter>> ReadGroups(string type, JsonObject body)
    {
        var groups = new List<List<SearchFilter>>();
        var array = ApiJson.Array(body, "filterGroups");
        if (array is null)
        {
            return groups;
        }

        if (array.Count > MaxGroups)
        {
            throw HubSpotApiException.Validation($"Too many filter groups: {array.Count} given, at most {MaxGroups} are allowed.");
        }

        var total = 0;
        for (var g = 0; g < array.Count; g++)
        {
            var filters = ApiJson.Array(ApiJson.Object(array[g], $"filterGroups[{g}]"), "filters") ?? [];
            if (filters.Count > MaxFiltersPerGroup)
            {
                throw HubSpotApiException.Validation($"Too many filters in filterGroups[{g}]: {filters.Count} given, at most {MaxFiltersPerGroup} are allowed in one group.");
            }

            total += filters.Count;
            if (total > MaxFilters)
            {
                throw HubSpotApiException.Validation($"Too many filters: more than {MaxFilters} across all filter groups.");
            }

            groups.Add([.. filters.Select((f, i) => ReadFilter(type, ApiJson.Object(f, $"filterGroups[{g}].filters[{i}]"), $"filterGroups[{g}].filters[{i}]"))]);
        }

        return groups;
    }

    private SearchFilter ReadFilter(string type, JsonObject filter, string where)
    {
        var name = ApiJson.Text(filter["propertyName"], $"{where}.propertyName") ?? throw HubSpotApiException.Validation($"Invalid input JSON: {where}.propertyName is required.");
        var op = ApiJson.Text(filter["operator"], $"{where}.operator") ?? "EQ";
        if (!Operators.Contains(op))
        {
            throw HubSpotApiException.Validation($"Unknown operator \"{op}\" in {where}; use one of {string.Join(", ", Operators)}.");
        }

        var property = _portal.Schema.Find(type, name) ?? throw UnknownProperty(name);
        var value = ApiJson.Text(filter["value"], $"{where}.value");
        var high = ApiJson.Text(filter["highValue"], $"{where}.highValue");
        var values = ApiJson.Array(filter, "values")?.Select((v, i) => ApiJson.Text(v, $"{where}.values[{i}]") ?? string.Empty).ToList();
        var needsValue = op is not ("HAS_PROPERTY" or "NOT_HAS_PROPERTY" or "IN" or "NOT_IN");
        if (needsValue && value is null)
        {
            throw HubSpotApiException.Validation($"{where} ({op}) needs a value.");
        }

        if (op is "IN" or "NOT_IN" && (values is null || values.Count == 0))
        {
            throw HubSpotApiException.Validation($"{where} ({op}) needs a non-empty values list.");
        }

        if (op == "BETWEEN" && high is null)
        {
            throw HubSpotApiException.Validation($"{where} (BETWEEN) needs a highValue.");
        }

        return new SearchFilter(property, op, value, high, values);
    }

    private (string Property, bool Descending)? ReadSort(string type, JsonObject body)
    {
        var sorts = ApiJson.Array(body, "sorts");
        if (sorts is null || sorts.Count == 0)
        {
            return null;
        }

        // Only the first sort is honoured (facts H-3); the spec's string form is "name" or "-name".
        string name;
        var descending = false;
        if (sorts[0] is JsonObject first)
        {
            name = ApiJson.Text(first["propertyName"], "sorts[0].propertyName") ?? throw HubSpotApiException.Validation("Invalid input JSON: sorts[0].propertyName is required.");
            var direction = ApiJson.Text(first["direction"], "sorts[0].direction") ?? "ASCENDING";
            descending = direction switch
            {
                "ASCENDING" => false,
                "DESCENDING" => true,
                _ => throw HubSpotApiException.Validation($"sorts[0].direction must be ASCENDING or DESCENDING, was \"{direction}\"."),
            };
        }
        else
        {
            name = ApiJson.Text(sorts[0], "sorts[0]") ?? string.Empty;
            if (name.StartsWith('-'))
            {
                descending = true;
                name = name[1..];
            }
        }

        if (_portal.Schema.Find(type, name) is null)
        {
            throw UnknownProperty(name);
        }

        return (name, descending);
    }

    private static HubSpotApiException UnknownProperty(string name) =>
        HubSpotApiException.Validation($"Property \"{name}\" does not exist", [new HubSpotErrorDetail($"Property \"{name}\" does not exist", "PROPERTY_DOESNT_EXIST", name)]);

    private static int ReadInt(JsonObject body, string name, int fallback)
    {
        var text = ApiJson.Text(body[name], name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw HubSpotApiException.Validation($"{name} must be a non-negative integer, was \"{text}\".");
    }

    /// <summary>
    /// Sorts by one property, ties by id. Each value is parsed once (a poll sorts thousands of records per page, and
    /// comparing date-time text pairwise would parse every value at each comparison).
    /// </summary>
    private List<StoredObject> Sorted(string type, List<StoredObject> records, string name, bool descending)
    {
        var property = _portal.Schema.Find(type, name)!;
        var keyed = records.Select(r => SortValue.Of(property, r, r.Properties.GetValueOrDefault(name))).ToList();
        keyed.Sort((a, b) =>
        {
            // Records without a value sort after those with one, in either direction of the value order.
            var byValue = (a.Text, b.Text) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => descending ? SortValue.Compare(b, a) : SortValue.Compare(a, b),
            };
            return byValue != 0 ? byValue : a.Record.Id.CompareTo(b.Record.Id);
        });
        return [.. keyed.Select(k => k.Record)];
    }

    private static bool MatchesQuery(StoredObject record, string query) =>
        record.Properties.Values.Any(v => v is not null && v.Contains(query, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One filter. A record without a value matches only <c>NOT_HAS_PROPERTY</c>.</summary>
internal sealed record SearchFilter(HubSpotProperty Property, string Operator, string? Value, string? HighValue, IReadOnlyList<string>? Values)
{
    public bool Matches(StoredObject record)
    {
        var actual = record.Properties.GetValueOrDefault(Property.Name);
        if (Operator == "NOT_HAS_PROPERTY")
        {
            return string.IsNullOrEmpty(actual);
        }

        if (string.IsNullOrEmpty(actual))
        {
            return false;
        }

        return Operator switch
        {
            "HAS_PROPERTY" => true,
            "EQ" => Compare(Property, actual, Value!) == 0,
            "NEQ" => Compare(Property, actual, Value!) != 0,
            "LT" => Compare(Property, actual, Value!) < 0,
            "LTE" => Compare(Property, actual, Value!) <= 0,
            "GT" => Compare(Property, actual, Value!) > 0,
            "GTE" => Compare(Property, actual, Value!) >= 0,
            "BETWEEN" => Compare(Property, actual, Value!) >= 0 && Compare(Property, actual, HighValue!) <= 0,
            "IN" => Values!.Any(v => Compare(Property, actual, v) == 0),
            "NOT_IN" => !Values!.Any(v => Compare(Property, actual, v) == 0),
            "CONTAINS_TOKEN" => ContainsToken(actual, Value!),
            "NOT_CONTAINS_TOKEN" => !ContainsToken(actual, Value!),
            _ => false,
        };
    }

    /// <summary>
    /// Compares a stored value with a filter value: as instants when the property holds date-times (the filter may
    /// give epoch ms or ISO), as numbers when both sides parse as numbers, otherwise as text ignoring case.
    /// </summary>
    public static int Compare(HubSpotProperty property, string actual, string wanted)
    {
        if (property.Type == HubSpotPropertyType.DateTime && HubSpotTime.TryParse(actual, out var left) && HubSpotTime.TryParse(wanted, out var right))
        {
            return left.CompareTo(right);
        }

        if (decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
        {
            return a.CompareTo(b);
        }

        return string.Compare(actual, wanted, StringComparison.OrdinalIgnoreCase);
    }

    // A token is a run of letters and digits; '*' in the filter value is a wildcard (HubSpot's "*@example.com").
    private static bool ContainsToken(string actual, string wanted)
    {
        if (wanted.Contains('*', StringComparison.Ordinal))
        {
            var pattern = "^" + Regex.Escape(wanted).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
            return Regex.IsMatch(actual, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                || Tokens(actual).Any(t => Regex.IsMatch(t, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }

        return string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase)
            || Tokens(actual).Any(t => string.Equals(t, wanted, StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Tokens(string text) =>
        Regex.Split(text, @"[^\p{L}\p{Nd}]+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Where(t => t.Length > 0);
}

/// <summary>One record's sort value, parsed once; compares like <see cref="SearchFilter.Compare"/>.</summary>
internal sealed record SortValue(StoredObject Record, string? Text, DateTimeOffset? Instant, decimal? Number)
{
    public static SortValue Of(HubSpotProperty property, StoredObject record, string? text)
    {
        DateTimeOffset? instant = property.Type == HubSpotPropertyType.DateTime && HubSpotTime.TryParse(text, out var parsed) ? parsed : null;
        decimal? number = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        return new SortValue(record, text, instant, number);
    }

    public static int Compare(SortValue left, SortValue right)
    {
        if (left.Instant is { } a && right.Instant is { } b)
        {
            return a.CompareTo(b);
        }

        if (left.Number is { } x && right.Number is { } y)
        {
            return x.CompareTo(y);
        }

        return string.Compare(left.Text, right.Text, StringComparison.OrdinalIgnoreCase);
    }
}
