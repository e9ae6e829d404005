using System.Globalization;
using System.Numerics;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Plans;

/// <summary>Gives a SQL literal the type of the column it meets (sql-and-subscriptions.md §1, literal typing).</summary>
internal static class Literals
{
    public static AlgebraicValue Convert(SqlExpr literal, AlgebraicType type, Typespace typespace, Identity sender, string what)
    {
        type = typespace.Resolve(type);
        if (type.SpecialKind == SpecialTypeKind.Option)
        {
            var someType = ((SumType)type).Variants[0].Type;
            return literal is SqlExpr.Null
                ? AlgebraicValue.OptionNone
                : AlgebraicValue.OptionSome(Convert(literal, someType, typespace, sender, what));
        }
        if (literal is SqlExpr.Null)
            throw new SqlException($"NULL cannot be compared with {what} of type {Describe(type)}; only optional columns can be NULL.");
        try
        {
            return ConvertNonNull(literal, type, sender) ?? throw Mismatch(literal, type, what);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new SqlException($"{Text(literal)} is not a valid value for {what} of type {Describe(type)}: {e.Message}", e);
        }
    }

    private static AlgebraicValue? ConvertNonNull(SqlExpr literal, AlgebraicType type, Identity sender)
    {
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
                return literal switch
                {
                    SqlExpr.Sender => sender.ToValue(),
                    SqlExpr.Hex h => Identity.FromHexString(h.Digits.PadLeft(64, '0')).ToValue(),
                    SqlExpr.String s => Identity.FromHexString(s.Value).ToValue(),
                    _ => null,
                };
            case SpecialTypeKind.ConnectionId:
                return literal switch
                {
                    SqlExpr.Hex h => ConnectionId.FromHexString(h.Digits.PadLeft(32, '0')).ToValue(),
                    SqlExpr.String s => ConnectionId.FromHexString(s.Value).ToValue(),
                    _ => null,
                };
            case SpecialTypeKind.Timestamp:
                return literal switch
                {
                    SqlExpr.String s => Timestamp.Parse(s.Value).ToValue(),
                    SqlExpr.Number n => new Timestamp((long)Integer(n.Text, long.MinValue, long.MaxValue)).ToValue(),
                    _ => null,
                };
            case SpecialTypeKind.TimeDuration:
                return literal is SqlExpr.Number d ? new TimeDuration((long)Integer(d.Text, long.MinValue, long.MaxValue)).ToValue() : null;
            case SpecialTypeKind.Uuid:
                return literal switch
                {
                    SqlExpr.String s when Uuid.TryParse(s.Value, out var u) => u.ToValue(),
                    SqlExpr.Hex h => new Uuid(UInt128.Parse(h.Digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToValue(),
                    SqlExpr.String => throw new FormatException("expected a UUID such as 01234567-89ab-cdef-0123-456789abcdef"),
                    _ => null,
                };
        }
        if (type is ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 })
        {
            return literal switch
            {
                SqlExpr.Hex h => AlgebraicValue.Bytes(System.Convert.FromHexString(h.Digits.Length % 2 == 1 ? "0" + h.Digits : h.Digits)),
                SqlExpr.String s => AlgebraicValue.Bytes(System.Convert.FromHexString(s.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s.Value[2..] : s.Value)),
                SqlExpr.Sender => AlgebraicValue.Bytes(sender.ToBigEndianBytes()),
                _ => null,
            };
        }
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Bool:
                return literal is SqlExpr.Bool b ? AlgebraicValue.Bool(b.Value) : null;
            case AlgebraicTypeTag.String:
                return literal is SqlExpr.String str ? AlgebraicValue.String(str.Value) : null;
            case AlgebraicTypeTag.F32:
                return literal is SqlExpr.Number f ? AlgebraicValue.F32(float.Parse(f.Text, NumberStyles.Float, CultureInfo.InvariantCulture)) : null;
            case AlgebraicTypeTag.F64:
                return literal is SqlExpr.Number g ? AlgebraicValue.F64(double.Parse(g.Text, NumberStyles.Float, CultureInfo.InvariantCulture)) : null;
        }
        if (!type.IsPrimitive)
            return null;
        BigInteger value;
        if (literal is SqlExpr.Number num)
            value = Integer(num.Text, null, null);
        else if (literal is SqlExpr.Hex hex)
            value = BigInteger.Parse("0" + hex.Digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        else
            return null;
        return type.Tag switch
        {
            AlgebraicTypeTag.I8 => AlgebraicValue.I8(checked((sbyte)value)),
            AlgebraicTypeTag.U8 => AlgebraicValue.U8(checked((byte)value)),
            AlgebraicTypeTag.I16 => AlgebraicValue.I16(checked((short)value)),
            AlgebraicTypeTag.U16 => AlgebraicValue.U16(checked((ushort)value)),
            AlgebraicTypeTag.I32 => AlgebraicValue.I32(checked((int)value)),
            AlgebraicTypeTag.U32 => AlgebraicValue.U32(checked((uint)value)),
            AlgebraicTypeTag.I64 => AlgebraicValue.I64(checked((long)value)),
            AlgebraicTypeTag.U64 => AlgebraicValue.U64(checked((ulong)value)),
            AlgebraicTypeTag.I128 => AlgebraicValue.I128(checked((Int128)value)),
            AlgebraicTypeTag.U128 => AlgebraicValue.U128(checked((UInt128)value)),
            AlgebraicTypeTag.I256 => AlgebraicValue.I256(Int256.FromBigInteger(value)),
            AlgebraicTypeTag.U256 => AlgebraicValue.U256(UInt256.FromBigInteger(value)),
            _ => null,
        };
    }

    /// <summary>An integral number, allowing scientific notation such as 1e3 as long as the value is whole.</summary>
    private static BigInteger Integer(string text, BigInteger? min, BigInteger? max)
    {
        BigInteger value;
        var e = text.IndexOfAny(['e', 'E']);
        if (e < 0 && !text.Contains('.', StringComparison.Ordinal))
        {
            value = BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            var mantissa = e < 0 ? text : text[..e];
            var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var negative = mantissa.StartsWith('-');
            mantissa = mantissa.TrimStart('-', '+');
            var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
            var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
            exponent -= dot < 0 ? 0 : mantissa.Length - dot - 1;
            if (exponent > 100)
                throw new OverflowException("the number is too large");
            value = BigInteger.Parse(digits.Length == 0 ? "0" : digits, CultureInfo.InvariantCulture);
            if (exponent >= 0)
            {
                value *= BigInteger.Pow(10, exponent);
            }
            else
            {
                var divisor = BigInteger.Pow(10, -exponent);
                if (value % divisor != 0)
                    throw new FormatException("expected a whole number");
                value /= divisor;
            }
            if (negative)
                value = -value;
        }
        if ((min is { } lo && value < lo) || (max is { } hi && value > hi))
            throw new OverflowException("out of range");
        return value;
    }

    private static SqlException Mismatch(SqlExpr literal, AlgebraicType type, string what) =>
        new($"{Text(literal)} cannot be compared with {what} of type {Describe(type)}.");

    public static string Describe(AlgebraicType type) => type.SpecialKind switch
    {
        SpecialTypeKind.None => type.IsPrimitive ? type.Tag.ToString().ToLowerInvariant() : type is ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 } ? "bytes" : type.Tag.ToString().ToLowerInvariant(),
        var k => k.ToString(),
    };

    public static string Text(SqlExpr e) => e switch
    {
        SqlExpr.Number n => n.Text,
        SqlExpr.String s => $"'{s.Value}'",
        SqlExpr.Hex h => "0x" + h.Digits,
        SqlExpr.Bool b => b.Value ? "TRUE" : "FALSE",
        SqlExpr.Null => "NULL",
        SqlExpr.Sender => ":sender",
        SqlExpr.Column c => c.ToString(),
        _ => e.ToString(),
    };
}
