using System.Runtime.InteropServices;

namespace Meridian.Storage.Indexes;

/// <summary>An index entry: a key and the row it points to. Entries order by key, then pointer, so non-unique keys coexist.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct IndexEntry<TKey>(TKey key, ulong ptr)
    where TKey : struct, IComparable<TKey>
{
    public readonly TKey Key = key;
    public readonly ulong Ptr = ptr;
}

/// <summary>Orders index entries by key, then row pointer.</summary>
internal readonly struct EntryOrder<TKey> : IOrder<IndexEntry<TKey>>
    where TKey : struct, IComparable<TKey>
{
    public static int Compare(in IndexEntry<TKey> a, in IndexEntry<TKey> b)
    {
        var c = a.Key.CompareTo(b.Key);
        return c != 0 ? c : a.Ptr.CompareTo(b.Ptr);
    }
}

/// <summary>Orders row pointers.</summary>
internal readonly struct PointerOrder : IOrder<ulong>
{
    public static int Compare(in ulong a, in ulong b) => a.CompareTo(b);
}

/// <summary>A key made of bytes compared lexicographically (ordered encodings and raw UTF-8 strings).</summary>
internal readonly struct BytesKey(byte[] bytes) : IComparable<BytesKey>, IEquatable<BytesKey>
{
    public readonly byte[] Bytes = bytes;

    public int CompareTo(BytesKey other) => Bytes.AsSpan().SequenceCompareTo(other.Bytes);

    public bool Equals(BytesKey other) => Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is BytesKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }
}
