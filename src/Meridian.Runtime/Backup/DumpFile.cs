using System.Buffers.Binary;
using System.Text.Json;
using Meridian.Storage;
using Meridian.Storage.Log;

namespace Meridian.Runtime.Backup;

/// <summary>
/// The dump file of one database, format version 1 (docs/dev/dump.md): its module and a snapshot
/// of its data at one transaction offset, in one checksummed file.
/// </summary>
/// <remarks>
/// Layout (little-endian): magic <c>MRDDUMP\0</c>, u16 version, u16 reserved; u32 length + the
/// metadata as UTF-8 JSON (<see cref="DumpInfo"/>); u64 length + the module assembly; u64 length +
/// the snapshot (storage snapshot format version 1); then a CRC32C of every byte before it and the
/// end magic <c>MRDDEND\0</c>. The checksum is checked over the whole file before anything is read.
/// </remarks>
public static class DumpFile
{
    /// <summary>The format version this build writes (and the newest it reads).</summary>
    public const ushort Version = 1;

    private const int HeaderSize = 8 + 2 + 2;
    private const int TrailerSize = 4 + 8;
    private static ReadOnlySpan<byte> Magic => "MRDDUMP\0"u8;
    private static ReadOnlySpan<byte> EndMagic => "MRDDEND\0"u8;

    /// <summary>
    /// Writes a dump of <paramref name="state"/> with <paramref name="moduleImage"/> to the
    /// seekable <paramref name="destination"/>, from its current position.
    /// </summary>
    /// <param name="destination">A seekable, readable stream (the checksum is computed by reading it back).</param>
    /// <param name="info">What the metadata says (tables, rows and offset are taken from the state).</param>
    /// <param name="moduleImage">The module assembly that owned the data at that offset.</param>
    /// <param name="state">The committed version to dump.</param>
    /// <returns>The metadata as written.</returns>
    public static DumpInfo Write(Stream destination, DumpInfo info, byte[] moduleImage, CommittedState state)
    {
        var offset = state.LastOffset ?? throw new InvalidOperationException("Nothing has been committed, so there is nothing to dump.");
        var tables = state.Tables.ToList();
        info = info with
        {
            Offset = offset,
            Tables = tables.Count,
            Rows = tables.Sum(t => (long)state.Count(t.Id)),
            FormatVersion = Version,
        };
        var start = destination.Position;
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        destination.Write(header);
        var metadata = JsonSerializer.SerializeToUtf8Bytes(info, DumpJsonContext.Default.DumpInfo);
        WriteU32(destination, (uint)metadata.Length);
        destination.Write(metadata);
        WriteU64(destination, (ulong)moduleImage.Length);
        destination.Write(moduleImage);
        var lengthAt = destination.Position;
        WriteU64(destination, 0);
        var snapshotLength = state.WriteSnapshot(destination);
        var end = destination.Position;
        destination.Position = lengthAt;
        WriteU64(destination, (ulong)snapshotLength);
        destination.Position = start;
        var crc = Checksum(destination, end - start);
        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        EndMagic.CopyTo(trailer[4..]);
        destination.Position = end;
        destination.Write(trailer);
        destination.Flush();
        return info;
    }

    /// <summary>
    /// Checks a whole dump (length, end magic, checksum, header, metadata) and returns its parts;
    /// the snapshot is returned as its position and length in <paramref name="source"/>.
    /// </summary>
    /// <param name="source">A seekable stream positioned at the dump's first byte and holding nothing after it.</param>
    /// <exception cref="InvalidDumpException">The file is not a dump, is damaged or truncated, or is of a newer format.</exception>
    public static DumpContents Read(Stream source)
    {
        var start = source.Position;
        var length = source.Length - start;
        if (length < HeaderSize + 4 + 8 + 8 + TrailerSize)
            throw new InvalidDumpException($"the file is {length} bytes, too short for a Meridian dump (it is truncated or not a dump).");
        Span<byte> header = stackalloc byte[HeaderSize];
        source.ReadExactly(header);
        if (!header[..8].SequenceEqual(Magic))
            throw new InvalidDumpException("the file is not a Meridian dump (it does not start with MRDDUMP).");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version == 0 || version > Version)
            throw new InvalidDumpException($"the dump is in format version {version}; this Meridian reads version {Version} and older.");
        Span<byte> trailer = stackalloc byte[TrailerSize];
        source.Position = start + length - TrailerSize;
        source.ReadExactly(trailer);
        if (!trailer[4..].SequenceEqual(EndMagic))
            throw new InvalidDumpException("the dump is truncated (its end marker is missing).");
        source.Position = start;
        var crc = Checksum(source, length - TrailerSize);
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(trailer))
            throw new InvalidDumpException("the dump is damaged (its checksum does not match its contents).");

        source.Position = start + HeaderSize;
        var bodyEnd = start + length - TrailerSize;
        var metadata = ReadBlock(source, ReadU32(source), bodyEnd, "metadata");
        DumpInfo info;
        try
        {
            info = JsonSerializer.Deserialize(metadata, DumpJsonContext.Default.DumpInfo)
                ?? throw new InvalidDumpException("the dump's metadata is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDumpException($"the dump's metadata is not valid: {e.Message}");
        }
        var module = ReadBlock(source, ReadU64(source), bodyEnd, "module");
        var snapshotLength = ReadU64(source);
        var snapshotStart = source.Position;
        if (snapshotStart + (long)snapshotLength != bodyEnd)
            throw new InvalidDumpException("the dump's snapshot does not end where the file does.");
        return new DumpContents(info, module, snapshotStart, (long)snapshotLength);
    }

    private static byte[] ReadBlock(Stream source, ulong length, long bodyEnd, string what)
    {
        if (length > (ulong)(bodyEnd - source.Position) || length > int.MaxValue)
            throw new InvalidDumpException($"the dump's {what} is longer than the file.");
        var bytes = new byte[length];
        source.ReadExactly(bytes);
        return bytes;
    }

    private static uint Checksum(Stream source, long length)
    {
        var buffer = new byte[1 << 20];
        var state = 0xFFFF_FFFFu;
        while (length > 0)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0)
                throw new InvalidDumpException("the dump is truncated.");
            state = Crc32C.Update(state, buffer.AsSpan(0, read));
            length -= read;
        }
        return ~state;
    }

    private static void WriteU32(Stream s, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteU64(Stream s, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        s.Write(b);
    }

    private static uint ReadU32(Stream s)
    {
        Span<byte> b = stackalloc byte[4];
        s.ReadExactly(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    private static ulong ReadU64(Stream s)
    {
        Span<byte> b = stackalloc byte[8];
        s.ReadExactly(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }
}
