using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>Writes portal state in HubSpot's response shapes (facts H-2, H-5).</summary>
internal static class HubSpotRender
{
    /// <summary>
    /// A <c>SimplePublicObject</c>. <paramref name="requested"/> null means the type's default properties; otherwise
    /// the named ones the type knows (unknown names are ignored on read, facts H-2), null when unset.
    /// <paramref name="allSet"/> instead returns every property with a value, as create and update answers do.
    /// </summary>
    public static JsonObject Record(HubSpotPortal portal, StoredObject record, IReadOnlyList<string>? requested, bool allSet = false, IReadOnlyList<string>? associations = null)
    {
        var properties = new JsonObject();
        if (allSet)
        {
            foreach (var (name, value) in record.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (value is not null)
                {
                    properties[name] = value;
                }
            }
        }
        else
        {
            foreach (var name in requested ?? HubSpotPropertySchema.DefaultReadProperties(record.Type))
            {
                if (!properties.ContainsKey(name) && portal.Schema.Find(record.Type, name) is not null)
                {
                    properties[name] = record.Properties.GetValueOrDefault(name);
                }
            }
        }

        var json = new JsonObject
        {
            ["id"] = record.IdText,
            ["properties"] = properties,
            ["createdAt"] = HubSpotTime.Format(record.CreatedAt),
            ["updatedAt"] = HubSpotTime.Format(record.UpdatedAt),
            ["archived"] = record.Archived,
        };
        if (record.ArchivedAt is { } archivedAt)
        {
            json["archivedAt"] = HubSpotTime.Format(archivedAt);
        }

        if (associations is { Count: > 0 })
        {
            var byType = new JsonObject();
            foreach (var toType in associations.Select(HubSpotObjectTypes.Normalize).OfType<string>().Distinct())
            {
                var results = new JsonArray();
                foreach (var edge in portal.AssociationsLocked(record).Where(a => a.ToType == toType))
                {
                    results.Add(new JsonObject { ["id"] = edge.ToId, ["type"] = AssociationLabel(edge) });
                }

                if (results.Count > 0)
                {
                    byType[toType] = new JsonObject { ["results"] = results };
                }
            }

            json["associations"] = byType;
        }

        return json;
    }

    /// <summary>A <c>BatchResponse…</c>: COMPLETE, results, and for a 207 <c>numErrors</c> and <c>errors</c>.</summary>
    public static JsonObject Batch(JsonArray results, IReadOnlyList<JsonObject> errors, DateTimeOffset startedAt, DateTimeOffset completedAt)
    {
        var json = new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = results,
        };
        if (errors.Count > 0)
        {
            json["numErrors"] = errors.Count;
            json["errors"] = new JsonArray([.. errors]);
        }

        json["startedAt"] = HubSpotTime.Format(startedAt);
        json["completedAt"] = HubSpotTime.Format(completedAt);
        return json;
    }

    public static JsonObject Owner(HubSpotOwner owner)
    {
        var json = new JsonObject
        {
            ["id"] = owner.Id,
            ["email"] = owner.Email,
            ["type"] = owner.Type,
            ["firstName"] = owner.FirstName,
            ["lastName"] = owner.LastName,
        };

        // A deactivated user keeps only userIdIncludingInactive.
        if (!owner.Archived)
        {
            json["userId"] = owner.UserId;
        }

        json["userIdIncludingInactive"] = owner.UserId;
        json["createdAt"] = HubSpotTime.Format(owner.CreatedAt);
        json["updatedAt"] = HubSpotTime.Format(owner.UpdatedAt);
        json["archived"] = owner.Archived;
        var teams = new JsonArray();
        foreach (var team in owner.Teams)
        {
            teams.Add(new JsonObject { ["id"] = team.Id, ["name"] = team.Name, ["primary"] = team.Primary });
        }

        json["teams"] = teams;
        return json;
    }

    /// <summary>The <c>paging</c> object pointing at the next page; the link repeats the request with the new cursor.</summary>
    public static JsonObject Paging(ApiRequest request, string after)
    {
        var url = request.Context.Request;
        var query = url.Query
            .Where(q => q.Key != "after")
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"after={Uri.EscapeDataString(after)}");
        return new JsonObject
        {
            ["next"] = new JsonObject
            {
                ["after"] = after,
                ["link"] = $"{url.Scheme}://{url.Host}{url.PathBase}{url.Path}?{string.Join('&', query)}",
            },
        };
    }

    private static string AssociationLabel(HubSpotAssociation edge)
    {
        var label = $"{HubSpotObjectTypes.Singular(edge.FromType)}_to_{HubSpotObjectTypes.Singular(edge.ToType)}";
        return edge.TypeId is HubSpotAssociationTypes.ContactToCompany or HubSpotAssociationTypes.CompanyToContact
            or HubSpotAssociationTypes.DealToCompany or HubSpotAssociationTypes.CompanyToDeal
            ? label + "_unlabeled"
            : label;
    }
}
