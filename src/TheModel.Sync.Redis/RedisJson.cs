using System.Text.Json.Serialization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>
/// The JSON shapes stored in Redis, source-generated. Enums are written by name so that a reordered enum never
/// changes what a stored entry means.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CrmEvent))]
[JsonSerializable(typeof(StoredPlan))]
[JsonSerializable(typeof(Watermark))]
[JsonSerializable(typeof(PersonMemo))]
internal sealed partial class RedisJson : JsonSerializerContext;
