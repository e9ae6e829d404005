using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;

namespace Meridian.Runtime.Logging;

/// <summary>
/// A database's log: the last lines in memory, every line appended to a file when the database
/// has a directory, and live followers for <c>/logs?follow=true</c>. Writing a line only records it
/// in memory and queues it: the file is written and flushed by a background loop, in batches, so a
/// reducer that logs never waits for the disk.
/// </summary>
public sealed class ModuleLog : IDisposable
{
    private const int Capacity = 10_000;
    private readonly Queue<ModuleLogRecord> _recent = new();
    private readonly List<Channel<ModuleLogRecord>> _followers = [];
    private readonly Channel<ModuleLogRecord>? _toFile;
    private readonly Task _fileLoop = Task.CompletedTask;
    private readonly Lock _lock = new();

    /// <summary>Creates a log, appending to <paramref name="path"/> when given.</summary>
    public ModuleLog(string? path)
    {
        if (path is null)
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path).TakeLast(Capacity))
            {
                try
                {
                    if (JsonSerializer.Deserialize(line, LogJsonContext.Default.ModuleLogRecord) is { } r)
                        _recent.Enqueue(r);
                }
                catch (JsonException)
                {
                    // A torn last line from a crash: skip it, the rest of the log is intact.
                }
            }
        }
        var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        _toFile = Channel.CreateUnbounded<ModuleLogRecord>(new UnboundedChannelOptions { SingleReader = true });
        _fileLoop = Task.Run(() => WriteFileAsync(_toFile.Reader, file));
    }

    /// <summary>Records a line (returns at once; the file is written in the background).</summary>
    public void Write(ModuleLogRecord record)
    {
        lock (_lock)
        {
            _recent.Enqueue(record);
            while (_recent.Count > Capacity)
                _recent.Dequeue();
            _toFile?.Writer.TryWrite(record);
            foreach (var f in _followers)
                f.Writer.TryWrite(record);
        }
    }

    /// <summary>Records a line of the runtime's own (not the module's) about the database.</summary>
    public void Write(ModuleLogLevel level, string target, string message, TimeProvider clock) =>
        Write(new ModuleLogRecord(level, Sats.Timestamp.Now(clock).MicrosecondsSinceUnixEpoch, target, null, null, message));

    // Drains what is queued, writes it, flushes once per batch.
    private static async Task WriteFileAsync(ChannelReader<ModuleLogRecord> reader, StreamWriter file)
    {
        await using (file.ConfigureAwait(false))
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var record))
                    await file.WriteLineAsync(JsonSerializer.Serialize(record, LogJsonContext.Default.ModuleLogRecord)).ConfigureAwait(false);
                await file.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines (all kept lines when null).</summary>
    public IReadOnlyList<ModuleLogRecord> Tail(int? count)
    {
        lock (_lock)
            return count is { } n ? _recent.TakeLast(n).ToList() : _recent.ToList();
    }

    /// <summary>The last lines, then every new line until <paramref name="cancellation"/> fires.</summary>
    public async IAsyncEnumerable<ModuleLogRecord> Follow(int? count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateUnbounded<ModuleLogRecord>();
        IReadOnlyList<ModuleLogRecord> backlog;
        lock (_lock)
        {
            backlog = count is { } n ? _recent.TakeLast(n).ToList() : _recent.ToList();
            _followers.Add(channel);
        }
        try
        {
            foreach (var r in backlog)
                yield return r;
            while (await channel.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var r))
                    yield return r;
            }
        }
        finally
        {
            lock (_lock)
                _followers.Remove(channel);
        }
    }

    /// <summary>Writes every queued line to the file and closes it.</summary>
    public void Dispose()
    {
        _toFile?.Writer.TryComplete();
        _fileLoop.GetAwaiter().GetResult();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModuleLogRecord))]
internal sealed partial class LogJsonContext : JsonSerializerContext;
