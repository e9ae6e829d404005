using System.Text.Json;
using System.Threading.Channels;

namespace Meridian.Runtime.Logging;

/// <summary>
/// A database's log: the last lines in memory, every line appended to a file when the database
/// has a directory, and live followers for <c>/logs?follow=true</c>.
/// </summary>
public sealed class ModuleLog : IDisposable
{
    private const int Capacity = 10_000;
    private readonly Queue<ModuleLogRecord> _recent = new();
    private readonly List<Channel<ModuleLogRecord>> _followers = [];
    private readonly StreamWriter? _file;
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
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>Records a line.</summary>
    public void Write(ModuleLogRecord record)
    {
        lock (_lock)
        {
            _recent.Enqueue(record);
            while (_recent.Count > Capacity)
                _recent.Dequeue();
            _file?.WriteLine(JsonSerializer.Serialize(record, LogJsonContext.Default.ModuleLogRecord));
            foreach (var f in _followers)
                f.Writer.TryWrite(record);
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

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
            _file?.Dispose();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ModuleLogRecord))]
internal sealed partial class LogJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
