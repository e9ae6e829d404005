using System.Text;

namespace Meridian.Cli.Tests;

/// <summary>
/// Captures what a command writes on its own threads while the test reads it (a mirror or a server running in the
/// background): every write and every read takes one lock, so a read never sees a half-grown buffer (a
/// <see cref="StringWriter"/> read during a write can throw from <see cref="StringBuilder.ToString()"/>). Lines end in \n.
/// </summary>
internal sealed class ConcurrentOutput : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public ConcurrentOutput() => CoreNewLine = ['\n'];

    public override Encoding Encoding => Encoding.Unicode;

    public override void Write(char value)
    {
        lock (_gate)
            _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
            _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
            _text.Append(buffer);
    }

    public override void Write(string? value)
    {
        lock (_gate)
            _text.Append(value);
    }

    // A line and its end are appended together, so a reader never sees a line without its \n.
    public override void WriteLine(string? value)
    {
        lock (_gate)
            _text.Append(value).Append(CoreNewLine);
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
            _text.Append(buffer).Append(CoreNewLine);
    }

    // The base class would run these on the thread pool; writing in place keeps them in order and cheap.
    public override Task WriteAsync(char value) => Done(() => Write(value));

    public override Task WriteAsync(string? value) => Done(() => Write(value));

    public override Task WriteAsync(char[] buffer, int index, int count) => Done(() => Write(buffer, index, count));

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => Done(() => Write(buffer.Span));

    public override Task WriteLineAsync() => Done(WriteLine);

    public override Task WriteLineAsync(char value) => Done(() => WriteLine(value));

    public override Task WriteLineAsync(string? value) => Done(() => WriteLine(value));

    public override Task WriteLineAsync(char[] buffer, int index, int count) => Done(() => WriteLine(buffer, index, count));

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => Done(() => WriteLine(buffer.Span));

    public override Task FlushAsync() => Task.CompletedTask;

    /// <summary>Everything written so far.</summary>
    public override string ToString()
    {
        lock (_gate)
            return _text.ToString();
    }

    private static Task Done(Action write)
    {
        write();
        return Task.CompletedTask;
    }
}
