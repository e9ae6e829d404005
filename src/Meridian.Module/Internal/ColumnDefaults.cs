using Meridian.Sats.Bsatn;
using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

/// <summary>Encodes <c>[Default]</c> values for the module definition (called by generated code).</summary>
public static class ColumnDefaults
{
    /// <summary>The BSATN of <paramref name="value"/>, written by <typeparamref name="TRW"/>.</summary>
    public static byte[] Encode<T, TRW>(T value)
        where TRW : struct, IReadWrite<T>
    {
        var writer = new BsatnWriter();
        default(TRW).Write(writer, value);
        return writer.ToArray();
    }
}
