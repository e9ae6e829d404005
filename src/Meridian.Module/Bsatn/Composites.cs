using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace SpacetimeDB.BSATN;

#pragma warning disable CS1591 // Serializers named after their SATS type; the interface documents them.

/// <summary><c>T[]</c> as an array.</summary>
public readonly struct Array<T, TRW> : IReadWrite<T[]>
    where TRW : struct, IReadWrite<T>
{
    public T[] Read(ref BsatnReader reader)
    {
        var count = reader.ReadArrayLength(0);
        var items = new T[count];
        for (var i = 0; i < count; i++)
            items[i] = default(TRW).Read(ref reader);
        return items;
    }

    public void Write(BsatnWriter writer, T[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteArrayLength(value.Length);
        foreach (var item in value)
            default(TRW).Write(writer, item);
    }

    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Array(default(TRW).GetAlgebraicType(registrar));
}

/// <summary><c>List&lt;T&gt;</c> as an array.</summary>
public readonly struct List<T, TRW> : IReadWrite<System.Collections.Generic.List<T>>
    where TRW : struct, IReadWrite<T>
{
    public System.Collections.Generic.List<T> Read(ref BsatnReader reader)
    {
        var count = reader.ReadArrayLength(0);
        var items = new System.Collections.Generic.List<T>(count);
        for (var i = 0; i < count; i++)
            items.Add(default(TRW).Read(ref reader));
        return items;
    }

    public void Write(BsatnWriter writer, System.Collections.Generic.List<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteArrayLength(value.Count);
        foreach (var item in value)
            default(TRW).Write(writer, item);
    }

    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Array(default(TRW).GetAlgebraicType(registrar));
}

/// <summary><c>T?</c> for a value type, as <c>Option&lt;T&gt;</c> (tag 0 some, 1 none).</summary>
public readonly struct ValueOption<T, TRW> : IReadWrite<T?>
    where T : struct
    where TRW : struct, IReadWrite<T>
{
    public T? Read(ref BsatnReader reader) => reader.ReadSumTag(2, "option") == 0 ? default(TRW).Read(ref reader) : null;

    public void Write(BsatnWriter writer, T? value)
    {
        if (value is { } v)
        {
            writer.WriteSumTag(0);
            default(TRW).Write(writer, v);
        }
        else
        {
            writer.WriteSumTag(1);
        }
    }

    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Option(default(TRW).GetAlgebraicType(registrar));
}

/// <summary><c>T?</c> for a reference type, as <c>Option&lt;T&gt;</c> (tag 0 some, 1 none).</summary>
public readonly struct RefOption<T, TRW> : IReadWrite<T?>
    where T : class
    where TRW : struct, IReadWrite<T>
{
    public T? Read(ref BsatnReader reader) => reader.ReadSumTag(2, "option") == 0 ? default(TRW).Read(ref reader) : null;

    public void Write(BsatnWriter writer, T? value)
    {
        if (value is not null)
        {
            writer.WriteSumTag(0);
            default(TRW).Write(writer, value);
        }
        else
        {
            writer.WriteSumTag(1);
        }
    }

    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Option(default(TRW).GetAlgebraicType(registrar));
}

/// <summary>A C# enum marked <c>[Type]</c>: a sum of unit variants named after its members, a u8 tag.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "Upstream's name: generated serializers and hand-written modules use SpacetimeDB.BSATN.Enum<T>.")]
public readonly struct Enum<T> : IReadWrite<T>
    where T : struct, System.Enum
{
    private static readonly string[] Names = System.Enum.GetNames<T>();

    public T Read(ref BsatnReader reader)
    {
        var tag = reader.ReadSumTag(Names.Length, typeof(T).Name);
        return Unsafe.SizeOf<T>() switch
        {
            1 => Unsafe.As<byte, T>(ref tag),
            2 => FromWide<ushort>(tag),
            4 => FromWide<uint>(tag),
            _ => FromWide<ulong>(tag),
        };
    }

    public void Write(BsatnWriter writer, T value)
    {
        var tag = Unsafe.SizeOf<T>() switch
        {
            1 => Unsafe.As<T, byte>(ref value),
            2 => (ulong)Unsafe.As<T, ushort>(ref value),
            4 => Unsafe.As<T, uint>(ref value),
            _ => Unsafe.As<T, ulong>(ref value),
        };
        if (tag >= (ulong)Names.Length)
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} is not a member of {typeof(T).Name}.");
        writer.WriteSumTag((byte)tag);
    }

    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) =>
        registrar.RegisterType<T>(_ => new SumType(Names.Select(n => new SumTypeVariant(n, AlgebraicType.Unit))));

    private static T FromWide<TWide>(byte tag)
        where TWide : struct, System.Numerics.IBinaryInteger<TWide>
    {
        var wide = TWide.CreateTruncating(tag);
        return Unsafe.As<TWide, T>(ref wide);
    }
}
