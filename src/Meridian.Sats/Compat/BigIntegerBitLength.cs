#if !NET5_0_OR_GREATER
using System.Numerics;

namespace Meridian.Sats;

/// <summary><c>BigInteger.GetBitLength</c> of .NET 5, which netstandard2.1 lacks.</summary>
internal static class BigIntegerBitLength
{
    extension(BigInteger value)
    {
        /// <summary>Bits in the shortest two's complement form of the value, without the sign bit.</summary>
        public long GetBitLength()
        {
            // A negative value needs as many bits as its complement, -value - 1, which is not negative.
            var magnitude = value.Sign < 0 ? -value - 1 : value;
            var bytes = magnitude.ToByteArray(isUnsigned: true, isBigEndian: true);
            var top = bytes[0];
            var topBits = 0;
            while (top != 0)
            {
                topBits++;
                top >>= 1;
            }
            return ((bytes.Length - 1) * 8L) + topBits;
        }
    }
}
#endif
