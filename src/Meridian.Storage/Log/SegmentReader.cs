using System.Buffers.Binary;
using Meridian.Storage.Devices;

namespace Meridian.Storage.Log;

/// <summary>One commit read from a segment.</summary>
internal readonly record struct RawCommit(ulong Offset, int Count, long Position, int Length, ReadOnlyMemory<byte> Record);

/// <summary>What stopped a segment scan before its end.</summary>
internal readonly record struct SegmentProblem(long Position, string Problem);

/// <summary>
/// Reads commits from one segment file sequentially with a refillable buffer, verifying each
/// frame's CRC. Stops at the first frame that is incomplete or invalid and reports where. Bytes that
/// are all zero from a frame boundary to the end of the file are space the log preallocated and has
/// not written yet: a clean end (<see cref="PreallocatedTail"/> says how much), never a commit, since
/// a valid frame has n = 1.
/// </summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly IStorageFile _file;
    private readonly long _length;
    private readonly long _maxRecord;
    private byte[] _buffer = new byte[1 << 20];
    private long _bufferStart;
    private int _bufferLength;

    public SegmentReader(IStorageFile file, long maxRecord)
    {
        _file = file;
        _length = file.Length;
        _maxRecord = maxRecord;
        Position = LogFormat.HeaderSize;
    }

    public long Length => _length;

    public long Position { get; private set; }

    /// <summary>Bytes of zeros after the last commit (preallocated, unwritten), once <see cref="TryRead"/> has reached them.</summary>
    public long PreallocatedTail { get; private set; }

    public string? ReadHeaderProblem()
    {
        var header = new byte[LogFormat.HeaderSize];
        var n = _file.Read(0, header);
        return LogFormat.CheckHeader(header.AsSpan(0, n));
    }

    /// <summary>Reads the next commit; false at a clean end or at a problem (then <paramref name="problem"/> is set).</summary>
    public bool TryRead(out RawCommit commit, out SegmentProblem? problem)
    {
        commit = default;
        problem = null;
        if (Position == _length)
            return false;
        if (!TryValidateAt(Position, out commit, out var why))
        {
            if (IsZeroFrom(Position))
                PreallocatedTail = _length - Position;
            else
                problem = new SegmentProblem(Position, why);
            return false;
        }
        Position += commit.Length;
        return true;
    }

    /// <summary>Checks whether a whole valid commit starts at <paramref name="position"/>.</summary>
    public bool TryValidateAt(long position, out RawCommit commit, out string problem)
    {
        commit = default;
        var remaining = _length - position;
        if (remaining < LogFormat.CommitOverhead)
        {
            problem = $"incomplete commit: {remaining} byte(s) left, at least {LogFormat.CommitOverhead} needed";
            return false;
        }
        var header = Window(position, LogFormat.CommitHeaderSize);
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(header);
        var n = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        var len = BinaryPrimitives.ReadUInt32LittleEndian(header[18..]);
        if (len > _maxRecord || len > remaining - LogFormat.CommitOverhead)
        {
            problem = len > remaining - LogFormat.CommitOverhead
                ? $"incomplete commit: its record claims {len} bytes but only {remaining - LogFormat.CommitOverhead} follow"
                : $"record length {len} is larger than any segment";
            return false;
        }
        var total = LogFormat.CommitOverhead + (int)len;
        var frame = Window(position, total);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[(total - 4)..]);
        if (Crc32C.Compute(frame[..(total - 4)]) != crc)
        {
            problem = "checksum mismatch";
            return false;
        }
        if (n != 1)
        {
            problem = $"commit holds {n} records; this format writes exactly 1";
            return false;
        }
        var record = frame.Slice(LogFormat.CommitHeaderSize, (int)len).ToArray();
        commit = new RawCommit(offset, n, position, total, record);
        problem = "";
        return true;
    }

    /// <summary>After a bad frame: is there any valid commit with an offset in [minOffset, minOffset + 2^20) later in the file?</summary>
    public long FindLaterValidCommit(long after, ulong minOffset)
    {
        for (var p = after + 1; p + LogFormat.CommitOverhead <= _length; p++)
        {
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(Window(p, 8));
            if (offset < minOffset || offset - minOffset >= 1 << 20)
                continue;
            if (TryValidateAt(p, out _, out _))
                return p;
        }
        return -1;
    }

    private bool IsZeroFrom(long position)
    {
        var chunk = new byte[64 * 1024];
        while (position < _length)
        {
            var n = _file.Read(position, chunk.AsSpan(0, (int)Math.Min(chunk.Length, _length - position)));
            if (n == 0 || chunk.AsSpan(0, n).ContainsAnyExcept((byte)0))
                return n == 0;
            position += n;
        }
        return true;
    }

    private ReadOnlySpan<byte> Window(long position, int count)
    {
        if (position < _bufferStart || position + count > _bufferStart + _bufferLength)
        {
            if (count > _buffer.Length)
                _buffer = new byte[count];
            _bufferStart = position;
            _bufferLength = _file.Read(position, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, _length - position)));
        }
        return _buffer.AsSpan((int)(position - _bufferStart), count);
    }

    public void Dispose() => _file.Dispose();
}
