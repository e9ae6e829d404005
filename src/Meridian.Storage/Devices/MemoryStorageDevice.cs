namespace Meridian.Storage.Devices;

/// <summary>
/// Files in memory, with a model of what survives a crash: each file remembers what was last
/// synced, and the directory remembers what was last directory-synced. <see cref="Crash"/> throws
/// away everything else, optionally keeping a random prefix of each file's unsynced tail (as an
/// operating system may have written part of it). Thread-safe.
/// </summary>
public sealed class MemoryStorageDevice : IStorageDevice
{
    private readonly object _lock = new();
    private Dictionary<string, MemFile> _files = new(StringComparer.Ordinal);
    private Dictionary<string, MemFile> _durableFiles = new(StringComparer.Ordinal);
    private int _generation;

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles()
    {
        lock (_lock)
            return _files.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public bool Exists(string name)
    {
        lock (_lock)
            return _files.ContainsKey(name);
    }

    /// <inheritdoc />
    public IStorageFile Open(string name, bool create)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(name, out var file))
            {
                if (!create)
                    throw new FileNotFoundException($"No file named '{name}'.", name);
                _files[name] = file = new MemFile();
            }
            return new Handle(this, file, _generation);
        }
    }

    /// <inheritdoc />
    public void Delete(string name)
    {
        lock (_lock)
            _files.Remove(name);
    }

    /// <inheritdoc />
    public void Rename(string from, string to)
    {
        lock (_lock)
        {
            if (!_files.Remove(from, out var file))
                throw new FileNotFoundException($"No file named '{from}'.", from);
            _files[to] = file;
        }
    }

    /// <inheritdoc />
    public void SyncDirectory()
    {
        lock (_lock)
            _durableFiles = new Dictionary<string, MemFile>(_files, StringComparer.Ordinal);
    }

    /// <summary>
    /// Simulates a power loss: the directory reverts to its last synced listing and each file to its
    /// last synced content. With <paramref name="random"/>, each file also keeps a random prefix of
    /// the bytes written past its synced length. Handles opened before the crash stop working.
    /// </summary>
    public void Crash(Random? random = null)
    {
        lock (_lock)
        {
            _generation++;
            _files = new Dictionary<string, MemFile>(_durableFiles, StringComparer.Ordinal);
            foreach (var file in _files.Values.Distinct())
                file.Crash(random);
        }
    }

    /// <summary>A copy of a file's current content (for tests that corrupt or inspect files).</summary>
    public byte[] ReadAllBytes(string name)
    {
        lock (_lock)
            return _files[name].Current();
    }

    /// <summary>Replaces a file's content, durably (for tests that plant corruption).</summary>
    public void WriteAllBytes(string name, byte[] content)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(name, out var file))
                _files[name] = _durableFiles[name] = file = new MemFile();
            file.Replace(content);
        }
    }

    private sealed class MemFile
    {
        private byte[] _data = [];
        private long _length;
        private byte[] _durable = [];

        public byte[] Current() => _data.AsSpan(0, (int)_length).ToArray();

        public void Replace(byte[] content)
        {
            _data = (byte[])content.Clone();
            _length = content.Length;
            _durable = (byte[])content.Clone();
        }

        public long Length => _length;

        public int Read(long position, Span<byte> buffer)
        {
            if (position >= _length)
                return 0;
            var n = (int)Math.Min(buffer.Length, _length - position);
            _data.AsSpan((int)position, n).CopyTo(buffer);
            return n;
        }

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            var end = position + data.Length;
            if (end > _data.Length)
                Array.Resize(ref _data, (int)Math.Max(end, Math.Min((long)_data.Length * 2, int.MaxValue)));
            if (position > _length)
                _data.AsSpan((int)_length, (int)(position - _length)).Clear();
            data.CopyTo(_data.AsSpan((int)position));
            _length = Math.Max(_length, end);
        }

        public void SetLength(long length)
        {
            if (length > _data.Length)
                Array.Resize(ref _data, (int)length);
            if (length > _length)
                _data.AsSpan((int)_length, (int)(length - _length)).Clear();
            _length = length;
        }

        public void Sync() => _durable = Current();

        public void Crash(Random? random)
        {
            // Unsynced writes reach the disk front to back: with a random source, a random prefix of the
            // changed bytes (from the first byte that differs from the synced content, over synced bytes
            // or past them) survives, the synced content beyond it stays.
            var survivor = (byte[])_durable.Clone();
            if (random is not null && _length >= _durable.Length)
            {
                var first = (int)_data.AsSpan(0, _durable.Length).CommonPrefixLength(_durable);
                var keep = first + random.Next((int)(_length - first) + 1);
                if (keep > survivor.Length)
                    Array.Resize(ref survivor, keep);
                _data.AsSpan(first, keep - first).CopyTo(survivor.AsSpan(first));
            }
            _data = survivor;
            _length = survivor.Length;
            _durable = (byte[])survivor.Clone();
        }
    }

    private sealed class Handle(MemoryStorageDevice device, MemFile file, int generation) : IStorageFile
    {
        private bool _disposed;

        private void Check()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (generation != device._generation)
                throw new IOException("The device crashed; this handle is gone.");
        }

        public long Length
        {
            get
            {
                lock (device._lock)
                {
                    Check();
                    return file.Length;
                }
            }
        }

        public int Read(long position, Span<byte> buffer)
        {
            lock (device._lock)
            {
                Check();
                return file.Read(position, buffer);
            }
        }

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            lock (device._lock)
            {
                Check();
                file.Write(position, data);
            }
        }

        public void Sync()
        {
            lock (device._lock)
            {
                Check();
                file.Sync();
            }
        }

        public void SetLength(long length)
        {
            lock (device._lock)
            {
                Check();
                file.SetLength(length);
            }
        }

        public void Dispose() => _disposed = true;
    }
}
