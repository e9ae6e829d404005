using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace SpacetimeDB.BSATN;

#pragma warning disable CS1591 // One-line serializers named after their SATS type; the interface documents them.

/// <summary>bool.</summary>
public readonly struct Bool : IReadWrite<bool>
{
    public bool Read(ref BsatnReader reader) => reader.ReadBool();
    public void Write(BsatnWriter writer, bool value) => writer.WriteBool(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Bool;
}

/// <summary>sbyte.</summary>
public readonly struct I8 : IReadWrite<sbyte>
{
    public sbyte Read(ref BsatnReader reader) => reader.ReadI8();
    public void Write(BsatnWriter writer, sbyte value) => writer.WriteI8(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I8;
}

/// <summary>byte.</summary>
public readonly struct U8 : IReadWrite<byte>
{
    public byte Read(ref BsatnReader reader) => reader.ReadU8();
    public void Write(BsatnWriter writer, byte value) => writer.WriteU8(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U8;
}

/// <summary>short.</summary>
public readonly struct I16 : IReadWrite<short>
{
    public short Read(ref BsatnReader reader) => reader.ReadI16();
    public void Write(BsatnWriter writer, short value) => writer.WriteI16(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I16;
}

/// <summary>ushort.</summary>
public readonly struct U16 : IReadWrite<ushort>
{
    public ushort Read(ref BsatnReader reader) => reader.ReadU16();
    public void Write(BsatnWriter writer, ushort value) => writer.WriteU16(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U16;
}

/// <summary>int.</summary>
public readonly struct I32 : IReadWrite<int>
{
    public int Read(ref BsatnReader reader) => reader.ReadI32();
    public void Write(BsatnWriter writer, int value) => writer.WriteI32(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I32;
}

/// <summary>uint.</summary>
public readonly struct U32 : IReadWrite<uint>
{
    public uint Read(ref BsatnReader reader) => reader.ReadU32();
    public void Write(BsatnWriter writer, uint value) => writer.WriteU32(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U32;
}

/// <summary>long.</summary>
public readonly struct I64 : IReadWrite<long>
{
    public long Read(ref BsatnReader reader) => reader.ReadI64();
    public void Write(BsatnWriter writer, long value) => writer.WriteI64(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I64;
}

/// <summary>ulong.</summary>
public readonly struct U64 : IReadWrite<ulong>
{
    public ulong Read(ref BsatnReader reader) => reader.ReadU64();
    public void Write(BsatnWriter writer, ulong value) => writer.WriteU64(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U64;
}

/// <summary>System.Int128.</summary>
public readonly struct I128 : IReadWrite<Int128>
{
    public Int128 Read(ref BsatnReader reader) => reader.ReadI128();
    public void Write(BsatnWriter writer, Int128 value) => writer.WriteI128(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I128;
}

/// <summary>System.UInt128.</summary>
public readonly struct U128 : IReadWrite<UInt128>
{
    public UInt128 Read(ref BsatnReader reader) => reader.ReadU128();
    public void Write(BsatnWriter writer, UInt128 value) => writer.WriteU128(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U128;
}

/// <summary>SpacetimeDB.I128.</summary>
public readonly struct I128Stdb : IReadWrite<SpacetimeDB.I128>
{
    public SpacetimeDB.I128 Read(ref BsatnReader reader) => new(reader.ReadI128());
    public void Write(BsatnWriter writer, SpacetimeDB.I128 value) => writer.WriteI128(value.Value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I128;
}

/// <summary>SpacetimeDB.U128.</summary>
public readonly struct U128Stdb : IReadWrite<SpacetimeDB.U128>
{
    public SpacetimeDB.U128 Read(ref BsatnReader reader) => new(reader.ReadU128());
    public void Write(BsatnWriter writer, SpacetimeDB.U128 value) => writer.WriteU128(value.Value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U128;
}

/// <summary>SpacetimeDB.I256.</summary>
public readonly struct I256 : IReadWrite<SpacetimeDB.I256>
{
    public SpacetimeDB.I256 Read(ref BsatnReader reader) => new(reader.ReadI256());
    public void Write(BsatnWriter writer, SpacetimeDB.I256 value) => writer.WriteI256(value.Value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.I256;
}

/// <summary>SpacetimeDB.U256.</summary>
public readonly struct U256 : IReadWrite<SpacetimeDB.U256>
{
    public SpacetimeDB.U256 Read(ref BsatnReader reader) => new(reader.ReadU256());
    public void Write(BsatnWriter writer, SpacetimeDB.U256 value) => writer.WriteU256(value.Value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.U256;
}

/// <summary>float.</summary>
public readonly struct F32 : IReadWrite<float>
{
    public float Read(ref BsatnReader reader) => reader.ReadF32();
    public void Write(BsatnWriter writer, float value) => writer.WriteF32(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.F32;
}

/// <summary>double.</summary>
public readonly struct F64 : IReadWrite<double>
{
    public double Read(ref BsatnReader reader) => reader.ReadF64();
    public void Write(BsatnWriter writer, double value) => writer.WriteF64(value);
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.F64;
}

/// <summary>string (UTF-8); writing null throws <see cref="ArgumentNullException"/>.</summary>
public readonly struct String : IReadWrite<string>
{
    public string Read(ref BsatnReader reader) => reader.ReadString();
    public void Write(BsatnWriter writer, string value) =>
        writer.WriteString(value ?? throw new ArgumentNullException(nameof(value), "A non-nullable string field holds null."));
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.String;
}

/// <summary>byte[] as <c>Array&lt;U8&gt;</c>.</summary>
public readonly struct ByteArray : IReadWrite<byte[]>
{
    public byte[] Read(ref BsatnReader reader) => reader.ReadBytes().ToArray();
    public void Write(BsatnWriter writer, byte[] value) =>
        writer.WriteBytes(value ?? throw new ArgumentNullException(nameof(value), "A non-nullable byte array field holds null."));
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Bytes;
}

/// <summary>SpacetimeDB.Unit: the empty product.</summary>
public readonly struct UnitRW : IReadWrite<SpacetimeDB.Unit>
{
    public SpacetimeDB.Unit Read(ref BsatnReader reader) => default;
    public void Write(BsatnWriter writer, SpacetimeDB.Unit value)
    {
    }
    public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Unit;
}
