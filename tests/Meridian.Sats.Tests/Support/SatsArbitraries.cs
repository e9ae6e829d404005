using FsCheck;
using FsCheck.Fluent;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Tests.Support;

/// <summary>A random type (at most three levels deep) and a random value of it.</summary>
public sealed record TypedValue(AlgebraicType Type, AlgebraicValue Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Value} : {Type}";
}

/// <summary>A random primitive type and a random value of it.</summary>
public sealed record PrimitiveTypedValue(AlgebraicType Type, AlgebraicValue Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Value} : {Type}";
}

/// <summary>The generators <see cref="ReplayablePropertyAttribute"/> gives FsCheck, by parameter type.</summary>
public static class SatsArbitraries
{
    /// <summary>Random types up to four levels deep.</summary>
    public static Arbitrary<AlgebraicType> Types() => SatsGen.Type(4).ToArbitrary();

    /// <summary>A random type with a value.</summary>
    public static Arbitrary<TypedValue> TypedValues() => SatsGen.TypedValue().Select(tv => new TypedValue(tv.Type, tv.Value)).ToArbitrary();

    /// <summary>A random primitive type with a value.</summary>
    public static Arbitrary<PrimitiveTypedValue> PrimitiveTypedValues() =>
        SatsGen.Primitive.SelectMany(t => SatsGen.Value(t).Select(v => new PrimitiveTypedValue(t, v))).ToArbitrary();
}
