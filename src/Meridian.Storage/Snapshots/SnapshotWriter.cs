using System.Buffers.Binary;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Devices;
using Meridian.Storage.Indexes;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;

namespace Meridian.Storage.Snapshots;

/// <summary>Writes a snapshot of an immutable committed version, atomically (temp file, fsync, rename, directory fsync).</summary>
internal static class SnapshotWriter
{
    public static string Write(IStorageDevice device, DbState state)
    {
        if (state.NextOffset == 0)
            throw new InvalidOperationException("Nothing has been committed, so there is nothing to snapshot.");
        var offset = state.NextOffset - 1;
        var name = SnapshotFormat.Name(offset);
        var temp = name + SnapshotFormat.TempSuffix;
        using (var file = device.Open(temp, create: true))
        {
            file.SetLength(0);
            WriteTo(file, state);
            file.Sync();
        }
        device.Rename(temp, name);
        device.SyncDirectory();
        return name;
    }

    /// <summary>Writes the snapshot of <paramref name="state"/> to <paramref name="file"/> from position 0; returns the bytes written.</summary>
    public static long WriteTo(IStorageFile file, DbState state)
    {
        if (state.NextOffset == 0)
            throw new InvalidOperationException("Nothing has been committed, so there is nothing to snapshot.");
        var offset = state.NextOffset - 1;
        var output = new Output(file);
        var tables = state.Tables.Where(t => t is not null).Select(t => t!).ToList();
        var w = output.Buffer;
        w.WriteRaw(SnapshotFormat.Magic);
        w.WriteU16(SnapshotFormat.Version);
        w.WriteU16(0);
        w.WriteU64(offset);
        w.WriteU32(state.NextTableId);
        w.WriteU32((uint)tables.Count);
        var schemaBuffer = new BsatnWriter(1024);
        foreach (var t in tables)
        {
            schemaBuffer.Reset();
            SchemaCodec.Write(schemaBuffer, t.Schema);
            w.WriteBytes(schemaBuffer.WrittenSpan);
            w.WriteU32((uint)t.SequenceNext.Length);
            foreach (var s in t.SequenceNext)
                w.WriteI128(s);
            w.WriteU64((ulong)t.RowCount);
            var live = new SlotMap.LiveEnumerator(t.Slots);
            while (live.MoveNext())
            {
                w.WriteBytes(t.Heap.Read(live.Pointer));
                output.MaybeFlush();
            }
        }
        return output.Finish();
    }

    private sealed class Output(IStorageFile file)
    {
        private long _position;
        private uint _crc = 0xFFFF_FFFFu;

        public BsatnWriter Buffer { get; } = new(1 << 20);

        public void MaybeFlush()
        {
            if (Buffer.Length >= 1 << 20)
                Flush();
        }

        private void Flush()
        {
            _crc = Crc32C.Update(_crc, Buffer.WrittenSpan);
            file.Write(_position, Buffer.WrittenSpan);
            _position += Buffer.Length;
            Buffer.Reset();
        }

        public long Finish()
        {
            Flush();
            Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerSize];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, ~_crc);
            SnapshotFormat.EndMagic.CopyTo(trailer[4..]);
            file.Write(_position, trailer);
            return _position + trailer.Length;
        }
    }
}
