using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TheModel.Sync.Application.Reporting;

/// <summary>The funnel report as JSON (<c>report --json FILE</c>): snake_case keys, the model's shape, times in ISO 8601.</summary>
public static class FunnelReportJson
{
    // Team names and reasons in Japanese stay readable in the file; it is never embedded in HTML as is.
    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = FunnelReportJsonContext.Default,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static JsonTypeInfo<FunnelReport> TypeInfo => (JsonTypeInfo<FunnelReport>)Options.GetTypeInfo(typeof(FunnelReport));

    public static string Serialize(FunnelReport report) => JsonSerializer.Serialize(report, TypeInfo);

    public static FunnelReport? Deserialize(string json) => JsonSerializer.Deserialize(json, TypeInfo);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FunnelReport))]
internal sealed partial class FunnelReportJsonContext : JsonSerializerContext;
