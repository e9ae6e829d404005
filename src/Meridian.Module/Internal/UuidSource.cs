namespace SpacetimeDB.Internal;

/// <summary>The <c>NewUuidV4</c>/<c>NewUuidV7</c> of every context, drawing from the context's own random source.</summary>
public static class UuidSource
{
    /// <summary>A random version-4 UUID from <paramref name="rng"/>.</summary>
    public static Uuid NewV4(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        return Uuid.FromRandomBytesV4(bytes);
    }

    /// <summary>A time-ordered version-7 UUID from <paramref name="now"/>, the per-call <paramref name="counter"/> and <paramref name="rng"/>.</summary>
    public static Uuid NewV7(ref int counter, Timestamp now, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<byte> bytes = stackalloc byte[4];
        rng.NextBytes(bytes);
        return Uuid.FromCounterV7(ref counter, now, bytes);
    }
}
