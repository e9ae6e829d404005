namespace Meridian.Storage.Devices;

/// <summary>
/// Wraps a device and injects faults: a torn write after a given number of bytes (the write that
/// crosses it stores only its first part, and the device is dead from then on), failing syncs,
/// failing writes, and added latency. Used to test every failure path of the log and snapshots.
/// </summary>
public sealed class FaultInjectingDevice(IStorageDevice inner) : IStorageDevice
{
    private readonly object _lock = new();
    private long _bytesWritten;
    private int _syncs;
    private bool _dead;

    /// <summary>The wrapped device.</summary>
    public IStorageDevice Inner { get; } = inner;

    /// <summary>Writes after this many bytes in total fail; the crossing write is torn. Null for no limit.</summary>
    public long? FailAfterBytes { get; set; }

    /// <summary>The sync with this 1-based number (counting all files and directory syncs) fails, and every later one. Null for none.</summary>
    public int? FailSyncNumber { get; set; }

    /// <summary>When set, every write fails.</summary>
    public bool FailWrites { get; set; }

    /// <summary>When set, every sync fails.</summary>
    public bool FailSyncs { get; set; }

    /// <summary>Delay added to each write.</summary>
    public TimeSpan WriteLatency { get; set; }

    /// <summary>Delay added to each sync.</summary>
    public TimeSpan SyncLatency { get; set; }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten
    {
        get
        {
            lock (_lock)
                return _bytesWritten;
        }
    }

    /// <summary>Syncs performed so far.</summary>
    public int Syncs
    {
        get
        {
            lock (_lock)
                return _syncs;
        }
    }

    /// <summary>True once an injected fault has fired.</summary>
    public bool HasFailed
    {
        get
        {
            lock (_lock)
                return _dead;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles() => Inner.ListFiles();

    /// <inheritdoc />
    public bool Exists(string name) => Inner.Exists(name);

    /// <inheritdoc />
    public IStorageFile Open(string name, bool create)
    {
        CheckAlive();
        return new FaultyFile(this, Inner.Open(name, create));
    }

    /// <inheritdoc />
    public void Delete(string name)
    {
        CheckAlive();
        Inner.Delete(name);
    }

    /// <inheritdoc />
    public void Rename(string from, string to)
    {
        CheckAlive();
        Inner.Rename(from, to);
    }

    /// <inheritdoc />
    public void SyncDirectory()
    {
        BeforeSync();
        Inner.SyncDirectory();
    }

    private void CheckAlive()
    {
        lock (_lock)
        {
            if (_dead)
                throw new IOException("Injected fault: the device has failed.");
        }
    }

    private void BeforeSync()
    {
        if (SyncLatency > TimeSpan.Zero)
            Thread.Sleep(SyncLatency);
        lock (_lock)
        {
            if (_dead)
                throw new IOException("Injected fault: the device has failed.");
            _syncs++;
            if (FailSyncs || (FailSyncNumber is int n && _syncs >= n))
            {
                _dead = true;
                throw new IOException($"Injected fault: sync #{_syncs} failed.");
            }
        }
    }

    /// <summary>How many bytes of a write may go through; throws after a partial write when the limit is crossed.</summary>
    private int Allow(int length)
    {
        if (WriteLatency > TimeSpan.Zero)
            Thread.Sleep(WriteLatency);
        lock (_lock)
        {
            if (_dead)
                throw new IOException("Injected fault: the device has failed.");
            if (FailWrites)
            {
                _dead = true;
                throw new IOException("Injected fault: write failed.");
            }
            if (FailAfterBytes is long limit && _bytesWritten + length > limit)
            {
                _dead = true;
                var allowed = (int)Math.Max(0, limit - _bytesWritten);
                _bytesWritten += allowed;
                return allowed;
            }
            _bytesWritten += length;
            return length;
        }
    }

    private sealed class FaultyFile(FaultInjectingDevice device, IStorageFile inner) : IStorageFile
    {
        public long Length => inner.Length;

        public int Read(long position, Span<byte> buffer) => inner.Read(position, buffer);

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            var allowed = device.Allow(data.Length);
            if (allowed > 0)
                inner.Write(position, data[..allowed]);
            if (allowed < data.Length)
                throw new IOException($"Injected fault: torn write ({allowed} of {data.Length} bytes written).");
        }

        public void Sync()
        {
            device.BeforeSync();
            inner.Sync();
        }

        public void SyncData()
        {
            device.BeforeSync();
            inner.SyncData();
        }

        public void SetLength(long length)
        {
            device.CheckAlive();
            inner.SetLength(length);
        }

        public void Dispose() => inner.Dispose();
    }
}
