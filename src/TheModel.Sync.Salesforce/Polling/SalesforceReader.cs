using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>Incremental polls, reads by id and the owner list, all through SOQL.</summary>
internal sealed class SalesforceReader(
    SalesforceQueryRunner queries,
    ICrmSchemaSource schemas,
    IOptions<SalesforceOptions> options,
    TimeProvider time,
    ILogger<SalesforceReader> logger)
{
    /// <summary>
    /// Query URLs are kept under this length (the usual limit of proxies and of Salesforce's own URI handling), which
    /// fits about 580 ids per <c>IN</c> list.
    /// </summary>
    internal const int MaxQueryUrlLength = 16_000;

    /// <summary>"/services/data/v62.0/query?q=" and some slack for the host the session handler puts in front.</summary>
    internal const int UrlOverhead = 128;

    private readonly int _batchSize = options.Value.QueryBatchSize;
    private readonly TimeSpan _settleTime = options.Value.PollSettleTime;

    public async Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var schema = schemas.For(CrmKind.Salesforce);
        var sObject = schema.ObjectName(obj);
        var modifiedField = schema.ModifiedField(obj);
        var before = SettledBefore();
        if (before <= since.ModifiedAt)
        {
            // Nothing before the cutoff can be after the watermark: no call.
            SalesforceLog.PollRead(logger, sObject, since.ToString(), 0, false);
            return new PollResult([], since, HasMore: false);
        }

        var soql = Soql.Poll(schema.ReadFields(obj), sObject, modifiedField, since, before, maxRecords);
        var batchSize = Math.Clamp(maxRecords, SalesforceOptionsValidator.MinBatchSize, _batchSize);
        var read = await queries.QueryAsync(soql, batchSize, r => SalesforceRecordReader.Read(r, modifiedField, requireModified: true), cancellationToken)
            .ConfigureAwait(false);

        // The query already excludes what the watermark has seen; this guards the contract if the server disagrees.
        var records = read.Where(r => since.IsNew(r.ModifiedAt, r.Id)).ToList();
        if (records.Count != read.Count)
        {
            SalesforceLog.PollDroppedSeen(logger, sObject, read.Count - records.Count, since.ToString());
        }

        var next = records.Count > 0 ? new Watermark(records[^1].ModifiedAt, records[^1].Id) : since;
        var hasMore = read.Count >= maxRecords;
        SalesforceLog.PollRead(logger, sObject, since.ToString(), records.Count, hasMore);
        return new PollResult(records, next, hasMore);
    }

    public async Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var schema = schemas.For(CrmKind.Salesforce);
        var modifiedField = schema.ModifiedField(obj);
        var select = Soql.Select(schema.ReadFields(obj), schema.ObjectName(obj));

        // Anything that is not a Salesforce id cannot be found, so it is simply absent from the result.
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (SalesforceIds.TryCanonical(id, out var canonical))
            {
                wanted.Add(canonical);
            }
        }

        var records = new List<CrmRecord>(wanted.Count);
        foreach (var chunk in ChunkForUrl(Soql.ById(select, []), wanted))
        {
            records.AddRange(await queries.QueryAsync(
                Soql.ById(select, chunk),
                _batchSize,
                r => SalesforceRecordReader.Read(r, modifiedField),
                cancellationToken).ConfigureAwait(false));
        }

        return records;
    }

    public async Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken)
    {
        var users = await queries.QueryAsync(Soql.Users, _batchSize, r => ToOwner(r, isQueue: false), cancellationToken)
            .ConfigureAwait(false);
        var queues = await queries.QueryAsync(Soql.Queues, _batchSize, r => ToOwner(r, isQueue: true), cancellationToken)
            .ConfigureAwait(false);
        return [.. users, .. queues];
    }

    /// <summary>
    /// The persons the owner ids own (narrowed by <paramref name="stages"/>), reading only the id, owner, stage and
    /// modification fields; the owner ids are split so that each query's URL stays under <see cref="MaxQueryUrlLength"/>.
    /// </summary>
    public async Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIds);
        var schema = schemas.For(CrmKind.Salesforce);
        var modifiedField = schema.ModifiedField(CrmObject.Person);
        var fields = new SortedSet<string>(StringComparer.Ordinal) { "Id", schema.OwnerField, modifiedField };
        fields.UnionWith(schema.StageFields);
        if (stages is not null)
        {
            fields.Add(stages.Field);
        }

        var select = Soql.Select([.. fields], schema.PersonObjectName);

        // An id that is not a Salesforce id owns nothing there (the roster check reports it).
        var owners = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in ownerIds)
        {
            if (SalesforceIds.TryCanonical(id, out var canonical))
            {
                owners.Add(canonical);
            }
        }

        if (owners.Count == 0 || stages is { Values.Count: 0 })
        {
            return [];
        }

        var fixedText = Soql.Owned(select, schema.OwnerField, [], stages);
        var records = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        foreach (var chunk in ChunkForUrl(fixedText, owners))
        {
            var read = await queries.QueryAsync(
                Soql.Owned(select, schema.OwnerField, chunk, stages),
                _batchSize,
                r => SalesforceRecordReader.Read(r, modifiedField),
                cancellationToken).ConfigureAwait(false);
            foreach (var record in read)
            {
                records[record.Id] = record;
            }
        }

        return [.. records.Values];
    }

    private static CrmOwner ToOwner(JsonElement element, bool isQueue)
    {
        var record = SalesforceRecordReader.Read(element, modifiedField: "SystemModstamp");
        var active = isQueue || string.Equals(record["IsActive"], "true", StringComparison.Ordinal);
        return new CrmOwner(record.Id, record["Email"], record["Name"], active, isQueue);
    }

    /// <summary>The start of the second <see cref="SalesforceOptions.PollSettleTime"/> ago: polls read only records stamped before it.</summary>
    private DateTimeOffset SettledBefore()
    {
        var at = time.GetUtcNow() - _settleTime;
        return new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>
    /// Splits ids so that each <c>IN</c> query's URL stays under <see cref="MaxQueryUrlLength"/>; <paramref name="fixedText"/>
    /// is the query with an empty id list.
    /// </summary>
    internal static IEnumerable<List<string>> ChunkForUrl(string fixedText, IEnumerable<string> ids)
    {
        var budget = MaxQueryUrlLength - UrlOverhead - Uri.EscapeDataString(fixedText).Length;
        var chunk = new List<string>();
        var used = 0;
        foreach (var id in ids)
        {
            // 'id' plus a comma, percent-encoded: %27…%27%2C.
            var cost = Uri.EscapeDataString($",'{id}'").Length;
            if (chunk.Count > 0 && used + cost > budget)
            {
                yield return chunk;
                chunk = [];
                used = 0;
            }

            chunk.Add(id);
            used += cost;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
