#if !NET6_0_OR_GREATER
using System.Buffers.Binary;
using System.Numerics;

namespace Meridian.Sats;

/// <summary>
/// The few newer BCL members Meridian.Sats uses that the Polyfill package does not supply for
/// netstandard2.1, under their BCL names so that the calling code stays the same on every target.
/// </summary>
internal static class BclPolyfills
{
    extension(Array)
    {
        /// <summary>The largest number of elements an array may hold (.NET 6's <c>Array.MaxLength</c>).</summary>
        public static int MaxLength => 0x7FFFFFC7;
    }

    extension(ref HashCode hash)
    {
        /// <summary>Adds a span of bytes to the hash (.NET 6's <c>HashCode.AddBytes</c>; Rows/ByteKey hashes row bytes with it).</summary>
        public void AddBytes(ReadOnlySpan<byte> value)
        {
            while (value.Length >= sizeof(int))
            {
                hash.Add(BinaryPrimitives.ReadInt32LittleEndian(value));
                value = value[sizeof(int)..];
            }
            foreach (var b in value)
                hash.Add(b);
        }
    }

    extension(BitOperations)
    {
        /// <summary>Rotates <paramref name="value"/> right by <paramref name="offset"/> bits (modulo 32).</summary>
        public static uint RotateRight(uint value, int offset) => (value >> offset) | (value << (32 - offset));
    }

    extension(string)
    {
        /// <summary>Formats an interpolated string with <paramref name="provider"/> (.NET 6's <c>string.Create</c> overload).</summary>
        public static string Create(IFormatProvider? provider, FormattableString text) => text.ToString(provider);
    }
}
#endif
