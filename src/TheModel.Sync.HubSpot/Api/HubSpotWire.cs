using System.Text.Json;
using System.Text.Json.Serialization;

namespace TheModel.Sync.HubSpot.Api;

// The JSON shapes of crm-api-facts.md H-2, H-3, H-5 and H-6. Requests are written camelCase with nulls left out;
// responses are read leniently (the vendor says to treat every error field as optional).

internal static class HubSpotJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

internal sealed record ObjectIdInput(string Id);

internal sealed record BatchReadRequest(IReadOnlyList<string> Properties, IReadOnlyList<ObjectIdInput> Inputs);

internal sealed record UpdateInput(string Id, IReadOnlyDictionary<string, string> Properties);

internal sealed record BatchUpdateRequest(IReadOnlyList<UpdateInput> Inputs);

internal sealed record AssociationTarget(string Id);

internal sealed record AssociationSpec(string AssociationCategory, int AssociationTypeId);

internal sealed record AssociationInput(AssociationTarget To, IReadOnlyList<AssociationSpec> Types);

internal sealed record CreateInput(
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<AssociationInput> Associations,
    string ObjectWriteTraceId);

internal sealed record BatchCreateRequest(IReadOnlyList<CreateInput> Inputs);

internal sealed record SearchFilter(string PropertyName, string Operator, string? Value = null, IReadOnlyList<string>? Values = null);

internal sealed record SearchFilterGroup(IReadOnlyList<SearchFilter> Filters);

internal sealed record SearchSort(string PropertyName, string Direction);

internal sealed record SearchRequest(
    IReadOnlyList<SearchFilterGroup> FilterGroups,
    IReadOnlyList<SearchSort>? Sorts,
    IReadOnlyList<string> Properties,
    int Limit,
    string? After = null);

/// <summary>v4 <c>batch/create</c> of labelled associations: <c>{inputs:[{from:{id},to:{id},types:[...]}]}</c>.</summary>
internal sealed record AssociationCreateInput(AssociationTarget From, AssociationTarget To, IReadOnlyList<AssociationSpec> Types);

internal sealed record AssociationBatchRequest(IReadOnlyList<AssociationCreateInput> Inputs);

/// <summary>v4 <c>batch/associate/default</c>: <c>{inputs:[{from:{id},to:{id}}]}</c>.</summary>
internal sealed record DefaultAssociationInput(AssociationTarget From, AssociationTarget To);

internal sealed record DefaultAssociationBatchRequest(IReadOnlyList<DefaultAssociationInput> Inputs);

internal sealed class HubSpotObject
{
    public string Id { get; set; } = string.Empty;

    public Dictionary<string, string?> Properties { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? ObjectWriteTraceId { get; set; }
}

internal sealed class BatchError
{
    public string? Status { get; set; }

    public string? Category { get; set; }

    /// <summary>Finer than the category, e.g. <c>crm.associations.NO_ASSOCIATIONS_FOUND</c> for a record with none of a type.</summary>
    public string? SubCategory { get; set; }

    public string? Message { get; set; }

    public Dictionary<string, List<string>>? Context { get; set; }
}

/// <summary>200/201 <c>BatchResponseSimplePublicObject</c> and 207 <c>…WithErrors</c> alike.</summary>
internal sealed class BatchResponse
{
    public string? Status { get; set; }

    public List<HubSpotObject> Results { get; set; } = [];

    public int? NumErrors { get; set; }

    public List<BatchError>? Errors { get; set; }
}

internal sealed class NextPage
{
    public string? After { get; set; }
}

internal sealed class Paging
{
    public NextPage? Next { get; set; }
}

internal sealed class SearchResponse
{
    public long Total { get; set; }

    public List<HubSpotObject> Results { get; set; } = [];

    public Paging? Paging { get; set; }
}

internal sealed class HubSpotOwner
{
    public string Id { get; set; } = string.Empty;

    public string? Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public long? UserId { get; set; }

    public string? Type { get; set; }

    public bool Archived { get; set; }
}

internal sealed class OwnersPage
{
    public List<HubSpotOwner> Results { get; set; } = [];

    public Paging? Paging { get; set; }
}

/// <summary>One association type linking two records: <c>{category, typeId, label}</c> (label null when unlabelled).</summary>
internal sealed class AssociationTypeRead
{
    public string? Category { get; set; }

    public int TypeId { get; set; }

    public string? Label { get; set; }
}

/// <summary>
/// One associated record and every type that links it. <c>toObjectId</c> is a number in the v4 responses and a
/// string in the date-versioned ones; the web defaults read both into the number.
/// </summary>
internal sealed class AssociatedRecord
{
    public long ToObjectId { get; set; }

    public List<AssociationTypeRead> AssociationTypes { get; set; } = [];
}

/// <summary>A v4 association batch read input; <see cref="After"/> asks for that record's next page.</summary>
internal sealed record AssociationReadInput(string Id, string? After = null);

internal sealed record AssociationBatchReadRequest(IReadOnlyList<AssociationReadInput> Inputs);

internal sealed class AssociationReadResult
{
    public ObjectIdRead From { get; set; } = new();

    public List<AssociatedRecord> To { get; set; } = [];

    public Paging? Paging { get; set; }
}

internal sealed class ObjectIdRead
{
    public string Id { get; set; } = string.Empty;
}

/// <summary>200 and 207 of the v4 association batch read: records with no associations come back as errors.</summary>
internal sealed class AssociationBatchReadResponse
{
    public string? Status { get; set; }

    public List<AssociationReadResult> Results { get; set; } = [];

    public int? NumErrors { get; set; }

    public List<BatchError>? Errors { get; set; }
}
