using System.Globalization;
using System.Text;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;

namespace Meridian.Sats.Values;

/// <summary>A bool, integer or float value.</summary>
/// <typeparam name="T">The CLR type holding it (bool, sbyte … UInt256, float, double).</typeparam>
public sealed class PrimitiveValue<T> : AlgebraicValue
    where T : struct, IEquatable<T>, IComparable<T>
{
    internal static readonly PrimitiveValue<bool> True = new(AlgebraicTypeTag.Bool, true);
    internal static readonly PrimitiveValue<bool> False = new(AlgebraicTypeTag.Bool, false);

    internal PrimitiveValue(AlgebraicTypeTag kind, T value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The value.</summary>
    public T Value { get; }

    /// <inheritdoc />
    public override AlgebraicTypeTag Kind { get; }

    /// <inheritdoc />
    public override void WriteBsatn(BsatnWriter writer)
    {
        // typeof(T) checks are folded by the JIT per instantiation, so no boxing happens here.
        if (typeof(T) == typeof(bool)) writer.WriteBool((bool)(object)Value);
        else if (typeof(T) == typeof(sbyte)) writer.WriteI8((sbyte)(object)Value);
        else if (typeof(T) == typeof(byte)) writer.WriteU8((byte)(object)Value);
        else if (typeof(T) == typeof(short)) writer.WriteI16((short)(object)Value);
        else if (typeof(T) == typeof(ushort)) writer.WriteU16((ushort)(object)Value);
        else if (typeof(T) == typeof(int)) writer.WriteI32((int)(object)Value);
        else if (typeof(T) == typeof(uint)) writer.WriteU32((uint)(object)Value);
        else if (typeof(T) == typeof(long)) writer.WriteI64((long)(object)Value);
        else if (typeof(T) == typeof(ulong)) writer.WriteU64((ulong)(object)Value);
        else if (typeof(T) == typeof(Int128)) writer.WriteI128((Int128)(object)Value);
        else if (typeof(T) == typeof(UInt128)) writer.WriteU128((UInt128)(object)Value);
        else if (typeof(T) == typeof(Int256)) writer.WriteI256((Int256)(object)Value);
        else if (typeof(T) == typeof(UInt256)) writer.WriteU256((UInt256)(object)Value);
        else if (typeof(T) == typeof(float)) writer.WriteF32((float)(object)Value);
        else if (typeof(T) == typeof(double)) writer.WriteF64((double)(object)Value);
        else throw new InvalidOperationException($"{typeof(T)} is not a SATS primitive.");
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicValue? other) =>
        other is PrimitiveValue<T> p && p.Kind == Kind && p.Value.Equals(Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Value);

    private protected override int CompareSameKind(AlgebraicValue other) => Value.CompareTo(((PrimitiveValue<T>)other).Value);

    internal override void AppendTo(StringBuilder sb)
    {
        if (Value is bool b)
            sb.Append(b ? "true" : "false");
        else if (Value is IFormattable f)
            sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
        else
            sb.Append(Value.ToString());
    }
}

/// <summary>A string value.</summary>
public sealed class StringValue : AlgebraicValue
{
    internal StringValue(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The string.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override AlgebraicTypeTag Kind => AlgebraicTypeTag.String;

    /// <inheritdoc />
    public override void WriteBsatn(BsatnWriter writer) => writer.WriteString(Value);

    /// <inheritdoc />
    public override bool Equals(AlgebraicValue? other) => other is StringValue s && s.Value == Value;

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    private protected override int CompareSameKind(AlgebraicValue other) => CompareCodePoints(Value, ((StringValue)other).Value);

    /// <summary>
    /// Orders strings by code point, which is the order of their UTF-8 bytes (and so of string index
    /// keys and query predicates). UTF-16 ordinal order differs only where a surrogate (part of a
    /// character above U+FFFF) meets a character in U+E000–U+FFFF: the surrogate's character is the greater.
    /// </summary>
    internal static int CompareCodePoints(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y)
                return CodePointOrder(x) - CodePointOrder(y);
        }
        return a.Length.CompareTo(b.Length);
    }

    // Moves surrogates (U+D800–U+DFFF) above U+E000–U+FFFF and keeps every other order. At the first
    // differing unit both strings are at the same code point boundary, so ordering those units this
    // way orders the code points they start.
    private static int CodePointOrder(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;

    internal override void AppendTo(StringBuilder sb) => sb.Append('"').Append(Value.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
}
