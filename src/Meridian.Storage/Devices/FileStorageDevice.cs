using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Meridian.Storage.Devices;

/// <summary>A directory on the local file system.</summary>
public sealed class FileStorageDevice : IStorageDevice
{
    /// <summary>Uses (and creates) the directory <paramref name="path"/>.</summary>
    public FileStorageDevice(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    private string Full(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name is "." or "..")
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        return System.IO.Path.Combine(Path, name);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles() =>
        Directory.EnumerateFiles(Path).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public bool Exists(string name) => File.Exists(Full(name));

    /// <inheritdoc />
    public IStorageFile Open(string name, bool create) =>
        new FileHandle(
            File.OpenHandle(Full(name), create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

    /// <inheritdoc />
    public void Delete(string name) => File.Delete(Full(name));

    /// <inheritdoc />
    public void Rename(string from, string to) => File.Move(Full(from), Full(to), overwrite: true);

    /// <inheritdoc />
    public void SyncDirectory()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return; // Windows has no directory fsync; NTFS journals metadata.
        var fd = Native.Open(Path, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{Path}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.FSync(fd) != 0)
                throw new IOException($"fsync of directory '{Path}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private sealed class FileHandle(SafeFileHandle handle) : IStorageFile
    {
        public long Length => RandomAccess.GetLength(handle);

        public int Read(long position, Span<byte> buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer[total..], position + total);
                if (n == 0)
                    break;
                total += n;
            }
            return total;
        }

        public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, position);

        public void Sync() => RandomAccess.FlushToDisk(handle);

        public void SyncData()
        {
            if (!OperatingSystem.IsLinux())
            {
                RandomAccess.FlushToDisk(handle);
                return;
            }
            if (Native.FDataSync(handle) != 0)
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Dispose() => handle.Dispose();
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FSync(int fd);

        [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FDataSync(SafeFileHandle fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
