using System.Diagnostics;
using System.Runtime.InteropServices;
using Meridian.Benchmarks.Harness;
using Microsoft.Win32.SafeHandles;

namespace Meridian.Benchmarks.Storage;

/// <summary>
/// The floor under every disk-sync case: what one durable write costs on this machine, measured in
/// the same run. Meridian's log now overwrites zeros it wrote and synced ahead (a 4 MiB stretch at a
/// time) and fdatasyncs; before, it appended to a growing segment and fsynced it. SQLite in WAL mode
/// overwrites a WAL it reuses after each checkpoint and fdatasyncs it (no size or block allocation to
/// journal). All take turns in one loop so load hits them alike; medians of many writes.
/// </summary>
internal static class FsyncFloor
{
    private const int WriteSize = 12 * 1024; // one sync commit of 256 updates of the generic suite

    public static void Run(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        if (!OperatingSystem.IsLinux())
            return; // fdatasync is what is compared; other systems lack it
        var writes = options.Quick ? 60 : 400;
        var dir = Path.Combine(Path.GetTempPath(), "meridian-bench-fsync-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var append = File.OpenHandle(Path.Combine(dir, "append"), FileMode.CreateNew, FileAccess.ReadWrite);
            using var appendData = File.OpenHandle(Path.Combine(dir, "append-data"), FileMode.CreateNew, FileAccess.ReadWrite);
            using var overwrite = File.OpenHandle(Path.Combine(dir, "overwrite"), FileMode.CreateNew, FileAccess.ReadWrite);
            using var zeroed = File.OpenHandle(Path.Combine(dir, "zeroed"), FileMode.CreateNew, FileAccess.ReadWrite);
            var block = new byte[WriteSize];
            new Random(7).NextBytes(block);
            // The reused file is written and synced once first, as a WAL is after its first checkpoint.
            const int ring = 64;
            for (var i = 0; i < ring; i++)
                RandomAccess.Write(overwrite, block, (long)i * WriteSize);
            RandomAccess.FlushToDisk(overwrite);
            // The log's preallocation: zeros written (not SetLength: that leaves unwritten extents whose
            // conversion is journalled like an append) and fsynced once, then overwritten front to back.
            var zeros = new byte[writes * WriteSize];
            RandomAccess.Write(zeroed, zeros, 0);
            RandomAccess.FlushToDisk(zeroed);

            var appendSync = new List<double>();
            var appendDataSync = new List<double>();
            var overwriteDataSync = new List<double>();
            var zeroedDataSync = new List<double>();
            for (var i = 0; i < writes; i++)
            {
                appendSync.Add(Time(() =>
                {
                    RandomAccess.Write(append, block, RandomAccess.GetLength(append));
                    RandomAccess.FlushToDisk(append);
                }));
                appendDataSync.Add(Time(() =>
                {
                    RandomAccess.Write(appendData, block, RandomAccess.GetLength(appendData));
                    DataSync(appendData);
                }));
                overwriteDataSync.Add(Time(() =>
                {
                    RandomAccess.Write(overwrite, block, (long)(i % ring) * WriteSize);
                    DataSync(overwrite);
                }));
                zeroedDataSync.Add(Time(() =>
                {
                    RandomAccess.Write(zeroed, block, (long)i * WriteSize);
                    DataSync(zeroed);
                }));
            }
            const string baseline = "12 KB overwrite of written blocks + fdatasync (SQLite WAL's pattern)";
            results.Add(BenchmarkResult.LowerIsBetter("storage", "fsync floor: 12 KB overwrite of preallocated zeros + fdatasync (Meridian's log)", "µs",
                GenericSuite.Median(zeroedDataSync) / 1000, GenericSuite.Median(overwriteDataSync) / 1000, baseline, null));
            results.Add(BenchmarkResult.LowerIsBetter("storage", "fsync floor: 12 KB append to a growing file + fsync (the log before)", "µs",
                GenericSuite.Median(appendSync) / 1000, GenericSuite.Median(overwriteDataSync) / 1000, baseline, null));
            results.Add(BenchmarkResult.LowerIsBetter("storage", "fsync floor: 12 KB append to a growing file + fdatasync", "µs",
                GenericSuite.Median(appendDataSync) / 1000, GenericSuite.Median(overwriteDataSync) / 1000, baseline, null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The sync cases' floor, taken in the directory they run in, two ways in turn: a 4 KB append to a
    /// fresh file + fdatasync (block allocation and size go through the file system's journal), and a
    /// 4 KB overwrite of blocks written and synced beforehand + fdatasync (data only: the pattern of
    /// Meridian's preallocated log and of SQLite's WAL). Each write's time in ns (empty off Linux).
    /// </summary>
    public static (List<double> Append, List<double> Overwrite) Probe(string dir, int writes)
    {
        var append = new List<double>();
        var overwrite = new List<double>();
        if (!OperatingSystem.IsLinux())
            return (append, overwrite);
        var appendPath = Path.Combine(dir, "fsync-probe-append-" + Guid.NewGuid().ToString("N"));
        var overwritePath = Path.Combine(dir, "fsync-probe-overwrite-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var appended = File.OpenHandle(appendPath, FileMode.CreateNew, FileAccess.ReadWrite);
            using var written = File.OpenHandle(overwritePath, FileMode.CreateNew, FileAccess.ReadWrite);
            var block = new byte[4096];
            new Random(11).NextBytes(block);
            RandomAccess.Write(written, new byte[writes * block.Length], 0);
            RandomAccess.FlushToDisk(written);
            for (var i = 0; i < writes; i++)
            {
                var at = (long)i * block.Length;
                append.Add(Time(() =>
                {
                    RandomAccess.Write(appended, block, at);
                    DataSync(appended);
                }));
                overwrite.Add(Time(() =>
                {
                    RandomAccess.Write(written, block, at);
                    DataSync(written);
                }));
            }
        }
        finally
        {
            File.Delete(appendPath);
            File.Delete(overwritePath);
        }
        return (append, overwrite);
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    internal static void DataSync(SafeFileHandle handle)
    {
        if (Native.FDataSync(handle) != 0)
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FDataSync(SafeFileHandle fd);
    }
}
