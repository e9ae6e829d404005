using System.Buffers.Binary;
using System.Numerics;

namespace Meridian.Storage.Log;

/// <summary>CRC-32C (Castagnoli) using the hardware instruction behind <see cref="BitOperations.Crc32C(uint, ulong)"/>.</summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFF_FFFFu, data);

    /// <summary>Continues a raw CRC state (start with 0xFFFFFFFF, finish with <c>~state</c>).</summary>
    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (var b in data)
            state = BitOperations.Crc32C(state, b);
        return state;
    }
}
