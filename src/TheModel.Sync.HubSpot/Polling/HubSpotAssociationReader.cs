using System.Collections.Concurrent;
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
internal sealed class HubSpotAssociationReader(IHubSpotAssociationsApi api, ICrmSchemaSource schemas, TimeProvider time, ILogger<HubSpotAssociationReader> logger)
{
    /// <summary>Inputs per association batch read: the connector's batch size, although the v4 endpoint may take more.</summary>
    public const int BatchSize = 100;

    /// <summary>
    /// How long a deal's companies, as just read, answer for it. A lost deal's event reads the deal (its company with
    /// it) and then looks up its people (its companies again) within milliseconds: the second read is one call per
    /// batch of lost deals for nothing.
    /// </summary>
    internal static readonly TimeSpan RecentCompaniesFor = TimeSpan.FromSeconds(10);

    private const int RecentCompaniesCap = 10_000;

    private readonly ConcurrentDictionary<string, (List<AssociatedRecord> Companies, DateTimeOffset ReadAt)> _recentCompanies = new(StringComparer.Ordinal);

    /// <summary>HUBSPOT_DEFINED deal-to-company type ids (crm-api-facts.md H-6): the primary company, and any company.</summary>
    public const int PrimaryDealToCompany = 5;

    private const string Companies = "companies";
    private const string HubSpotDefined = "HUBSPOT_DEFINED";
    private const string ObjectNotFound = "OBJECT_NOT_FOUND";
    private const string NoAssociationsFound = "crm.associations.NO_ASSOCIATIONS_FOUND";

    private static readonly Comparer<string> IdOrder = Comparer<string>.Create(Watermark.CompareIds);

    /// <summary>
    /// For each record, the contacts associated with the deal and with each of its companies (for an opportunity;
    /// <see cref="PeopleOf.AccountId"/> is read too when the deal no longer lists it), or with the company (for an
    /// account), each once, in id order; every record asked for is in the result. Three batch reads per
    /// <see cref="BatchSize"/> records at most: deals to contacts, deals to companies, then the companies to contacts.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.FirstOrDefault(r => r.Object is not (CrmObject.Opportunity or CrmObject.Account)) is { } wrong)
        {
            throw new ArgumentException($"The persons of a {wrong.Object} cannot be found: only an Opportunity's or an Account's ({wrong.RecordId}).", nameof(records));
        }

        var schema = schemas.For(CrmKind.HubSpot);
        var contacts = schema.ObjectName(CrmObject.Person);
        var deals = schema.ObjectName(CrmObject.Opportunity);
        var dealIds = KnownIds(records.Where(r => r.Object == CrmObject.Opportunity).Select(r => r.RecordId), deals, contacts);
        var contactsOfDeals = await BatchReadAsync(deals, contacts, dealIds, cancellationToken).ConfigureAwait(false);
        var companiesOfDeals = await DealCompaniesAsync(deals, dealIds, cancellationToken).ConfigureAwait(false);

        var companiesOf = new Dictionary<PeopleOf, SortedSet<string>>(ReferenceEqualityComparer.Instance);
        foreach (var of in records)
        {
            var companies = new SortedSet<string>(IdOrder);
            if (of.Object == CrmObject.Account)
            {
                companies.Add(of.RecordId);
            }
            else
            {
                companies.UnionWith(Ids(companiesOfDeals.GetValueOrDefault(of.RecordId)));
                if (of.AccountId is { } accountId)
                {
                    companies.Add(accountId);
                }
            }

            companiesOf[of] = companies;
        }

        var companyIds = KnownIds(companiesOf.Values.SelectMany(c => c), Companies, contacts);
        var contactsOfCompanies = await BatchReadAsync(Companies, contacts, companyIds, cancellationToken).ConfigureAwait(false);

        // The same id asked for twice (a deal listed again with another account) gets the union of both asks.
        var people = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var of in records)
        {
            if (!people.TryGetValue(of.RecordId, out var found))
            {
                people[of.RecordId] = found = new SortedSet<string>(IdOrder);
            }

            if (of.Object == CrmObject.Opportunity)
            {
                found.UnionWith(Ids(contactsOfDeals.GetValueOrDefault(of.RecordId)));
            }

            foreach (var company in companiesOf[of])
            {
                found.UnionWith(Ids(contactsOfCompanies.GetValueOrDefault(company)));
            }

            HubSpotLog.PeopleOfRead(logger, of.Object.ToString(), of.RecordId, companiesOf[of].Count, found.Count);
        }

        HubSpotLog.PeopleOfBatchRead(logger, records.Count, dealIds.Count, companyIds.Count, people.Values.Sum(p => p.Count));
        return people.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
    }

    /// <summary>
    /// The company of each deal that has one: the primary company when the association types mark one, else the
    /// lowest id. One batch read per <see cref="BatchSize"/> deals; a deal with more companies than a page is read on.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadDealCompaniesAsync(IEnumerable<string> dealIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dealIds);
        var deals = schemas.For(CrmKind.HubSpot).ObjectName(CrmObject.Opportunity);
        var ids = dealIds.Distinct(StringComparer.Ordinal).ToList();
        var read = await BatchReadAsync(deals, Companies, ids, cancellationToken).ConfigureAwait(false);
        Remember(ids, read);
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (dealId, companies) in read)
        {
            if (Choose(companies) is { } company)
            {
                chosen[dealId] = company;
            }
        }

        return chosen;
    }

    /// <summary>The companies of each deal: those read in the last <see cref="RecentCompaniesFor"/>, the rest read now.</summary>
    private async Task<Dictionary<string, List<AssociatedRecord>>> DealCompaniesAsync(string deals, List<string> dealIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var known = new Dictionary<string, List<AssociatedRecord>>(StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var id in dealIds)
        {
            if (_recentCompanies.TryGetValue(id, out var recent) && now - recent.ReadAt <= RecentCompaniesFor)
            {
                known[id] = recent.Companies;
            }
            else
            {
                toRead.Add(id);
            }
        }

        if (toRead.Count > 0)
        {
            var read = await BatchReadAsync(deals, Companies, toRead, cancellationToken).ConfigureAwait(false);
            Remember(toRead, read);
            foreach (var (id, companies) in read)
            {
                known[id] = companies;
            }
        }

        return known;
    }

    /// <summary>Keeps what a read said of each deal (no companies too), dropping the stale entries when there are many.</summary>
    private void Remember(List<string> dealIds, Dictionary<string, List<AssociatedRecord>> read)
    {
        var now = time.GetUtcNow();
        if (_recentCompanies.Count + dealIds.Count > RecentCompaniesCap)
        {
            foreach (var (id, entry) in _recentCompanies)
            {
                if (now - entry.ReadAt > RecentCompaniesFor)
                {
                    _recentCompanies.TryRemove(id, out _);
                }
            }
        }

        if (_recentCompanies.Count + dealIds.Count > RecentCompaniesCap)
        {
            return;
        }

        foreach (var id in dealIds)
        {
            _recentCompanies[id] = (read.GetValueOrDefault(id) ?? [], now);
        }
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

    /// <summary>
    /// The records of <paramref name="toType"/> associated with each of <paramref name="fromIds"/>, through the v4 batch
    /// read: <see cref="BatchSize"/> inputs a call, then, for the inputs whose page said more follow, their next pages
    /// together in the same way. An id with no associations, or that HubSpot does not know (deleted since), is absent.
    /// </summary>
    private async Task<Dictionary<string, List<AssociatedRecord>>> BatchReadAsync(
        string fromType,
        string toType,
        IReadOnlyCollection<string> fromIds,
        CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, List<AssociatedRecord>>(StringComparer.Ordinal);
        var pending = fromIds.Select(id => new AssociationReadInput(id)).ToList();
        var operation = $"associations batch/read of {fromType} to {toType}";
        while (pending.Count > 0)
        {
            var next = new List<AssociationReadInput>();
            foreach (var chunk in pending.Chunk(BatchSize))
            {
                var request = new AssociationBatchReadRequest(chunk);
                var response = await HubSpotApi.CallAsync(
                    operation,
                    ct => api.BatchReadAsync(fromType, toType, request, HubSpotCall.ReadByPost, ct),
                    cancellationToken).ConfigureAwait(false);
                foreach (var result in response.Results)
                {
                    if (!read.TryGetValue(result.From.Id, out var associated))
                    {
                        read[result.From.Id] = associated = [];
                    }

                    associated.AddRange(result.To);

                    // An empty page that still points on would loop forever; HubSpot would have nothing more to give.
                    if (result.Paging?.Next?.After is { Length: > 0 } after && result.To.Count > 0)
                    {
                        next.Add(new AssociationReadInput(result.From.Id, after));
                    }
                }

                ReportErrors(operation, fromType, toType, chunk.Length, response.Errors);
            }

            pending = next;
        }

        return read;
    }

    /// <summary>
    /// Records without associations of the type, and ids HubSpot does not have (deleted since the event), come back as
    /// OBJECT_NOT_FOUND: they simply have none. The unknown ones are logged; any other error is a warning.
    /// </summary>
    private void ReportErrors(string operation, string fromType, string toType, int inputs, List<BatchError>? errors)
    {
        var unexpected = new List<BatchError>();
        foreach (var error in errors ?? [])
        {
            if (error.Category != ObjectNotFound)
            {
                unexpected.Add(error);
            }
            else if (error.SubCategory != NoAssociationsFound)
            {
                foreach (var id in error.Context?.GetValueOrDefault("ids") ?? [])
                {
                    HubSpotLog.AssociationsOfUnknown(logger, fromType, id, toType);
                }
            }
        }

        if (unexpected.Count > 0)
        {
            HubSpotLog.BatchErrors(logger, operation, unexpected.Count, inputs, string.Join(", ", unexpected.Select(e => $"{e.Category}: {e.Message}")));
        }
    }

    /// <summary>The ids that can name a HubSpot record, each once; the others are logged and cost no call.</summary>
    private List<string> KnownIds(IEnumerable<string> ids, string fromType, string toType)
    {
        var known = new SortedSet<string>(IdOrder);
        foreach (var id in ids)
        {
            if (IsId(id))
            {
                known.Add(id);
            }
            else
            {
                HubSpotLog.AssociationsOfUnknown(logger, fromType, id, toType);
            }
        }

        return [.. known];
    }

    private static IEnumerable<string> Ids(List<AssociatedRecord>? associated) =>
        associated?.Select(a => a.ToObjectId.ToString(CultureInfo.InvariantCulture)) ?? [];

    /// <summary>The deal's company: the primary one when the association types mark one, else the lowest id.</summary>
    private static string? Choose(List<AssociatedRecord> companies)
    {
        string? chosen = null;
        var chosenPrimary = false;
        foreach (var company in companies)
        {
            var id = company.ToObjectId.ToString(CultureInfo.InvariantCulture);
            var primary = company.AssociationTypes.Any(t => t.TypeId == PrimaryDealToCompany && string.Equals(t.Category, HubSpotDefined, StringComparison.Ordinal));
            if (chosen is null || (primary && !chosenPrimary) || (primary == chosenPrimary && Watermark.CompareIds(id, chosen) < 0))
            {
                (chosen, chosenPrimary) = (id, primary);
            }
        }

        return chosen;
    }

    /// <summary>HubSpot record ids are positive whole numbers; anything else cannot name a record there.</summary>
    private static bool IsId(string? id) => id is { Length: > 0 and <= 19 } && id.All(char.IsAsciiDigit) && id[0] != '0';
}
