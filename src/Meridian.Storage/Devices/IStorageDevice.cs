namespace Meridian.Storage.Devices;

/// <summary>
/// A flat directory of files: everything the commit log and snapshots write goes through this, so
/// tests can swap in an in-memory or fault-injecting device. File names are plain names (no
/// separators). Creating, renaming and deleting files is durable only after <see cref="SyncDirectory"/>.
/// </summary>
public interface IStorageDevice
{
    /// <summary>Names of the files present.</summary>
    IReadOnlyList<string> ListFiles();

    /// <summary>True when a file of that name exists.</summary>
    bool Exists(string name);

    /// <summary>Opens a file for reading and writing, creating it (empty) when <paramref name="create"/> is set and it is missing.</summary>
    IStorageFile Open(string name, bool create);

    /// <summary>Deletes a file if it exists.</summary>
    void Delete(string name);

    /// <summary>Renames a file, atomically replacing any file named <paramref name="to"/>.</summary>
    void Rename(string from, string to);

    /// <summary>Makes creations, renames and deletions so far durable (fsync of the directory).</summary>
    void SyncDirectory();
}

/// <summary>An open file of a <see cref="IStorageDevice"/>. Not thread-safe.</summary>
public interface IStorageFile : IDisposable
{
    /// <summary>Current length in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="position"/>; returns how many were read (0 at the end).</summary>
    int Read(long position, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="position"/>, extending the file as needed.</summary>
    void Write(long position, ReadOnlySpan<byte> data);

    /// <summary>Makes everything written so far durable (fsync).</summary>
    void Sync();

    /// <summary>
    /// Makes the data written so far durable together with only the metadata needed to read it back
    /// (fdatasync): cheaper than <see cref="Sync"/> when the writes overwrote space that was already
    /// written and synced. Defaults to <see cref="Sync"/>.
    /// </summary>
    void SyncData() => Sync();

    /// <summary>Truncates or extends the file.</summary>
    void SetLength(long length);
}
