#if !NET7_0_OR_GREATER
using System.Buffers.Binary;
using Meridian.Sats.Numerics;

namespace Meridian.Sats;

/// <summary>
/// The 128-bit <see cref="BinaryPrimitives"/> readers and writers of .NET 7, for the compat
/// <see cref="Int128"/> and <see cref="UInt128"/>: callers keep writing <c>BinaryPrimitives.ReadUInt128LittleEndian</c>.
/// </summary>
internal static class BinaryPrimitives128
{
    extension(BinaryPrimitives)
    {
        /// <summary>Reads 16 little-endian bytes.</summary>
        public static UInt128 ReadUInt128LittleEndian(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(8, 8)), BinaryPrimitives.ReadUInt64LittleEndian(source));

        /// <summary>Reads 16 big-endian bytes.</summary>
        public static UInt128 ReadUInt128BigEndian(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source.Slice(8, 8)));

        /// <summary>Reads 16 little-endian bytes.</summary>
        public static Int128 ReadInt128LittleEndian(ReadOnlySpan<byte> source) => (Int128)ReadUInt128LittleEndian(source);

        /// <summary>Reads 16 big-endian bytes.</summary>
        public static Int128 ReadInt128BigEndian(ReadOnlySpan<byte> source) => (Int128)ReadUInt128BigEndian(source);

        /// <summary>Writes 16 little-endian bytes.</summary>
        public static void WriteUInt128LittleEndian(Span<byte> destination, UInt128 value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(8, 8), value.Upper);
            BinaryPrimitives.WriteUInt64LittleEndian(destination, value.Lower);
        }

        /// <summary>Writes 16 big-endian bytes.</summary>
        public static void WriteUInt128BigEndian(Span<byte> destination, UInt128 value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8, 8), value.Lower);
            BinaryPrimitives.WriteUInt64BigEndian(destination, value.Upper);
        }

        /// <summary>Writes 16 little-endian bytes.</summary>
        public static void WriteInt128LittleEndian(Span<byte> destination, Int128 value) =>
            WriteUInt128LittleEndian(destination, (UInt128)value);

        /// <summary>Writes 16 big-endian bytes.</summary>
        public static void WriteInt128BigEndian(Span<byte> destination, Int128 value) =>
            WriteUInt128BigEndian(destination, (UInt128)value);
    }
}
#endif
