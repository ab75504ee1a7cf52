using System.Globalization;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>
/// Reads associations through the v4 API (crm-api-facts.md H-6): the persons of a lost deal or churned company, and
/// the company each deal belongs to. HubSpot has no account property on a deal; the association is the link. Every
/// call goes through the same budget handler as the rest of the connector.
/// </summary>
internal sealed class HubSpotAssociationReader(IHubSpotAssociationsApi api, ICrmSchemaSource schemas, ILogger<HubSpotAssociationReader> logger)
{
    /// <summary>
    /// Associations asked for per page of a list: crm-api-facts.md is silent; one of the vendor's SDKs documents "Limit
    /// 1000 per call", and 500 stays inside it whatever the real default is.
    /// </summary>
    public const int ListPageSize = 500;

    /// <summary>Deals per association batch read: the connector's batch size, although the v4 endpoint takes more.</summary>
    public const int BatchSize = 100;

    /// <summary>HUBSPOT_DEFINED deal-to-company type ids (crm-api-facts.md H-6): the primary company, and any company.</summary>
    public const int PrimaryDealToCompany = 5;

    private const string Companies = "companies";
    private const string HubSpotDefined = "HUBSPOT_DEFINED";

    /// <summary>
    /// The contacts associated with the deal and with each of its companies (for an opportunity; <see cref="PeopleOf.AccountId"/>
    /// is read too when the deal no longer lists it), or with the company (for an account), each once, in id order.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadPeopleOfAsync(PeopleOf of, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(of);
        var schema = schemas.For(CrmKind.HubSpot);
        var contacts = schema.ObjectName(CrmObject.Person);
        var people = new SortedSet<string>(Comparer<string>.Create(Watermark.CompareIds));
        var companies = new SortedSet<string>(Comparer<string>.Create(Watermark.CompareIds));
        switch (of.Object)
        {
            case CrmObject.Opportunity:
                var deals = schema.ObjectName(CrmObject.Opportunity);
                people.UnionWith(await ListAsync(deals, of.RecordId, contacts, cancellationToken).ConfigureAwait(false));
                companies.UnionWith(await ListAsync(deals, of.RecordId, Companies, cancellationToken).ConfigureAwait(false));
                if (IsId(of.AccountId))
                {
                    companies.Add(of.AccountId!);
                }

                break;
            case CrmObject.Account:
                companies.Add(of.RecordId);
                break;
            default:
                throw new ArgumentException($"The persons of a {of.Object} cannot be found: only an Opportunity's or an Account's.", nameof(of));
        }

        foreach (var company in companies)
        {
            people.UnionWith(await ListAsync(Companies, company, contacts, cancellationToken).ConfigureAwait(false));
        }

        HubSpotLog.PeopleOfRead(logger, of.Object.ToString(), of.RecordId, companies.Count, people.Count);
        return [.. people];
    }

    /// <summary>
    /// The company of each deal that has one: the primary company when the association types mark one, else the
    /// lowest id. One batch read per <see cref="BatchSize"/> deals; a deal with more companies than a page is read on.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadDealCompaniesAsync(IEnumerable<string> dealIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dealIds);
        var deals = schemas.For(CrmKind.HubSpot).ObjectName(CrmObject.Opportunity);
        var chosen = new Dictionary<string, (string Id, bool Primary)>(StringComparer.Ordinal);
        var pending = dealIds.Distinct(StringComparer.Ordinal).Select(id => new AssociationReadInput(id)).ToList();
        var operation = $"associations batch/read of {deals} to {Companies}";
        while (pending.Count > 0)
        {
            var next = new List<AssociationReadInput>();
            foreach (var chunk in pending.Chunk(BatchSize))
            {
                var request = new AssociationBatchReadRequest(chunk);
                var response = await HubSpotApi.CallAsync(
                    operation,
                    ct => api.BatchReadAsync(deals, Companies, request, HubSpotCall.ReadByPost, ct),
                    cancellationToken).ConfigureAwait(false);
                foreach (var result in response.Results)
                {
                    foreach (var company in result.To)
                    {
                        Choose(chosen, result.From.Id, company);
                    }

                    if (result.Paging?.Next?.After is { Length: > 0 } after && result.To.Count > 0)
                    {
                        next.Add(new AssociationReadInput(result.From.Id, after));
                    }
                }

                // Deals without a company (and ids HubSpot no longer has) come back as OBJECT_NOT_FOUND: no company.
                var unexpected = response.Errors?.Where(e => e.Category != "OBJECT_NOT_FOUND").ToList() ?? [];
                if (unexpected.Count > 0)
                {
                    HubSpotLog.BatchErrors(logger, operation, unexpected.Count, chunk.Length, string.Join(", ", unexpected.Select(e => $"{e.Category}: {e.Message}")));
                }
            }

            pending = next;
        }

        return chosen.ToDictionary(c => c.Key, c => c.Value.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// The deals with <see cref="CrmSchema.HubSpotDealCompanyField"/> set to their company (null when they have none),
    /// so that the opportunity's <c>account</c> reads like any other field.
    /// </summary>
    public async Task<IReadOnlyList<CrmRecord>> WithCompaniesAsync(IReadOnlyList<CrmRecord> deals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deals);
        if (deals.Count == 0)
        {
            return deals;
        }

        var companies = await ReadDealCompaniesAsync(deals.Select(d => d.Id), cancellationToken).ConfigureAwait(false);
        return
        [
            .. deals.Select(deal => deal with
            {
                Fields = new Dictionary<string, string?>(deal.Fields, StringComparer.Ordinal)
                {
                    [CrmSchema.HubSpotDealCompanyField] = companies.GetValueOrDefault(deal.Id),
                },
            }),
        ];
    }

    /// <summary>Every record of <paramref name="toType"/> associated with one record, all pages; none when HubSpot does not know the record.</summary>
    private async Task<List<string>> ListAsync(string fromType, string fromId, string toType, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        if (!IsId(fromId))
        {
            HubSpotLog.AssociationsOfUnknown(logger, fromType, fromId, toType);
            return ids;
        }

        string? after = null;
        do
        {
            AssociationsPage page;
            try
            {
                var cursor = after;
                page = await HubSpotApi.CallAsync(
                    $"associations of {fromType} {fromId} to {toType}",
                    ct => api.ListAsync(fromType, fromId, toType, ListPageSize, cursor, HubSpotCall.Read, ct),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException e) when (e.StatusCode == 404)
            {
                // A record deleted since the event has no associations left to read.
                HubSpotLog.AssociationsOfUnknown(logger, fromType, fromId, toType);
                return ids;
            }

            ids.AddRange(page.Results.Select(r => r.ToObjectId.ToString(CultureInfo.InvariantCulture)));
            after = page.Results.Count == 0 ? null : page.Paging?.Next?.After;
        }
        while (after is not null);

        return ids;
    }

    private static void Choose(Dictionary<string, (string Id, bool Primary)> chosen, string dealId, AssociatedRecord company)
    {
        var id = company.ToObjectId.ToString(CultureInfo.InvariantCulture);
        var primary = company.AssociationTypes.Any(t => t.TypeId == PrimaryDealToCompany && string.Equals(t.Category, HubSpotDefined, StringComparison.Ordinal));
        if (!chosen.TryGetValue(dealId, out var current)
            || (primary && !current.Primary)
            || (primary == current.Primary && Watermark.CompareIds(id, current.Id) < 0))
        {
            chosen[dealId] = (id, primary);
        }
    }

    /// <summary>HubSpot record ids are positive whole numbers; anything else cannot name a record there.</summary>
    private static bool IsId(string? id) => id is { Length: > 0 and <= 19 } && id.All(char.IsAsciiDigit) && id[0] != '0';
}
