using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.Writing;

/// <summary>
/// Builds Salesforce-shaped answers (facts S-5, S-6) from the request WireMock received: one SaveResult per record,
/// in order, success unless <c>fail</c> gives an error object for a record.
/// </summary>
internal static class FakeSaveResults
{
    /// <summary>A fake Task id derived from the key, so tests can predict it.</summary>
    public static string TaskId(string key) =>
        SalesforceIds.To18("00T" + ((StableHash(key) & long.MaxValue) % 1_000_000_000_000L).ToString("D12", CultureInfo.InvariantCulture));

    public static string Collection(string requestBody, Func<JsonObject, string?>? fail = null) =>
        Results(JsonNode.Parse(requestBody)!["records"]!.AsArray(), fail).ToJsonString();

    public static string Composite(string requestBody, Func<JsonObject, string?>? fail = null, Func<string, (int Status, string Body)?>? subrequest = null)
    {
        var response = new JsonArray();
        foreach (var sub in JsonNode.Parse(requestBody)!["compositeRequest"]!.AsArray())
        {
            var referenceId = sub!["referenceId"]!.GetValue<string>();
            var answer = subrequest?.Invoke(referenceId);
            var status = answer?.Status;
            JsonNode body = answer is null
                ? Results(sub["body"]!["records"]!.AsArray(), fail)
                : JsonNode.Parse(answer.Value.Body)!;
            response.Add(new JsonObject
            {
                ["body"] = body,
                ["httpHeaders"] = new JsonObject(),
                ["httpStatusCode"] = status ?? 200,
                ["referenceId"] = referenceId,
            });
        }

        return new JsonObject { ["compositeResponse"] = response }.ToJsonString();
    }

    public static string Error(string statusCode, string message) =>
        new JsonObject
        {
            ["success"] = false,
            ["errors"] = new JsonArray(new JsonObject { ["statusCode"] = statusCode, ["message"] = message, ["fields"] = new JsonArray() }),
        }.ToJsonString();

    private static JsonArray Results(JsonArray records, Func<JsonObject, string?>? fail)
    {
        var results = new JsonArray();
        foreach (var node in records)
        {
            var record = node!.AsObject();
            var error = fail?.Invoke(record);
            if (error is not null)
            {
                results.Add(JsonNode.Parse(error));
                continue;
            }

            var isTask = record["attributes"]!["type"]!.GetValue<string>() == "Task";
            var id = isTask ? TaskId(record["TheModel_Key__c"]!.GetValue<string>()) : record["Id"]!.GetValue<string>();
            var result = new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() };
            if (isTask)
            {
                result["created"] = true;
            }

            results.Add(result);
        }

        return results;
    }

    private static long StableHash(string text)
    {
        long hash = 17;
        foreach (var c in text)
        {
            hash = (hash * 31) + c;
        }

        return hash;
    }

    public static int RecordCount(string requestBody, string referenceId) =>
        JsonNode.Parse(requestBody)!["compositeRequest"]!.AsArray()
            .Single(s => s!["referenceId"]!.GetValue<string>() == referenceId)!["body"]!["records"]!.AsArray().Count;

    public static JsonElement Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
