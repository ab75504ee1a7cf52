using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>
/// The persons a lost opportunity or churned account concerns, as Salesforce links them: Contacts by their
/// <c>AccountId</c>; Leads, which belong to no account until converted, by the domain of their email.
/// </summary>
internal sealed class SalesforcePeopleReader(
    SalesforceQueryRunner queries,
    ICrmSchemaSource schemas,
    IOptions<SalesforceOptions> options,
    ILogger<SalesforcePeopleReader> logger)
{
    private const string ContactObject = "Contact";

    private readonly int _batchSize = options.Value.QueryBatchSize;

    /// <summary>The person ids, each once, in id order; no call when there is nothing to look for.</summary>
    public async Task<IReadOnlyList<string>> ReadPeopleOfAsync(PeopleOf of, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(of);
        if (of.Object is not (CrmObject.Opportunity or CrmObject.Account))
        {
            throw new ArgumentException($"The persons of a {of.Object} cannot be found: only an Opportunity's or an Account's.", nameof(of));
        }

        var schema = schemas.For(CrmKind.Salesforce);
        var personObject = schema.PersonObjectName;
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        var queryCount = 0;
        if (personObject == ContactObject)
        {
            var accountId = await AccountIdAsync(of, schema, cancellationToken).ConfigureAwait(false);
            if (accountId.Queried)
            {
                queryCount++;
            }

            if (accountId.Id is null)
            {
                SalesforceLog.PeopleOfNone(logger, of.Object.ToString(), of.RecordId, accountId.Queried ? "the opportunity has no account" : "no Salesforce account id");
                return [];
            }

            ids.UnionWith(await queries.QueryAsync(Soql.ContactsOfAccount(personObject, accountId.Id), _batchSize, r => SalesforceRecordReader.Read(r, "SystemModstamp").Id, cancellationToken)
                .ConfigureAwait(false));
            queryCount++;
        }
        else
        {
            var domains = of.Domains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (domains.Count == 0)
            {
                SalesforceLog.PeopleOfNone(logger, of.Object.ToString(), of.RecordId, "the account has no domain");
                return [];
            }

            var emailField = schema.PersonFields.GetValueOrDefault("email") ?? "Email";
            foreach (var chunk in ChunkDomains(personObject, emailField, domains))
            {
                ids.UnionWith(await queries.QueryAsync(Soql.LeadsAtDomains(personObject, emailField, chunk), _batchSize, r => SalesforceRecordReader.Read(r, "SystemModstamp").Id, cancellationToken)
                    .ConfigureAwait(false));
                queryCount++;
            }
        }

        SalesforceLog.PeopleOfRead(logger, of.Object.ToString(), of.RecordId, ids.Count, personObject, queryCount);
        return [.. ids];
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
    /// The account whose Contacts to read: <see cref="PeopleOf.AccountId"/>, the account itself, or the opportunity's
    /// account read from Salesforce when the caller did not know it. <c>Queried</c> says whether that took a query.
    /// </summary>
    private async Task<(string? Id, bool Queried)> AccountIdAsync(PeopleOf of, CrmSchema schema, CancellationToken cancellationToken)
    {
        var known = of.AccountId ?? (of.Object == CrmObject.Account ? of.RecordId : null);
        if (known is not null)
        {
            return (SalesforceIds.TryCanonical(known, out var id) ? id : null, false);
        }

        if (!SalesforceIds.TryCanonical(of.RecordId, out var opportunityId))
        {
            return (null, false);
        }

        var accountField = schema.OpportunityFields.GetValueOrDefault("account") ?? "AccountId";
        var rows = await queries.QueryAsync(Soql.AccountOfOpportunity(accountField, opportunityId), _batchSize, r => SalesforceRecordReader.Read(r, "SystemModstamp"), cancellationToken)
            .ConfigureAwait(false);
        var account = rows.Count > 0 ? rows[0][accountField] : null;
        return (account is not null && SalesforceIds.TryCanonical(account, out var accountId) ? accountId : null, true);
    }
}
