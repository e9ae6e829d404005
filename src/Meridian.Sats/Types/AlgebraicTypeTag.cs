namespace Meridian.Sats.Types;

/// <summary>
/// The variants of the AlgebraicType meta-type, with the tags they have in BSATN. These numbers
/// are on the wire and on disk: they may only grow.
/// </summary>
public enum AlgebraicTypeTag : byte
{
    /// <summary>A reference into a <see cref="Typespace"/>.</summary>
    Ref = 0,
    /// <summary>A tagged union.</summary>
    Sum = 1,
    /// <summary>A struct or tuple.</summary>
    Product = 2,
    /// <summary>A homogeneous array.</summary>
    Array = 3,
    /// <summary>UTF-8 string.</summary>
    String = 4,
    /// <summary>Boolean.</summary>
    Bool = 5,
    /// <summary>Signed 8-bit integer.</summary>
    I8 = 6,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8 = 7,
    /// <summary>Signed 16-bit integer.</summary>
    I16 = 8,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16 = 9,
    /// <summary>Signed 32-bit integer.</summary>
    I32 = 10,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32 = 11,
    /// <summary>Signed 64-bit integer.</summary>
    I64 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64 = 13,
    /// <summary>Signed 128-bit integer.</summary>
    I128 = 14,
    /// <summary>Unsigned 128-bit integer.</summary>
    U128 = 15,
    /// <summary>Signed 256-bit integer.</summary>
    I256 = 16,
    /// <summary>Unsigned 256-bit integer.</summary>
    U256 = 17,
    /// <summary>32-bit IEEE-754 float.</summary>
    F32 = 18,
    /// <summary>64-bit IEEE-754 float.</summary>
    F64 = 19,
}
