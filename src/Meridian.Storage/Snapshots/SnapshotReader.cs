using System.Buffers.Binary;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;

namespace Meridian.Storage.Snapshots;

/// <summary>Verifies and loads a snapshot file into a committed version.</summary>
internal static class SnapshotReader
{
    /// <summary>Loads a snapshot; throws <see cref="StorageCorruptionException"/> when it is damaged.</summary>
    public static DbState Load(IStorageDevice device, string name, out long rows)
    {
        using var file = device.Open(name, create: false);
        var length = file.Length;
        if (length < SnapshotFormat.HeaderSize + SnapshotFormat.TrailerSize)
            throw new StorageCorruptionException(name, 0, $"the file is {length} bytes, too short for a snapshot");
        VerifyChecksum(file, name, length);

        var input = new Input(file, length - SnapshotFormat.TrailerSize, name);
        var header = input.Take(SnapshotFormat.HeaderSize);
        if (!header[..8].SequenceEqual(SnapshotFormat.Magic))
            throw new StorageCorruptionException(name, 0, "bad magic (not a Meridian snapshot)");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version == 0 || version > SnapshotFormat.Version)
            throw new StorageCorruptionException(
                name, 8, $"snapshot format version {version} is not supported (this build reads version {SnapshotFormat.Version})");
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[12..]);
        if (!SnapshotFormat.TryParseName(name, out var named) || named != offset)
            throw new StorageCorruptionException(name, 12, $"the snapshot holds offset {offset}, which does not match its file name");
        var nextTableId = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        var tableCount = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);

        var edit = EditToken.Next();
        var tables = new TableData?[nextTableId];
        var names = new Dictionary<string, uint>(StringComparer.Ordinal);
        rows = 0;
        try
        {
            for (var i = 0; i < tableCount; i++)
            {
                var schemaBytes = input.Take(input.U32());
                var reader = new BsatnReader(schemaBytes);
                var schema = SchemaCodec.Read(ref reader);
                reader.EnsureAtEnd("table schema");
                if (schema.Id.Value >= nextTableId || tables[schema.Id.Value] is not null)
                    throw new StorageCorruptionException(name, input.Position, $"table id {schema.Id.Value} is out of range or repeated");
                var table = new TableData(schema);
                var sequences = input.U32();
                if (sequences != table.SequenceNext.Length)
                    throw new StorageCorruptionException(
                        name, input.Position, $"table '{schema.Name}' has {table.SequenceNext.Length} sequence(s) but the snapshot holds {sequences}");
                for (var s = 0; s < sequences; s++)
                    table.SequenceNext[s] = BinaryPrimitives.ReadInt128LittleEndian(input.Take(16));
                var count = BinaryPrimitives.ReadUInt64LittleEndian(input.Take(8));
                for (ulong r = 0; r < count; r++)
                    table.Add(input.Take(input.U32()), edit);
                table.FlushIndexes();
                rows += (long)count;
                tables[schema.Id.Value] = table;
                names[schema.Name] = schema.Id.Value;
            }
        }
        catch (BsatnDecodeException e)
        {
            throw new StorageCorruptionException(name, input.Position, e.Message);
        }
        if (input.Position != length - SnapshotFormat.TrailerSize)
            throw new StorageCorruptionException(name, input.Position, "unexpected bytes after the last table");
        return new DbState(tables, names, nextTableId, offset + 1);
    }

    private static void VerifyChecksum(IStorageFile file, string name, long length)
    {
        var buffer = new byte[1 << 20];
        var state = 0xFFFF_FFFFu;
        var body = length - SnapshotFormat.TrailerSize;
        for (long at = 0; at < body;)
        {
            var n = file.Read(at, buffer.AsSpan(0, (int)Math.Min(buffer.Length, body - at)));
            if (n == 0)
                throw new StorageCorruptionException(name, at, "the file ended early");
            state = Crc32C.Update(state, buffer.AsSpan(0, n));
            at += n;
        }
        Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerSize];
        file.Read(body, trailer);
        if (!trailer[4..].SequenceEqual(SnapshotFormat.EndMagic))
            throw new StorageCorruptionException(name, body + 4, "the end marker is missing (incomplete snapshot)");
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != ~state)
            throw new StorageCorruptionException(name, body, "checksum mismatch");
    }

    private sealed class Input(IStorageFile file, long end, string name)
    {
        private byte[] _buffer = new byte[1 << 20];
        private long _bufferStart;
        private int _bufferLength;

        public long Position { get; private set; }

        public int U32()
        {
            var v = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
            if (v > end)
                throw new StorageCorruptionException(name, Position - 4, $"length {v} is larger than the file");
            return (int)v;
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            if (Position + count > end)
                throw new StorageCorruptionException(name, Position, $"{count} byte(s) needed but the data ends");
            if (Position < _bufferStart || Position + count > _bufferStart + _bufferLength)
            {
                if (count > _buffer.Length)
                    _buffer = new byte[count];
                _bufferStart = Position;
                _bufferLength = file.Read(Position, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, end - Position)));
            }
            var span = _buffer.AsSpan((int)(Position - _bufferStart), count);
            Position += count;
            return span;
        }
    }
}
