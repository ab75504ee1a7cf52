using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>
/// Incremental polling through CRM search on the modification-time property (crm-api-facts.md H-3): filter
/// <c>modified GTE since</c>, sort ascending, 200 per page, <c>after</c> paging. Two limits shape it:
/// <list type="bullet">
/// <item>Search only sorts by one property, so records sharing a timestamp come in no particular id order. A timestamp
/// group is released (sorted by id) only once a later timestamp shows it is complete, which keeps the
/// (modified, id) watermark exact.</item>
/// <item>Search stops at the 10,000th result. Before a page would cross it, the query restarts from the last timestamp
/// seen. When a whole page shares one timestamp (more records than a page, or the ceiling, can hold), that timestamp
/// is read on its own — <c>modified EQ T AND hs_object_id GT lastId</c>, sorted by id, restarting from the last id at
/// the ceiling — and polling then goes on with <c>modified GT T</c>. So no query ever pages past the ceiling and no
/// timestamp is read in a loop.</item>
/// </list>
/// </summary>
internal sealed class HubSpotPoller(IHubSpotObjectsApi api, ICrmSchemaSource schemas, ILogger<HubSpotPoller> logger)
{
    public const int PageSize = 200;
    public const int ResultCeiling = 10_000;
    public const string IdProperty = "hs_object_id";

    public async Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var schema = schemas.For(CrmKind.HubSpot);
        var run = new PollRun(schema.ObjectName(obj), schema.ModifiedField(obj), schema.ReadFields(obj), since, maxRecords);

        // The current query: by time from a timestamp (inclusive or not), or one timestamp in id order.
        var fromMs = since.ModifiedAt.ToUnixTimeMilliseconds();
        var inclusive = true;
        long? tieMs = null;
        string? tieAfterId = null;
        string? after = null;
        var offset = 0;
        while (true)
        {
            var request = tieMs is { } tie ? run.AtTimestamp(tie, tieAfterId, after) : run.From(fromMs, inclusive, after);
            var page = await HubSpotApi.CallAsync(
                $"search of {run.ObjectType}",
                ct => api.SearchAsync(run.ObjectType, request, HubSpotCall.Search, ct),
                cancellationToken).ConfigureAwait(false);
            offset += page.Results.Count;
            var next = page.Results.Count == 0 ? null : page.Paging?.Next?.After;
            var nextOffset = int.TryParse(next, out var cursor) ? Math.Max(cursor, offset) : offset;

            if (tieMs is { } timestamp)
            {
                foreach (var item in page.Results)
                {
                    if (run.Emit(HubSpotRecords.ToRecord(item, run.ModifiedField)))
                    {
                        return run.Result(hasMore: true);
                    }
                }

                if (next is null)
                {
                    (fromMs, inclusive, tieMs, after, offset) = (timestamp, false, null, null, 0);
                }
                else if (nextOffset + PageSize > ResultCeiling)
                {
                    (tieAfterId, after, offset) = (run.Watermark.LastId, null, 0);
                    HubSpotLog.SearchByIdAtTimestamp(logger, run.ObjectType, run.ModifiedField, timestamp, tieAfterId);
                }
                else
                {
                    after = next;
                }

                continue;
            }

            long? firstMs = null, lastMs = null;
            foreach (var item in page.Results)
            {
                var record = HubSpotRecords.ToRecord(item, run.ModifiedField);
                var ms = record.ModifiedAt.ToUnixTimeMilliseconds();
                firstMs ??= ms;
                lastMs = ms;
                if (run.Add(record, ms))
                {
                    return run.Result(hasMore: true);
                }
            }

            if (next is null)
            {
                var left = run.Flush();
                return run.Result(hasMore: left > 0);
            }

            if (firstMs == lastMs)
            {
                run.DropPending();
                (tieMs, tieAfterId, after, offset) = (lastMs!.Value, run.AfterIdAt(lastMs.Value), null, 0);
                HubSpotLog.SearchByIdAtTimestamp(logger, run.ObjectType, run.ModifiedField, lastMs.Value, tieAfterId);
            }
            else if (nextOffset + PageSize > ResultCeiling)
            {
                run.DropPending();
                (fromMs, inclusive, after, offset) = (lastMs!.Value, true, null, 0);
                HubSpotLog.SearchRestarted(logger, run.ObjectType, run.ModifiedField, fromMs);
            }
            else
            {
                after = next;
            }
        }
    }

    /// <summary>The state of one poll: records released so far, the watermark after them, the incomplete timestamp group.</summary>
    private sealed class PollRun(string objectType, string modifiedField, IReadOnlyList<string> properties, Watermark since, int maxRecords)
    {
        private readonly List<CrmRecord> _records = [];
        private readonly List<CrmRecord> _pending = [];
        private long _pendingMs;

        public string ObjectType { get; } = objectType;

        public string ModifiedField { get; } = modifiedField;

        public Watermark Watermark { get; private set; } = since;

        public SearchRequest From(long fromMs, bool inclusive, string? after) => new(
            [new SearchFilterGroup([new SearchFilter(ModifiedField, inclusive ? "GTE" : "GT", Ms(fromMs))])],
            [new SearchSort(ModifiedField, "ASCENDING")],
            properties,
            PageSize,
            after);

        /// <summary>One timestamp in id order, after <paramref name="afterId"/> (fixed for the whole query, so <c>after</c> offsets stay valid).</summary>
        public SearchRequest AtTimestamp(long ms, string? afterId, string? after)
        {
            List<SearchFilter> filters = [new(ModifiedField, "EQ", Ms(ms))];
            if (afterId is { } lastId)
            {
                filters.Add(new SearchFilter(IdProperty, "GT", lastId));
            }

            return new SearchRequest([new SearchFilterGroup(filters)], [new SearchSort(IdProperty, "ASCENDING")], properties, PageSize, after);
        }

        /// <summary>The last id released at <paramref name="ms"/>, when the watermark sits at that timestamp.</summary>
        public string? AfterIdAt(long ms) => Watermark.ModifiedAt.ToUnixTimeMilliseconds() == ms ? Watermark.LastId : null;

        /// <summary>Adds a record read in time order; true when the poll is full and must stop.</summary>
        public bool Add(CrmRecord record, long ms)
        {
            if (_pending.Count > 0 && ms > _pendingMs && Flush() > 0)
            {
                return true;
            }

            if (_records.Count >= maxRecords)
            {
                return true;
            }

            if (Watermark.IsNew(record.ModifiedAt, record.Id))
            {
                _pending.Add(record);
                _pendingMs = ms;
            }

            return false;
        }

        /// <summary>Releases a record read in id order within one timestamp; true when the poll is full.</summary>
        public bool Emit(CrmRecord record)
        {
            if (Watermark.IsNew(record.ModifiedAt, record.Id))
            {
                _records.Add(record);
                Watermark = new Watermark(record.ModifiedAt, record.Id);
            }

            return _records.Count >= maxRecords;
        }

        /// <summary>Releases the complete pending group in id order, up to the poll's size; returns how many did not fit.</summary>
        public int Flush()
        {
            _pending.Sort((a, b) => Watermark.CompareIds(a.Id, b.Id));
            var fit = Math.Min(_pending.Count, maxRecords - _records.Count);
            for (var i = 0; i < fit; i++)
            {
                _records.Add(_pending[i]);
                Watermark = new Watermark(_pending[i].ModifiedAt, _pending[i].Id);
            }

            var left = _pending.Count - fit;
            _pending.Clear();
            return left;
        }

        /// <summary>Forgets the incomplete group: the next query starts at or before its timestamp and reads it again.</summary>
        public void DropPending() => _pending.Clear();

        public PollResult Result(bool hasMore) => new(_records, Watermark, hasMore);

        private static string Ms(long ms) => HubSpotRecords.Milliseconds(DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }
}
