using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>
/// Open query locators: the rendered rows of a query, read page by page through <c>nextRecordsUrl</c>
/// (<c>/query/&lt;locator&gt;-&lt;offset&gt;</c>). A page can be read again (a retried request gets the same rows).
/// Like a real user's, at most <see cref="MaxOpen"/> stay open; opening another closes the oldest, whose
/// locator then answers <c>INVALID_QUERY_LOCATOR</c>. Guarded by the org's lock.
/// </summary>
internal sealed class QueryCursors
{
    public const int MaxOpen = 10;

    private readonly Dictionary<string, List<JsonObject>> _open = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Open(string locator, List<JsonObject> rows)
    {
        _open[locator] = rows;
        _order.Enqueue(locator);
        while (_order.Count > MaxOpen)
        {
            _open.Remove(_order.Dequeue());
        }
    }

    public List<JsonObject>? Find(string locator) => _open.GetValueOrDefault(locator);
}
