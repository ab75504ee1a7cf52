using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>
/// Incremental polling through CRM search on the modification-time property (crm-api-facts.md H-3), 200 a page,
/// sorted ascending. Every page is a new query that starts where the records already released end; no query pages
/// with <c>after</c>. Offsets are positions in a result set that moves while it is read: a record modified between two
/// pages leaves its place and shifts every later record one place forward, so the record at the next offset would
/// never be read. Starting each page from the watermark cannot skip anything, and no query reaches the 10,000-result
/// ceiling. Search sorts by one property only, so:
/// <list type="bullet">
/// <item>Records sharing a timestamp come in no particular id order. A page releases (in id order) only the timestamp
/// groups a later timestamp on the same page shows complete; the next page starts after the last complete one
/// (<c>modified GT T</c>), so the incomplete group is read again whole.</item>
/// <item>When a whole page shares one timestamp (more records than a page holds), that timestamp is read on its own by
/// id — <c>modified EQ T AND hs_object_id GT lastId</c>, sorted by id, each page after the last id released — and
/// polling then goes on with <c>modified GT T</c>.</item>
/// </list>
/// A record modified while the poll runs is read again at its new time; the poll returns it once, at its latest
/// version and place. Deals get their company (<see cref="CrmSchema.HubSpotDealCompanyField"/>) from one association
/// batch read per 100 deals polled.
/// </summary>
internal sealed class HubSpotPoller(IHubSpotObjectsApi api, HubSpotAssociationReader associations, ICrmSchemaSource schemas, ILogger<HubSpotPoller> logger)
{
    public const int PageSize = 200;
    public const string IdProperty = "hs_object_id";

    public async Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var result = await SearchAsync(obj, since, maxRecords, cancellationToken).ConfigureAwait(false);
        return obj == CrmObject.Opportunity
            ? result with { Records = await associations.WithCompaniesAsync(result.Records, cancellationToken).ConfigureAwait(false) }
            : result;
    }

    private async Task<PollResult> SearchAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken)
    {
        var schema = schemas.For(CrmKind.HubSpot);
        var run = new PollRun(schema.ObjectName(obj), schema.ModifiedField(obj), HubSpotRecords.PropertiesToRead(schema, obj), since, maxRecords);

        // Where the next page starts: after fromMs (from it, while its group may still hold unread records), or
        // inside the one timestamp tieMs after the last id released there.
        var fromMs = since.ModifiedAt.ToUnixTimeMilliseconds();
        var inclusive = true;
        long? tieMs = null;
        while (!run.Full)
        {
            var request = tieMs is { } tie ? run.AtTimestamp(tie) : run.From(fromMs, inclusive);
            var page = await HubSpotApi.CallAsync(
                $"search of {run.ObjectType}",
                ct => api.SearchAsync(run.ObjectType, request, HubSpotCall.Search, ct),
                cancellationToken).ConfigureAwait(false);
            var records = page.Results.Select(item => HubSpotRecords.ToRecord(item, run.ModifiedField)).ToList();
            var more = records.Count > 0 && page.Paging?.Next is not null;

            if (tieMs is { } timestamp)
            {
                if (run.Release(records))
                {
                    return run.Result(hasMore: true);
                }

                if (!more)
                {
                    (fromMs, inclusive, tieMs) = (timestamp, false, null);
                }

                continue;
            }

            if (!more)
            {
                return run.Result(hasMore: run.Release(records));
            }

            var lastMs = Ms(records[^1]);
            var complete = records.TakeWhile(r => Ms(r) < lastMs).ToList();
            if (complete.Count == 0)
            {
                tieMs = lastMs;
                HubSpotLog.SearchByIdAtTimestamp(logger, run.ObjectType, run.ModifiedField, lastMs, run.AfterIdAt(lastMs));
                continue;
            }

            if (run.Release(complete))
            {
                return run.Result(hasMore: true);
            }

            (fromMs, inclusive) = (Ms(complete[^1]), false);
        }

        return run.Result(hasMore: true);
    }

    private static long Ms(CrmRecord record) => record.ModifiedAt.ToUnixTimeMilliseconds();

    /// <summary>The state of one poll: the records released so far (each id once) and the watermark after them.</summary>
    private sealed class PollRun(string objectType, string modifiedField, IReadOnlyList<string> properties, Watermark since, int maxRecords)
    {
        private readonly List<CrmRecord?> _records = [];
        private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

        public string ObjectType { get; } = objectType;

        public string ModifiedField { get; } = modifiedField;

        public Watermark Watermark { get; private set; } = since;

        public bool Full => _positions.Count >= maxRecords;

        public SearchRequest From(long fromMs, bool inclusive) => new(
            [new SearchFilterGroup([new SearchFilter(ModifiedField, inclusive ? "GTE" : "GT", Text(fromMs))])],
            [new SearchSort(ModifiedField, "ASCENDING")],
            properties,
            PageSize);

        /// <summary>One timestamp in id order, after the last id released at it.</summary>
        public SearchRequest AtTimestamp(long ms)
        {
            List<SearchFilter> filters = [new(ModifiedField, "EQ", Text(ms))];
            if (AfterIdAt(ms) is { } lastId)
            {
                filters.Add(new SearchFilter(IdProperty, "GT", lastId));
            }

            return new SearchRequest([new SearchFilterGroup(filters)], [new SearchSort(IdProperty, "ASCENDING")], properties, PageSize);
        }

        /// <summary>The last id released at <paramref name="ms"/>, when the watermark sits at that timestamp.</summary>
        public string? AfterIdAt(long ms) => Watermark.ModifiedAt.ToUnixTimeMilliseconds() == ms ? Watermark.LastId : null;

        /// <summary>
        /// Releases complete timestamp groups, read in time order: each group in id order, only what is after the
        /// watermark, up to the poll's size. True when the poll is full and records of these groups were left over.
        /// </summary>
        public bool Release(IReadOnlyList<CrmRecord> records)
        {
            var fresh = records.Where(r => Watermark.IsNew(r.ModifiedAt, r.Id)).ToList();
            fresh.Sort((a, b) => a.ModifiedAt != b.ModifiedAt ? a.ModifiedAt.CompareTo(b.ModifiedAt) : Watermark.CompareIds(a.Id, b.Id));
            foreach (var record in fresh)
            {
                if (Full && !_positions.ContainsKey(record.Id))
                {
                    return true;
                }

                // A record modified while the poll runs comes again at its new time: keep only the latest version.
                if (_positions.Remove(record.Id, out var earlier))
                {
                    _records[earlier] = null;
                }

                _positions[record.Id] = _records.Count;
                _records.Add(record);
                Watermark = new Watermark(record.ModifiedAt, record.Id);
            }

            return false;
        }

        public PollResult Result(bool hasMore) => new([.. _records.OfType<CrmRecord>()], Watermark, hasMore);

        private static string Text(long ms) => HubSpotRecords.Milliseconds(DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }
}
