using System.Text.Json;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>sObject Collections (facts file S-5): up to 200 records in at most 10 chunks, ordered SaveResults, allOrNone.</summary>
internal sealed partial class SalesforceRestApi
{
    private enum CollectionWrite : byte
    {
        Create,
        Update,
        Upsert,
    }

    private RestResponse WriteCollection(RestRequest request, string userId, CollectionWrite kind, ObjectDef? upsertType, string? upsertField)
    {
        if (request.Body is not JsonObject body || body["records"] is not JsonArray array || array.Any(r => r is not JsonObject))
        {
            throw new RestException(400, "JSON_PARSER_ERROR", "The body must be an object with a records array of record objects.");
        }

        var allOrNone = body["allOrNone"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
        var records = array.Cast<JsonObject>().ToList();
        if (records.Count > MaxCollectionRecords)
        {
            throw new RestException(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        }

        var typeNames = records.Select(r => (r["attributes"] as JsonObject)?["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String
            ? t.GetValue<string>()
            : null).ToList();
        var missing = typeNames.IndexOf(null);
        if (missing >= 0)
        {
            throw new RestException(400, "INVALID_TYPE",
                $"Record {missing} has no attributes.type: every record in an sObject Collections request must name its sObject type.");
        }

        var chunks = 1;
        for (var i = 1; i < typeNames.Count; i++)
        {
            if (!string.Equals(typeNames[i], typeNames[i - 1], StringComparison.OrdinalIgnoreCase))
            {
                chunks++;
            }
        }

        if (chunks > MaxChunks)
        {
            throw new RestException(400, "LIMIT_EXCEEDED",
                $"Cannot have more than {MaxChunks} chunks in a single operation (this request has {chunks}). Please rearrange the data to reduce chunking.");
        }

        var key = upsertType is null ? null : ExternalIdField(upsertType, upsertField!);

        // Salesforce deserializes the whole body before saving anything: a value of the wrong type fails the request.
        var parsed = new List<(ObjectDef? Type, ParsedRecord? Record)>();
        for (var i = 0; i < records.Count; i++)
        {
            var type = _org.FindObject(typeNames[i]!);
            parsed.Add(type is null ? (null, null) : (type, SalesforceOrg.Parse(type, records[i])));
        }

        var duplicates = key is null ? [] : DuplicateKeys(parsed, key);
        var context = Context(request, userId);
        var savepoint = _org.Savepoint();
        var results = new List<SaveResult>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var (type, record) = parsed[i];
            if (type is null || record is null)
            {
                results.Add(SaveResult.Fail(null, "INVALID_TYPE", $"sObject type '{typeNames[i]}' is not supported."));
            }
            else if (key is not null && type != upsertType)
            {
                results.Add(SaveResult.Fail(null, "INVALID_TYPE", $"Record type {type.Name} does not match the upsert's sObject {upsertType!.Name}."));
            }
            else if (key is not null && record.Values.GetValueOrDefault(key.Name) is string value && duplicates.Contains(value))
            {
                results.Add(SaveResult.Fail(null, "DUPLICATE_EXTERNAL_ID", $"Duplicate external id specified: {value}", key.Name));
            }
            else
            {
                results.Add(kind switch
                {
                    CollectionWrite.Create => _org.Create(type, record, context),
                    CollectionWrite.Update => _org.Update(type, record, context),
                    _ => _org.Upsert(type, key!, record, context),
                });
            }
        }

        if (allOrNone && results.Any(r => !r.Success))
        {
            _org.RollbackTo(savepoint);
            results = [.. results.Select(r => r.Success
                ? SaveResult.Fail(kind == CollectionWrite.Update || r.Created == false ? r.Id : null, "ALL_OR_NONE_OPERATION_ROLLED_BACK", RolledBackMessage) with
                {
                    Created = kind == CollectionWrite.Upsert ? r.Created : null,
                }
                : r)];
        }

        return RestResponse.Json(200, new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]));
    }

    private static HashSet<string> DuplicateKeys(List<(ObjectDef? Type, ParsedRecord? Record)> parsed, FieldDef key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, record) in parsed)
        {
            if (record?.Values.GetValueOrDefault(key.Name) is string value && !seen.Add(value))
            {
                duplicates.Add(value);
            }
        }

        return duplicates;
    }

    private RestResponse ReadCollection(RestRequest request, ObjectDef type)
    {
        string? ids;
        string? fields;
        if (request.Method == "POST")
        {
            var body = request.Body as JsonObject;
            ids = body?["ids"] is JsonArray idArray ? string.Join(",", idArray.Select(i => i?.GetValue<string>())) : null;
            fields = body?["fields"] is JsonArray fieldArray ? string.Join(",", fieldArray.Select(f => f?.GetValue<string>())) : null;
        }
        else
        {
            ids = request.QueryValue("ids");
            fields = request.QueryValue("fields");
        }

        if (string.IsNullOrWhiteSpace(ids) || string.IsNullOrWhiteSpace(fields))
        {
            throw new RestException(400, "MISSING_ARGUMENT", "Both ids and fields are required to retrieve records.");
        }

        var idList = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (idList.Length > MaxCollectionRecords)
        {
            throw new RestException(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        }

        var selected = Fields(type, fields);
        var result = new JsonArray();
        foreach (var id in idList)
        {
            var record = _org.Find(id);
            result.Add(record is null || record.Type != type || record.IsDeleted ? null : _org.Render(record, _version, selected));
        }

        return RestResponse.Json(200, result);
    }
}
