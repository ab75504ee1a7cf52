using System.Globalization;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>
/// <c>GET /crm/v3/owners</c> and <c>GET /crm/v3/owners/{ownerId}</c> (facts H-5). Like the object endpoints,
/// <c>archived=true</c> answers with archived (deactivated) owners only, and <c>archived=false</c> (the default) hides them.
/// </summary>
internal sealed class HubSpotOwnersApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 500;

    private readonly HubSpotPortal _portal;

    public HubSpotOwnersApi(HubSpotPortal portal) => _portal = portal;

    public ApiResult List(ApiRequest request)
    {
        var limit = Math.Min(request.QueryInt("limit", DefaultLimit), MaxLimit);
        if (limit == 0)
        {
            limit = DefaultLimit;
        }

        var afterText = request.Query("after");
        long after = 0;
        if (afterText is not null && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw HubSpotApiException.Validation($"after must be a cursor returned by a previous page, was \"{afterText}\".");
        }

        var archived = request.QueryFlag("archived");
        var email = request.Query("email");
        using (_portal.Enter())
        {
            var page = _portal.OwnersLocked()
                .Where(o => o.Archived == archived && long.Parse(o.Id, CultureInfo.InvariantCulture) >= after)
                .Where(o => email is null || string.Equals(o.Email, email, StringComparison.OrdinalIgnoreCase))
                .OrderBy(o => long.Parse(o.Id, CultureInfo.InvariantCulture))
                .Take(limit + 1)
                .ToList();
            var results = new JsonArray();
            foreach (var owner in page.Take(limit))
            {
                results.Add(HubSpotRender.Owner(owner));
            }

            var body = new JsonObject { ["results"] = results };
            if (page.Count > limit)
            {
                body["paging"] = HubSpotRender.Paging(request, page[limit].Id);
            }

            return new ApiResult(200, body);
        }
    }

    public ApiResult Read(ApiRequest request)
    {
        var id = request.Route("ownerId");
        var idProperty = request.Query("idProperty") ?? "id";
        if (idProperty is not ("id" or "userId"))
        {
            throw HubSpotApiException.Validation($"idProperty must be id or userId, was \"{idProperty}\".");
        }

        var archived = request.QueryFlag("archived");
        using (_portal.Enter())
        {
            var owner = _portal.OwnersLocked().FirstOrDefault(o =>
                o.Archived == archived
                && (idProperty == "id" ? o.Id == id : o.UserId.ToString(CultureInfo.InvariantCulture) == id));
            return owner is null ? throw HubSpotApiException.ObjectNotFound(id) : new ApiResult(200, HubSpotRender.Owner(owner));
        }
    }
}
