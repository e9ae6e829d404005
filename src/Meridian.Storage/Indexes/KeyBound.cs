using Meridian.Sats.Values;

namespace Meridian.Storage.Indexes;

/// <summary>Whether a range end is open, inclusive or exclusive.</summary>
public enum BoundKind : byte
{
    /// <summary>No limit on this side.</summary>
    Unbounded = 0,

    /// <summary>Values equal to the bound are included.</summary>
    Inclusive = 1,

    /// <summary>Values equal to the bound are excluded.</summary>
    Exclusive = 2,
}

/// <summary>One end of a range over a single key column: a kind and, unless unbounded, the column value as BSATN.</summary>
public readonly struct KeyBound
{
    private KeyBound(BoundKind kind, ReadOnlyMemory<byte> value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>Open, inclusive or exclusive.</summary>
    public BoundKind Kind { get; }

    /// <summary>The bound's column value as BSATN (empty when unbounded).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>No limit.</summary>
    public static KeyBound Unbounded => default;

    /// <summary>Includes <paramref name="valueBsatn"/>.</summary>
    public static KeyBound Inclusive(ReadOnlyMemory<byte> valueBsatn) => new(BoundKind.Inclusive, valueBsatn);

    /// <summary>Excludes <paramref name="valueBsatn"/>.</summary>
    public static KeyBound Exclusive(ReadOnlyMemory<byte> valueBsatn) => new(BoundKind.Exclusive, valueBsatn);

    /// <summary>Includes <paramref name="value"/>.</summary>
    public static KeyBound Inclusive(AlgebraicValue value) => new(BoundKind.Inclusive, value.ToBsatn());

    /// <summary>Excludes <paramref name="value"/>.</summary>
    public static KeyBound Exclusive(AlgebraicValue value) => new(BoundKind.Exclusive, value.ToBsatn());
}

/// <summary>
/// A scan over an index: the first <see cref="PrefixColumns"/> key columns equal <see cref="Prefix"/>
/// (their BSATN, concatenated), and the next key column lies between <see cref="Lower"/> and
/// <see cref="Upper"/>. With both bounds unbounded this is a prefix scan; with a prefix of every
/// column it is a point scan.
/// </summary>
public readonly struct IndexScanRange
{
    /// <summary>Creates a range.</summary>
    public IndexScanRange(ReadOnlyMemory<byte> prefix, int prefixColumns, KeyBound lower, KeyBound upper)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixColumns);
        Prefix = prefix;
        PrefixColumns = prefixColumns;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>A range over the first key column.</summary>
    public static IndexScanRange Between(KeyBound lower, KeyBound upper) => new(ReadOnlyMemory<byte>.Empty, 0, lower, upper);

    /// <summary>Rows whose first <paramref name="columns"/> key columns equal <paramref name="prefixBsatn"/>.</summary>
    public static IndexScanRange WithPrefix(ReadOnlyMemory<byte> prefixBsatn, int columns) => new(prefixBsatn, columns, default, default);

    /// <summary>Rows whose leading key columns equal <paramref name="values"/>.</summary>
    public static IndexScanRange WithPrefix(params AlgebraicValue[] values)
    {
        var w = new Sats.Bsatn.BsatnWriter();
        foreach (var v in values)
            v.WriteBsatn(w);
        return new(w.ToArray(), values.Length, default, default);
    }

    /// <summary>BSATN of the equal leading columns.</summary>
    public ReadOnlyMemory<byte> Prefix { get; }

    /// <summary>How many leading key columns <see cref="Prefix"/> holds.</summary>
    public int PrefixColumns { get; }

    /// <summary>Lower bound on the column after the prefix.</summary>
    public KeyBound Lower { get; }

    /// <summary>Upper bound on the column after the prefix.</summary>
    public KeyBound Upper { get; }
}
