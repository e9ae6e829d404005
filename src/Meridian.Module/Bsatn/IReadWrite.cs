using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace SpacetimeDB.BSATN;

/// <summary>
/// Reads, writes and describes values of <typeparamref name="T"/> in BSATN. Implementations are
/// zero-size structs so generic code specialises on them without virtual calls.
/// </summary>
public interface IReadWrite<T>
{
    /// <summary>Reads one value.</summary>
    T Read(ref BsatnReader reader);

    /// <summary>Writes one value.</summary>
    void Write(BsatnWriter writer, T value);

    /// <summary>The SATS type, registering named types with <paramref name="registrar"/>.</summary>
    AlgebraicType GetAlgebraicType(ITypeRegistrar registrar);
}

/// <summary>Collects named types into the module's typespace.</summary>
public interface ITypeRegistrar
{
    /// <summary>
    /// Registers <typeparamref name="T"/> once and returns a reference to it. The first call
    /// reserves the index (so recursive types resolve) and then builds the type with
    /// <paramref name="makeType"/>, which receives that reference.
    /// </summary>
    RefType RegisterType<T>(Func<RefType, AlgebraicType> makeType);
}
