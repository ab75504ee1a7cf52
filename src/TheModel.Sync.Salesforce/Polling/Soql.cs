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
        var first = true;
        foreach (var id in ids)
        {
            text.Append(first ? "'" : ",'").Append(id).Append('\'');
            first = false;
        }

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
        var firstId = true;
        foreach (var id in ownerIds)
        {
            text.Append(firstId ? "'" : ",'").Append(id).Append('\'');
            firstId = false;
        }

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
    /// <c>SELECT Id FROM Contact WHERE AccountId = '…' ORDER BY Id</c>: the Contacts of one account (an id already
    /// checked as a Salesforce id).
    /// </summary>
    public static string ContactsOfAccount(string personObject, string accountId) =>
        $"{Select(["Id"], personObject)} WHERE AccountId = '{accountId}' ORDER BY Id";

    /// <summary><c>SELECT AccountId FROM Opportunity WHERE Id = '…'</c>, with the schema's account field.</summary>
    public static string AccountOfOpportunity(string accountField, string opportunityId) =>
        $"{Select(["Id", accountField], "Opportunity")} WHERE Id = '{opportunityId}'";

    /// <summary>
    /// <c>SELECT Id FROM Lead WHERE IsConverted = false AND (Email LIKE '%@acme.com' OR Email LIKE '%.acme.com' …) ORDER BY Id</c>:
    /// the unconverted Leads whose email is at one of the domains or a subdomain of one. A bare <c>%acme.com</c> would
    /// also take <c>notacme.com</c>; ending on <c>@</c> or <c>.</c> and the domain is the whole-label match.
    /// </summary>
    public static string LeadsAtDomains(string personObject, string emailField, IEnumerable<string> domains)
    {
        CheckName(emailField, "field");
        var text = new StringBuilder(Select(["Id"], personObject)).Append(" WHERE IsConverted = false AND (");
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
