using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Meridian.Sats.Numerics;

namespace Meridian.Sats.Bsatn;

/// <summary>
/// A growable, reusable buffer that BSATN values are written into. Writing a primitive never
/// allocates; the buffer doubles when full. Call <see cref="Reset"/> to reuse it.
/// </summary>
public sealed class BsatnWriter : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _position;

    /// <summary>Creates a writer with an initial capacity in bytes.</summary>
    public BsatnWriter(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>Number of bytes written so far.</summary>
    public int Length => _position;

    /// <summary>The bytes written so far (valid until the next write or reset).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>The bytes written so far (valid until the next write or reset).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    /// <summary>Copies the bytes written so far into a new array.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Reset() => _position = 0;

    /// <summary>Moves the write position back to <paramref name="length"/> bytes, discarding what follows.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)_position, nameof(length));
        _position = length;
    }

    /// <summary>Writes a bool as one byte, 0 or 1.</summary>
    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);

    /// <summary>Writes a u8.</summary>
    public void WriteU8(byte value)
    {
        if (_position == _buffer.Length)
            Grow(1);
        _buffer[_position++] = value;
    }

    /// <summary>Writes an i8.</summary>
    public void WriteI8(sbyte value) => WriteU8((byte)value);

    /// <summary>Writes a little-endian u16.</summary>
    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    /// <summary>Writes a little-endian i16.</summary>
    public void WriteI16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Take(2), value);

    /// <summary>Writes a little-endian u32.</summary>
    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    /// <summary>Writes a little-endian i32.</summary>
    public void WriteI32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    /// <summary>Writes a little-endian u64.</summary>
    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    /// <summary>Writes a little-endian i64.</summary>
    public void WriteI64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    /// <summary>Writes a little-endian u128.</summary>
    public void WriteU128(UInt128 value) => BinaryPrimitives.WriteUInt128LittleEndian(Take(16), value);

    /// <summary>Writes a little-endian i128.</summary>
    public void WriteI128(Int128 value) => BinaryPrimitives.WriteInt128LittleEndian(Take(16), value);

    /// <summary>Writes a little-endian u256.</summary>
    public void WriteU256(UInt256 value) => value.WriteLittleEndian(Take(32));

    /// <summary>Writes a little-endian i256.</summary>
    public void WriteI256(Int256 value) => value.WriteLittleEndian(Take(32));

    /// <summary>Writes an f32 as its IEEE-754 bits.</summary>
    public void WriteF32(float value) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), value);

    /// <summary>Writes an f64 as its IEEE-754 bits.</summary>
    public void WriteF64(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>Writes a string: u32 byte length, then UTF-8.</summary>
    public void WriteString(string value) => WriteString(value.AsSpan());

    /// <summary>Writes a string: u32 byte length, then UTF-8.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var lengthAt = _position;
        Take(4);
        var span = GetSpan(max);
        var written = Encoding.UTF8.GetBytes(value, span);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(lengthAt), (uint)written);
        _position += written;
    }

    /// <summary>Writes a byte array: u32 length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteU32((uint)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes an array or list length prefix (u32).</summary>
    public void WriteArrayLength(int count) => WriteU32((uint)count);

    /// <summary>Writes a sum tag.</summary>
    public void WriteSumTag(byte tag) => WriteU8(tag);

    /// <summary>Writes bytes as they are, with no length prefix (e.g. an already encoded value).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> Take(int count)
    {
        if (_buffer.Length - _position < count)
            Grow(count);
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_position + count > _buffer.Length)
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        _position += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_buffer.Length - _position < Math.Max(sizeHint, 1))
            Grow(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_position);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_buffer.Length - _position < Math.Max(sizeHint, 1))
            Grow(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_position);
    }

    private void Grow(int needed)
    {
        var required = (long)_position + needed;
        if (required > Array.MaxLength)
            throw new InvalidOperationException($"A BSATN buffer cannot grow past {Array.MaxLength} bytes.");
        var size = Math.Max((long)_buffer.Length * 2, required);
        Array.Resize(ref _buffer, (int)Math.Min(size, Array.MaxLength));
    }
}
