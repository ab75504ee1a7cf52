namespace TheModel.Sync.Salesforce.Writing;

/// <summary>One sObject Collections request: records of one kind.</summary>
internal sealed record CollectionChunk(WriteKind Kind, IReadOnlyList<WriteItem> Items);

/// <summary>
/// Packs items into as few API calls as Salesforce allows: collections of at most 200 records and 10 type runs
/// (facts S-5), five collections to a Composite (facts S-6), which counts as one call: 1,000 records per call.
/// </summary>
internal static class CollectionPacker
{
    public const int MaxRecordsPerCollection = 200;
    public const int MaxTypeRunsPerCollection = 10;
    public const int MaxCollectionsPerComposite = 5;

    /// <summary>The calls to make, each a list of one to five collections; updates come before task upserts.</summary>
    public static IReadOnlyList<IReadOnlyList<CollectionChunk>> Pack(IReadOnlyList<WriteItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);

        // Grouping updates by object keeps each collection to a type run or two; the order of writes to different
        // records does not matter, and outcomes go back by plan index.
        var updates = items.Where(i => i.Kind == WriteKind.Update).OrderBy(i => i.SObject, StringComparer.Ordinal);
        var tasks = items.Where(i => i.Kind == WriteKind.TaskUpsert);
        var chunks = new List<CollectionChunk>();
        Chunk(WriteKind.Update, updates, chunks);
        Chunk(WriteKind.TaskUpsert, tasks, chunks);
        return chunks.Chunk(MaxCollectionsPerComposite).Select(call => (IReadOnlyList<CollectionChunk>)call).ToList();
    }

    private static void Chunk(WriteKind kind, IEnumerable<WriteItem> items, List<CollectionChunk> chunks)
    {
        var current = new List<WriteItem>();
        var identities = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        foreach (var item in items)
        {
            var newRun = current.Count == 0 || current[^1].SObject != item.SObject;

            // Salesforce refuses the same record twice in one collection, so a repeat starts the next one.
            if (current.Count == MaxRecordsPerCollection
                || (newRun && runs == MaxTypeRunsPerCollection)
                || identities.Contains(item.Identity))
            {
                chunks.Add(new CollectionChunk(kind, current));
                current = [];
                identities.Clear();
                runs = 0;
                newRun = true;
            }

            current.Add(item);
            identities.Add(item.Identity);
            runs += newRun ? 1 : 0;
        }

        if (current.Count > 0)
        {
            chunks.Add(new CollectionChunk(kind, current));
        }
    }
}
