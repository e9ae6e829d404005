namespace Meridian.Sats.Rows;

/// <summary>
/// Bytes used as a dictionary key, compared by content: a row, or the BSATN of key columns (join
/// keys, count keys, values a query filters on). The bytes must not change while the key is in use.
/// </summary>
public readonly struct ByteKey : IEquatable<ByteKey>
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly int _hash;

    /// <summary>Wraps <paramref name="bytes"/> (not copied).</summary>
    public ByteKey(ReadOnlyMemory<byte> bytes)
    {
        _bytes = bytes;
        var hash = new HashCode();
        hash.AddBytes(bytes.Span);
        _hash = hash.ToHashCode();
    }

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <inheritdoc />
    public bool Equals(ByteKey other) => _hash == other._hash && _bytes.Span.SequenceEqual(other._bytes.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ByteKey k && Equals(k);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Equal contents.</summary>
    public static bool operator ==(ByteKey left, ByteKey right) => left.Equals(right);

    /// <summary>Different contents.</summary>
    public static bool operator !=(ByteKey left, ByteKey right) => !left.Equals(right);
}
