using System.Buffers.Binary;
using System.Globalization;

namespace Meridian.Storage.Log;

/// <summary>
/// Layout of commit-log segments, format version 1 (docs/dev/storage.md):
/// a segment is <c>{first offset:D20}.mlog</c> starting with a 10-byte header — magic "MRDLOG",
/// version u8, checksum algorithm u8 (0 = CRC32C), two reserved zero bytes — followed by commits.
/// A commit is <c>offset u64 | epoch u64 | n u16 | len u32 | record[len] | crc u32</c>, little-endian,
/// the CRC32C covering every byte before it; one transaction record per commit (n = 1).
/// </summary>
internal static class LogFormat
{
    public const string Extension = ".mlog";
    public const byte Version = 1;
    public const byte ChecksumCrc32C = 0;
    public const int HeaderSize = 10;
    public const int CommitHeaderSize = 8 + 8 + 2 + 4;
    public const int CommitOverhead = CommitHeaderSize + 4;
    public static ReadOnlySpan<byte> Magic => "MRDLOG"u8;

    public static string SegmentName(ulong firstOffset) => firstOffset.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseSegmentName(string name, out ulong offset)
    {
        offset = 0;
        return name.Length == 20 + Extension.Length && name.EndsWith(Extension, StringComparison.Ordinal)
            && ulong.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    public static void WriteHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        destination[6] = Version;
        destination[7] = ChecksumCrc32C;
        destination[8] = 0;
        destination[9] = 0;
    }

    /// <summary>Null when the header is valid, else the problem.</summary>
    public static string? CheckHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize)
            return $"the segment header is {header.Length} bytes, {HeaderSize} expected";
        if (!header[..6].SequenceEqual(Magic))
            return "bad magic (not a Meridian commit-log segment)";
        if (header[6] == 0 || header[6] > Version)
            return $"format version {header[6]} is not supported (this build reads version {Version})";
        if (header[7] != ChecksumCrc32C)
            return $"unknown checksum algorithm {header[7]}";
        return null;
    }

    /// <summary>Writes a commit frame around an already written record: header before, CRC after.</summary>
    public static void WriteCommitHeader(Span<byte> destination, ulong offset, int recordLength)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, offset);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], 0); // epoch: single node
        BinaryPrimitives.WriteUInt16LittleEndian(destination[16..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[18..], (uint)recordLength);
    }
}
