using Meridian.Storage.Devices;

namespace Meridian.Storage.Snapshots;

/// <summary>
/// A write-only, front-to-back <see cref="IStorageFile"/> over a stream, so a snapshot can be
/// written straight into a backup file or a network response.
/// </summary>
internal sealed class StreamOutputFile(Stream stream) : IStorageFile
{
    public long Length { get; private set; }

    public int Read(long position, Span<byte> buffer) => throw new NotSupportedException("A stream output file is write-only.");

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        if (position != Length)
            throw new NotSupportedException("A stream output file is written front to back.");
        stream.Write(data);
        Length += data.Length;
    }

    public void Sync() => stream.Flush();

    public void SetLength(long length)
    {
        if (length != Length)
            throw new NotSupportedException("A stream output file cannot change its length.");
    }

    // The stream belongs to the caller.
    public void Dispose()
    {
    }
}
