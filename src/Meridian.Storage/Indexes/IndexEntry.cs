using System.Runtime.InteropServices;

namespace Meridian.Storage.Indexes;

/// <summary>
/// An index entry: a key and the id of the row it belongs to. Entries order by key, then row id, so
/// non-unique keys coexist. Row ids are stable while a row lives, so an update that keeps a key
/// leaves its entry alone.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct IndexEntry<TKey>(TKey key, uint row)
    where TKey : struct, IComparable<TKey>
{
    public readonly TKey Key = key;
    public readonly uint Row = row;
}

/// <summary>Orders index entries by key, then row id.</summary>
internal readonly struct EntryOrder<TKey> : IOrder<IndexEntry<TKey>>
    where TKey : struct, IComparable<TKey>
{
    public static int Compare(in IndexEntry<TKey> a, in IndexEntry<TKey> b)
    {
        var c = a.Key.CompareTo(b.Key);
        return c != 0 ? c : a.Row.CompareTo(b.Row);
    }
}

/// <summary>Orders plain 64-bit values (tests of the tree itself).</summary>
internal readonly struct PointerOrder : IOrder<ulong>
{
    public static int Compare(in ulong a, in ulong b) => a.CompareTo(b);
}

/// <summary>
/// A key made of bytes compared lexicographically (ordered encodings and raw UTF-8 strings). The
/// first 8 bytes are also kept inline, big-endian and zero-padded, so most comparisons in a tree
/// descent are one integer compare without following the array reference.
/// </summary>
internal readonly struct BytesKey : IComparable<BytesKey>, IEquatable<BytesKey>
{
    public readonly byte[] Bytes;
    private readonly ulong _prefix;

    public BytesKey(byte[] bytes)
    {
        Bytes = bytes;
        if (bytes.Length >= 8)
        {
            _prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }
        else
        {
            Span<byte> padded = stackalloc byte[8];
            padded.Clear();
            bytes.CopyTo(padded);
            _prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded);
        }
    }

    // Different zero-padded prefixes order the keys as their bytes do (a shorter key that is a
    // prefix of a longer one pads with zeros, which sort first); equal prefixes need the bytes.
    public int CompareTo(BytesKey other) =>
        _prefix != other._prefix ? (_prefix < other._prefix ? -1 : 1) : Bytes.AsSpan().SequenceCompareTo(other.Bytes);

    public bool Equals(BytesKey other) => _prefix == other._prefix && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is BytesKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }
}
