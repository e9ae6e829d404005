using System.Numerics;
using System.Runtime.CompilerServices;

namespace Meridian.Sats.Hashing;

/// <summary>
/// BLAKE3 in its default (unkeyed) hash mode, written from the public BLAKE3 specification.
/// Produces the standard 32-byte digest, or any number of bytes as an extendable output (XOF).
/// </summary>
/// <remarks>
/// Hashing allocates nothing on the heap: all state lives on the stack. For input that arrives
/// in pieces, use <see cref="Blake3Hasher"/>.
/// </remarks>
public static class Blake3
{
    /// <summary>The default digest length in bytes (256 bits).</summary>
    public const int OutputLength = 32;

    /// <summary>Bytes in one compression block.</summary>
    internal const int BlockLength = 64;

    /// <summary>Bytes in one chunk, the leaf of the hash tree (16 blocks).</summary>
    internal const int ChunkLength = 1024;

    /// <summary>Domain flag: first block of a chunk.</summary>
    internal const uint ChunkStart = 1u << 0;

    /// <summary>Domain flag: last block of a chunk.</summary>
    internal const uint ChunkEnd = 1u << 1;

    /// <summary>Domain flag: a parent node joining two chaining values.</summary>
    internal const uint Parent = 1u << 2;

    /// <summary>Domain flag: the root node, whose output is the hash.</summary>
    internal const uint Root = 1u << 3;

    // The initialisation vector: the same constants as SHA-256's initial hash value.
    private const uint Iv0 = 0x6A09E667;
    private const uint Iv1 = 0xBB67AE85;
    private const uint Iv2 = 0x3C6EF372;
    private const uint Iv3 = 0xA54FF53A;
    private const uint Iv4 = 0x510E527F;
    private const uint Iv5 = 0x9B05688C;
    private const uint Iv6 = 0x1F83D9AB;
    private const uint Iv7 = 0x5BE0CD19;

    /// <summary>
    /// Message word order for each of the seven rounds: row 0 is the identity and every next row
    /// applies the BLAKE3 message permutation (2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8)
    /// to the previous one.
    /// </summary>
    private static ReadOnlySpan<byte> MessageSchedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

    /// <summary>Hashes <paramref name="input"/> and fills all of <paramref name="output"/>.</summary>
    /// <param name="input">The bytes to hash; any length.</param>
    /// <param name="output">
    /// Receives the digest. Its length chooses the output length: <see cref="OutputLength"/> (32) is the
    /// standard hash, and longer outputs extend it (a shorter output is a prefix of a longer one).
    /// </param>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var hasher = new Blake3Hasher();
        hasher.Update(input);
        hasher.Finalize(output);
    }

    /// <summary>Hashes <paramref name="input"/> into a new 32-byte array.</summary>
    /// <param name="input">The bytes to hash; any length.</param>
    /// <returns>The standard 32-byte BLAKE3 digest.</returns>
    public static byte[] Hash(ReadOnlySpan<byte> input)
    {
        var output = new byte[OutputLength];
        Hash(input, output);
        return output;
    }

    /// <summary>Writes the eight key words (the IV in hash mode) into <paramref name="destination"/>.</summary>
    internal static void WriteIv(Span<uint> destination)
    {
        destination[0] = Iv0;
        destination[1] = Iv1;
        destination[2] = Iv2;
        destination[3] = Iv3;
        destination[4] = Iv4;
        destination[5] = Iv5;
        destination[6] = Iv6;
        destination[7] = Iv7;
    }

    /// <summary>
    /// The BLAKE3 compression function. Writes the first 8 output words (the new chaining value), or
    /// all 16 when <paramref name="output"/> is that long (extended output from a root node).
    /// </summary>
    /// <param name="chainingValue">The 8-word input chaining value.</param>
    /// <param name="message">The 16 little-endian message words of the block.</param>
    /// <param name="counter">The chunk counter (leaves), 0 (parents), or the output block counter (root).</param>
    /// <param name="blockLength">How many bytes of the block are message, 0 to 64.</param>
    /// <param name="flags">The domain flags.</param>
    /// <param name="output">
    /// 8 or 16 words. It may overlap <paramref name="message"/> (read in full before any output is written)
    /// and, for an 8-word output, <paramref name="chainingValue"/>.
    /// </param>
    internal static void Compress(
        ReadOnlySpan<uint> chainingValue,
        ReadOnlySpan<uint> message,
        ulong counter,
        uint blockLength,
        uint flags,
        Span<uint> output)
    {
        ReadOnlySpan<uint> m = message[..16];
        ReadOnlySpan<uint> h = chainingValue[..8];

        uint v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3];
        uint v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        uint v8 = Iv0, v9 = Iv1, v10 = Iv2, v11 = Iv3;
        uint v12 = (uint)counter, v13 = (uint)(counter >> 32), v14 = blockLength, v15 = flags;

        ReadOnlySpan<byte> schedule = MessageSchedule;
        for (var round = 0; round < 7; round++)
        {
            ReadOnlySpan<byte> s = schedule.Slice(round * 16, 16);

            // Columns.
            G(ref v0, ref v4, ref v8, ref v12, m[s[0]], m[s[1]]);
            G(ref v1, ref v5, ref v9, ref v13, m[s[2]], m[s[3]]);
            G(ref v2, ref v6, ref v10, ref v14, m[s[4]], m[s[5]]);
            G(ref v3, ref v7, ref v11, ref v15, m[s[6]], m[s[7]]);

            // Diagonals.
            G(ref v0, ref v5, ref v10, ref v15, m[s[8]], m[s[9]]);
            G(ref v1, ref v6, ref v11, ref v12, m[s[10]], m[s[11]]);
            G(ref v2, ref v7, ref v8, ref v13, m[s[12]], m[s[13]]);
            G(ref v3, ref v4, ref v9, ref v14, m[s[14]], m[s[15]]);
        }

        // The upper half reads the input chaining value, so write it before the lower half,
        // which may overwrite that chaining value in place.
        if (output.Length >= 16)
        {
            output[8] = v8 ^ h[0];
            output[9] = v9 ^ h[1];
            output[10] = v10 ^ h[2];
            output[11] = v11 ^ h[3];
            output[12] = v12 ^ h[4];
            output[13] = v13 ^ h[5];
            output[14] = v14 ^ h[6];
            output[15] = v15 ^ h[7];
        }

        output[0] = v0 ^ v8;
        output[1] = v1 ^ v9;
        output[2] = v2 ^ v10;
        output[3] = v3 ^ v11;
        output[4] = v4 ^ v12;
        output[5] = v5 ^ v13;
        output[6] = v6 ^ v14;
        output[7] = v7 ^ v15;
    }

    /// <summary>The G mixing function on one column or diagonal of the state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint mx, uint my)
    {
        a = a + b + mx;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 12);
        a = a + b + my;
        d = BitOperations.RotateRight(d ^ a, 8);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 7);
    }
}
