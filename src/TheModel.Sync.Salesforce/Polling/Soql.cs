using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>The SOQL statements the connector sends (facts S-3). Names come from the schema, ids are checked Salesforce ids.</summary>
internal static partial class Soql
{
    public const string Users = "SELECT Id, Name, Email, IsActive FROM User";
    public const string Queues = "SELECT Id, Name FROM Group WHERE Type = 'Queue'";

    /// <summary>The standard lookup from a Contact to its Account.</summary>
    public const string ContactAccountField = "AccountId";

    /// <summary>
    /// Records after <paramref name="since"/> and before <paramref name="before"/>, in (modified, id) order. With an id
    /// the tie at the watermark's instant is broken by id, so a page boundary inside a run of equal timestamps neither
    /// skips nor repeats a record; without one (the start) every record at the instant is new, hence <c>&gt;=</c>.
    /// <paramref name="before"/> keeps seconds that may still gain records out of the poll (see
    /// <see cref="SalesforceOptions.PollSettleTime"/>). SOQL wants parentheses where AND and OR meet.
    /// </summary>
    public static string Poll(IReadOnlyList<string> fields, string sObject, string modifiedField, Watermark since, DateTimeOffset before, int limit)
    {
        CheckName(modifiedField, "field");
        var ts = SalesforceDateTime.ToSoqlLiteral(since.ModifiedAt);
        var cutoff = $"{modifiedField} < {SalesforceDateTime.ToSoqlLiteral(before)}";
        string where;
        if (since.LastId is null)
        {
            where = $"{modifiedField} >= {ts} AND {cutoff}";
        }
        else if (SalesforceIds.TryCanonical(since.LastId, out var lastId))
        {
            where = $"({modifiedField} > {ts} OR ({modifiedField} = {ts} AND Id > '{lastId}')) AND {cutoff}";
        }
        else
        {
            throw new ArgumentException($"The watermark's id must be a Salesforce id, was '{since.LastId}'.", nameof(since));
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Select(fields, sObject)} WHERE {where} ORDER BY {modifiedField}, Id LIMIT {limit}");
    }

    /// <summary><c>SELECT … FROM … WHERE Id IN ('a','b')</c> for ids already checked as Salesforce ids.</summary>
    public static string ById(string select, IEnumerable<string> ids)
    {
        var text = new StringBuilder(select).Append(" WHERE Id IN (");
        AppendIds(text, ids);
        return text.Append(')').ToString();
    }

    /// <summary>
    /// <c>SELECT … FROM … WHERE OwnerId IN ('a','b') AND Status IN ('MQL','Working - Contacted')</c>: the persons the
    /// owner ids (already checked as Salesforce ids) own, narrowed by the stage filter when there is one.
    /// </summary>
    public static string Owned(string select, string ownerField, IEnumerable<string> ownerIds, StageFilter? stages)
    {
        CheckName(ownerField, "field");
        var text = new StringBuilder(select).Append(" WHERE ").Append(ownerField).Append(" IN (");
        AppendIds(text, ownerIds);
        text.Append(')');
        if (stages is not null)
        {
            CheckName(stages.Field, "field");
            text.Append(" AND ").Append(stages.Field).Append(" IN (");
            var first = true;
            foreach (var value in stages.Values)
            {
                text.Append(first ? string.Empty : ",").Append(Quote(value));
                first = false;
            }

            text.Append(')');
        }

        return text.ToString();
    }

    /// <summary>A SOQL string literal: quotes, backslashes and control characters escaped as SOQL reads them.</summary>
    public static string Quote(string value) => Literal(value, prefix: string.Empty, likeWildcards: false);

    /// <summary>
    /// A <c>LIKE</c> pattern matching every value that ends with <paramref name="suffix"/>: <c>'%suffix'</c>, with the
    /// suffix's own <c>%</c> and <c>_</c> escaped so they match only themselves.
    /// </summary>
    public static string EndsWithPattern(string suffix) => Literal(suffix, prefix: "%", likeWildcards: true);

    /// <summary>
    /// <c>SELECT Id, AccountId FROM Contact WHERE AccountId IN ('…','…') ORDER BY Id</c>: the Contacts of the accounts
    /// (ids already checked as Salesforce ids), each with its account so that it can be given back to it.
    /// </summary>
    public static string ContactsOfAccounts(string personObject, IEnumerable<string> accountIds)
    {
        var text = new StringBuilder(Select(["Id", ContactAccountField], personObject)).Append(" WHERE ").Append(ContactAccountField).Append(" IN (");
        AppendIds(text, accountIds);
        return text.Append(") ORDER BY Id").ToString();
    }

    /// <summary>
    /// <c>SELECT Id, AccountId FROM Opportunity WHERE Id IN ('…','…')</c>, with the schema's account field: the account
    /// of each opportunity (ids already checked as Salesforce ids).
    /// </summary>
    public static string AccountsOfOpportunities(string accountField, IEnumerable<string> opportunityIds) =>
        ById(Select(["Id", accountField], "Opportunity"), opportunityIds);

    /// <summary>
    /// <c>SELECT Id, Email FROM Lead WHERE IsConverted = false AND (Email LIKE '%@acme.com' OR Email LIKE '%.acme.com' …) ORDER BY Id</c>:
    /// the unconverted Leads whose email is at one of the domains or a subdomain of one, with the email so that each can
    /// be given to the records of its domain. A bare <c>%acme.com</c> would also take <c>notacme.com</c>; ending on
    /// <c>@</c> or <c>.</c> and the domain is the whole-label match.
    /// </summary>
    public static string LeadsAtDomains(string personObject, string emailField, IEnumerable<string> domains)
    {
        var text = new StringBuilder(Select(["Id", emailField], personObject)).Append(" WHERE IsConverted = false AND (");
        var first = true;
        foreach (var domain in domains)
        {
            text.Append(first ? string.Empty : " OR ").Append(DomainCondition(emailField, domain));
            first = false;
        }

        return text.Append(") ORDER BY Id").ToString();
    }

    /// <summary>One domain's part of <see cref="LeadsAtDomains"/>, also what it costs in the query.</summary>
    public static string DomainCondition(string emailField, string domain) =>
        $"{emailField} LIKE {EndsWithPattern("@" + domain)} OR {emailField} LIKE {EndsWithPattern("." + domain)}";

    private static void AppendIds(StringBuilder text, IEnumerable<string> ids)
    {
        var first = true;
        foreach (var id in ids)
        {
            text.Append(first ? "'" : ",'").Append(id).Append('\'');
            first = false;
        }
    }

    private static string Literal(string value, string prefix, bool likeWildcards)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + prefix.Length + 2).Append('\'').Append(prefix);
        foreach (var c in value)
        {
            if (likeWildcards && c is '%' or '_')
            {
                text.Append('\\').Append(c);
                continue;
            }

            text.Append(c switch
            {
                '\'' => "\\'",
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => c.ToString(),
            });
        }

        return text.Append('\'').ToString();
    }

    /// <summary><c>SELECT a, b FROM Obj</c>, refusing names that are not API names (a config typo should not become a query).</summary>
    public static string Select(IReadOnlyList<string> fields, string sObject)
    {
        ArgumentNullException.ThrowIfNull(fields);
        CheckName(sObject, "object");
        foreach (var field in fields)
        {
            CheckName(field, "field");
        }

        return $"SELECT {string.Join(", ", fields)} FROM {sObject}";
    }

    private static void CheckName(string name, string what)
    {
        if (!ApiName().IsMatch(name))
        {
            throw new InvalidOperationException($"Salesforce {what} name must be an API name like Status or TheModel_Key__c, was '{name}'.");
        }
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiName();
}
