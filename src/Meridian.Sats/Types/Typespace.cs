using Meridian.Sats.Bsatn;

namespace Meridian.Sats.Types;

/// <summary>A list of types that <see cref="RefType"/> indexes into; recursive types go through it.</summary>
public sealed class Typespace
{
    private readonly AlgebraicType[] _types;

    /// <summary>Creates a typespace.</summary>
    public Typespace(IEnumerable<AlgebraicType> types) => _types = types.ToArray();

    /// <summary>An empty typespace.</summary>
    public static Typespace Empty { get; } = new([]);

    /// <summary>The types, by index.</summary>
    public IReadOnlyList<AlgebraicType> Types => _types;

    /// <summary>The type at <paramref name="index"/>; an out-of-range index is an error naming it.</summary>
    public AlgebraicType this[uint index] => index < (uint)_types.Length
        ? _types[index]
        : throw new InvalidOperationException($"Type reference &{index} is outside the typespace of {_types.Length} type(s).");

    /// <summary>Follows references until a non-reference type is reached (fails on a cycle of bare refs).</summary>
    public AlgebraicType Resolve(AlgebraicType type)
    {
        for (var hops = 0; type is RefType r; hops++)
        {
            if (hops > _types.Length)
                throw new InvalidOperationException($"Type reference &{r.Index} refers to itself.");
            type = this[r.Index];
        }
        return type;
    }

    /// <summary>Appends the encoding <c>{ types: [AlgebraicType] }</c>.</summary>
    public void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteArrayLength(_types.Length);
        foreach (var t in _types)
            t.WriteBsatn(writer);
    }

    /// <summary>Reads a typespace.</summary>
    public static Typespace ReadBsatn(ref BsatnReader reader)
    {
        var count = reader.ReadArrayLength(1, "typespace");
        var types = new AlgebraicType[count];
        for (var i = 0; i < count; i++)
            types[i] = AlgebraicType.ReadBsatn(ref reader);
        return new Typespace(types);
    }
}
