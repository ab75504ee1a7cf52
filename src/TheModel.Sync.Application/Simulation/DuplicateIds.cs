using System.Text;

namespace TheModel.Sync.Application.Simulation;

/// <summary>
/// Person ids given on more than one line of a people file. <c>simulate</c> decides each line as an event of its own
/// and seeds open counts from every line, so an export that lists a person twice counts them twice: it warns.
/// </summary>
/// <remarks>
/// Memory must not grow with the number of people, so no set of every id is kept. The first pass (seeding, on several
/// threads) enters each id in a fixed table of bits: three bits of one 64-bit word, set with one atomic operation, so an
/// id whose bits were all set already is seen by exactly one thread. Such an id is a candidate: a duplicate, or
/// (rarely) another id that set the same bits. The second pass counts the candidates exactly. The table is 1 bit per 8
/// bytes of the file, at most 16 MiB; at a million people about 120 ids are false candidates (measured). Past
/// <see cref="MaxCandidates"/> candidates the check stops adding (<see cref="Incomplete"/>).
/// </remarks>
public sealed class DuplicateIds
{
    internal const int MaxCandidates = 1 << 18;
    private const long MaxWords = 2 * 1024 * 1024;

    private readonly ulong[] _words;
    private readonly HashSet<string> _candidates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    /// <param name="fileLength">The people file's length in bytes: the table is sized from it.</param>
    public DuplicateIds(long fileLength)
    {
        var words = Math.Clamp(fileLength / 512, 1024, MaxWords);
        _words = new ulong[words];
    }

    /// <summary>The ids the first pass could not rule out (duplicates, and the table's rare false alarms).</summary>
    public int Candidates => _candidates.Count;

    /// <summary>True when the first pass found a candidate: only then does the second pass count.</summary>
    public bool HasCandidates => _candidates.Count > 0;

    /// <summary>The candidates outgrew <see cref="MaxCandidates"/>: some duplicates may not be reported.</summary>
    public bool Incomplete { get; private set; }

    /// <summary>First pass: enters an id (its UTF-8 bytes); safe on several threads at once.</summary>
    public void Enter(ReadOnlySpan<byte> idUtf8)
    {
        if (idUtf8.IsEmpty)
        {
            return;
        }

        var low = new HashCode();
        low.AddBytes(idUtf8);
        var high = new HashCode();
        high.Add(0x2545F491);
        high.AddBytes(idUtf8);
        var hash = ((ulong)(uint)high.ToHashCode() << 32) | (uint)low.ToHashCode();
        var word = (long)((hash & 0xFFFF_FFFF) % (ulong)_words.Length);
        var bits = (1UL << (int)((hash >> 32) & 63)) | (1UL << (int)((hash >> 38) & 63)) | (1UL << (int)((hash >> 44) & 63));
        var before = Interlocked.Or(ref _words[word], bits);
        if ((before & bits) == bits)
        {
            lock (_candidates)
            {
                if (_candidates.Count < MaxCandidates)
                {
                    _candidates.Add(Encoding.UTF8.GetString(idUtf8));
                }
                else
                {
                    Incomplete = true;
                }
            }
        }
    }

    /// <summary>First pass: enters an id given as text.</summary>
    public void Enter(string id)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(id.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        Enter(bytes);
    }

    /// <summary>Second pass, one thread, in file order: counts an id if it is a candidate.</summary>
    public void Count(string id)
    {
        if (_candidates.Contains(id))
        {
            _seen[id] = _seen.GetValueOrDefault(id) + 1;
        }
    }

    /// <summary>After the second pass: the ids on more than one line, with how many, in the order first seen.</summary>
    public List<(string Id, int Times)> Found() => [.. _seen.Where(kv => kv.Value > 1).Select(kv => (kv.Key, kv.Value))];
}
