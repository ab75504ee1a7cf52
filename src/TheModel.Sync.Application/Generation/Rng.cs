namespace TheModel.Sync.Application.Generation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast PRNG whose sequence is fixed by its seed on every machine
/// (System.Random's algorithm is an implementation detail, so it is not used for data that must be reproducible).
/// Integer-only: the generated data never depends on floating-point library functions.
/// </summary>
internal sealed class Rng
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Rng(ulong seed) => Reseed(seed);

    /// <summary>Restarts the sequence from a seed (lets one instance serve many counter-based streams).</summary>
    public void Reseed(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1;
        }
    }

    public static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for the stream <paramref name="stream"/> of item <paramref name="index"/> under <paramref name="seed"/>.</summary>
    public static ulong Mix(ulong seed, ulong stream, ulong index)
    {
        var x = seed ^ (stream * 0xD1B54A32D192ED03UL);
        var a = SplitMix(ref x);
        x = a ^ (index * 0x9E3779B97F4A7C15UL);
        return SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A value in [0, n) for n &gt; 0 (Lemire's multiply-shift on the high 32 bits).</summary>
    public int Next(int n)
    {
        if (n <= 1)
        {
            return 0;
        }

        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>A value in [min, max] (inclusive).</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    /// <summary>A value in [min, max] (inclusive) for wide ranges such as seconds.</summary>
    public long Between(long min, long max)
    {
        if (max <= min)
        {
            return min;
        }

        var span = (ulong)(max - min) + 1;
        return min + (long)(NextUInt64() % span);
    }

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Percent(int percent) => Next(100) < percent;

    /// <summary>True with probability <paramref name="permille"/>/1000.</summary>
    public bool Permille(int permille) => Next(1000) < permille;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}

/// <summary>A weighted choice among indexes 0..n-1, by integer weights.</summary>
internal sealed class Weighted
{
    private readonly int[] _cumulative;

    public Weighted(params int[] weights)
    {
        _cumulative = new int[weights.Length];
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            _cumulative[i] = sum;
        }
    }

    public int Total => _cumulative[^1];

    public int Pick(Rng rng)
    {
        var r = rng.Next(Total);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (r < _cumulative[i])
            {
                return i;
            }
        }

        return _cumulative.Length - 1;
    }
}
