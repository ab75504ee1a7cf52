using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>
/// The persons lost opportunities or churned accounts concern, as Salesforce links them: Contacts by their
/// <c>AccountId</c>; Leads, which belong to no account until converted, by the domain of their email. A whole batch
/// of records costs a few queries, not queries per record: one <c>IN</c> list (or one set of domains) per URL's worth.
/// </summary>
internal sealed class SalesforcePeopleReader(
    SalesforceQueryRunner queries,
    ICrmSchemaSource schemas,
    IOptions<SalesforceOptions> options,
    ILogger<SalesforcePeopleReader> logger)
{
    private const string ContactObject = "Contact";
    private const string NoModifiedField = "SystemModstamp";

    private readonly int _batchSize = options.Value.QueryBatchSize;

    /// <summary>
    /// For each record (by <see cref="PeopleOf.RecordId"/>), the person ids, each once, in id order; every record asked
    /// for is in the result, with an empty list when it has none. No call when there is nothing to look for.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.FirstOrDefault(r => r.Object is not (CrmObject.Opportunity or CrmObject.Account)) is { } wrong)
        {
            throw new ArgumentException($"The persons of a {wrong.Object} cannot be found: only an Opportunity's or an Account's ({wrong.RecordId}).", nameof(records));
        }

        var schema = schemas.For(CrmKind.Salesforce);
        var personObject = schema.PersonObjectName;
        var people = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var of in records)
        {
            people.TryAdd(of.RecordId, new SortedSet<string>(StringComparer.Ordinal));
        }

        var queryCount = personObject == ContactObject
            ? await ReadContactsAsync(records, schema, people, cancellationToken).ConfigureAwait(false)
            : await ReadLeadsAsync(records, schema, people, cancellationToken).ConfigureAwait(false);

        foreach (var (recordId, ids) in people)
        {
            SalesforceLog.PeopleOfRead(logger, recordId, ids.Count, personObject);
        }

        SalesforceLog.PeopleOfBatchRead(logger, records.Count, people.Values.Sum(p => p.Count), personObject, queryCount);
        return people.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
    }

    /// <summary>
    /// Domains per query so that each query's URL stays under <see cref="SalesforceReader.MaxQueryUrlLength"/>, far
    /// below the 100,000 characters a SOQL statement may have.
    /// </summary>
    internal static IEnumerable<List<string>> ChunkDomains(string personObject, string emailField, IEnumerable<string> domains)
    {
        var budget = SalesforceReader.MaxQueryUrlLength - SalesforceReader.UrlOverhead - Uri.EscapeDataString(Soql.LeadsAtDomains(personObject, emailField, [])).Length;
        var chunk = new List<string>();
        var used = 0;
        foreach (var domain in domains)
        {
            var cost = Uri.EscapeDataString(" OR " + Soql.DomainCondition(emailField, domain)).Length;
            if (chunk.Count > 0 && used + cost > budget)
            {
                yield return chunk;
                chunk = [];
                used = 0;
            }

            chunk.Add(domain);
            used += cost;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// The part of an email after its last <c>@</c> and every parent domain of it, lower case, longest first
    /// (<c>a@eu.acme.com</c>: <c>eu.acme.com</c>, <c>acme.com</c>, <c>com</c>); none when there is no <c>@</c>.
    /// </summary>
    internal static IEnumerable<string> DomainsOf(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (at < 0)
        {
            yield break;
        }

        var host = email![(at + 1)..].Trim().ToLowerInvariant();
        while (host.Length > 0)
        {
            yield return host;
            var dot = host.IndexOf('.', StringComparison.Ordinal);
            host = dot < 0 ? string.Empty : host[(dot + 1)..];
        }
    }

    /// <summary>
    /// Contacts: each record's account (given, the account itself, or the opportunity's read in one <c>IN</c> query for
    /// all the opportunities whose account the caller did not know), then the Contacts of all those accounts, given back
    /// to every record of their <c>AccountId</c>. Returns the number of queries sent.
    /// </summary>
    private async Task<int> ReadContactsAsync(IReadOnlyList<PeopleOf> records, CrmSchema schema, Dictionary<string, SortedSet<string>> people, CancellationToken cancellationToken)
    {
        var queryCount = 0;
        var recordsOfAccount = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var unknownAccount = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var of in records)
        {
            var known = of.AccountId ?? (of.Object == CrmObject.Account ? of.RecordId : null);
            if (known is not null && SalesforceIds.TryCanonical(known, out var accountId))
            {
                Add(recordsOfAccount, accountId, of.RecordId);
            }
            else if (known is null && SalesforceIds.TryCanonical(of.RecordId, out var opportunityId))
            {
                Add(unknownAccount, opportunityId, of.RecordId);
            }
            else
            {
                SalesforceLog.PeopleOfNone(logger, of.Object.ToString(), of.RecordId, "no Salesforce account id");
            }
        }

        if (unknownAccount.Count > 0)
        {
            var accountField = schema.OpportunityFields.GetValueOrDefault("account") ?? "AccountId";
            var accountOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var chunk in SalesforceReader.ChunkForUrl(Soql.AccountsOfOpportunities(accountField, []), unknownAccount.Keys.Order(StringComparer.Ordinal)))
            {
                var rows = await queries.QueryAsync(Soql.AccountsOfOpportunities(accountField, chunk), _batchSize, r => SalesforceRecordReader.Read(r, NoModifiedField), cancellationToken)
                    .ConfigureAwait(false);
                queryCount++;
                foreach (var row in rows)
                {
                    if (row[accountField] is { } account && SalesforceIds.TryCanonical(account, out var accountId) && SalesforceIds.TryCanonical(row.Id, out var opportunityId))
                    {
                        accountOf[opportunityId] = accountId;
                    }
                }
            }

            foreach (var (opportunityId, recordIds) in unknownAccount)
            {
                if (accountOf.TryGetValue(opportunityId, out var accountId))
                {
                    foreach (var recordId in recordIds)
                    {
                        Add(recordsOfAccount, accountId, recordId);
                    }
                }
                else
                {
                    foreach (var recordId in recordIds)
                    {
                        SalesforceLog.PeopleOfNone(logger, nameof(CrmObject.Opportunity), recordId, "the opportunity has no account, or Salesforce no longer has it");
                    }
                }
            }
        }

        var personObject = schema.PersonObjectName;
        foreach (var chunk in SalesforceReader.ChunkForUrl(Soql.ContactsOfAccounts(personObject, []), recordsOfAccount.Keys.Order(StringComparer.Ordinal)))
        {
            var contacts = await queries.QueryAsync(Soql.ContactsOfAccounts(personObject, chunk), _batchSize, r => SalesforceRecordReader.Read(r, NoModifiedField), cancellationToken)
                .ConfigureAwait(false);
            queryCount++;
            foreach (var contact in contacts)
            {
                if (contact[Soql.ContactAccountField] is { } account
                    && SalesforceIds.TryCanonical(account, out var accountId)
                    && recordsOfAccount.TryGetValue(accountId, out var recordIds))
                {
                    foreach (var recordId in recordIds)
                    {
                        people[recordId].Add(contact.Id);
                    }
                }
            }
        }

        return queryCount;
    }

    /// <summary>
    /// Leads: one query per URL's worth of the union of every record's domains; each Lead is given to every record one
    /// of whose domains its email is at, or under. Returns the number of queries sent.
    /// </summary>
    private async Task<int> ReadLeadsAsync(IReadOnlyList<PeopleOf> records, CrmSchema schema, Dictionary<string, SortedSet<string>> people, CancellationToken cancellationToken)
    {
        var recordsOfDomain = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var of in records)
        {
            var domains = of.Domains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (domains.Count == 0)
            {
                SalesforceLog.PeopleOfNone(logger, of.Object.ToString(), of.RecordId, "the account has no domain");
            }

            foreach (var domain in domains)
            {
                Add(recordsOfDomain, domain, of.RecordId);
            }
        }

        var personObject = schema.PersonObjectName;
        var emailField = schema.PersonFields.GetValueOrDefault("email") ?? "Email";
        var queryCount = 0;
        foreach (var chunk in ChunkDomains(personObject, emailField, recordsOfDomain.Keys.Order(StringComparer.Ordinal)))
        {
            var leads = await queries.QueryAsync(Soql.LeadsAtDomains(personObject, emailField, chunk), _batchSize, r => SalesforceRecordReader.Read(r, NoModifiedField), cancellationToken)
                .ConfigureAwait(false);
            queryCount++;
            foreach (var lead in leads)
            {
                // The query's LIKE is a superset (it also takes text that is no email); the domain walk is the match.
                foreach (var domain in DomainsOf(lead[emailField]))
                {
                    foreach (var recordId in recordsOfDomain.GetValueOrDefault(domain) ?? [])
                    {
                        people[recordId].Add(lead.Id);
                    }
                }
            }
        }

        return queryCount;
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string recordId)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        if (!list.Contains(recordId, StringComparer.Ordinal))
        {
            list.Add(recordId);
        }
    }
}
