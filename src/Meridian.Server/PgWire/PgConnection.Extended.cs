using Meridian.Runtime.Sql;

namespace Meridian.Server.PgWire;

/// <summary>
/// The extended query protocol (Parse, Bind, Describe, Execute, Close, Flush, Sync), without parameters: statements are
/// kept as text, a portal runs its statement the first time it is described or executed and hands out the rows from
/// there (Execute's row limit suspends it). A statement that changes data runs only at Execute.
/// </summary>
internal sealed partial class PgConnection
{
    private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Portal> _portals = new(StringComparer.Ordinal);
    private bool _skipUntilSync;

    private sealed class Portal(string sql, short[] formats)
    {
        public string Sql { get; } = sql;

        public short[] Formats { get; } = formats;

        public SqlStatementResult? Result { get; set; }

        public PgColumn[]? Columns { get; set; }

        public int Position { get; set; }
    }

    private void DiscardAll()
    {
        _statements.Clear();
        _portals.Clear();
    }

    private async Task ExtendedAsync(char type, int length, CancellationToken ct)
    {
        if (type == 'S')
        {
            _skipUntilSync = false;
            _portals.Clear(); // every statement is its own transaction, and portals end with it
            WriteReadyForQuery();
            await FlushAsync(ct).ConfigureAwait(false);
            return;
        }
        if (type == 'H')
        {
            await FlushAsync(ct).ConfigureAwait(false);
            return;
        }
        try
        {
            switch (type)
            {
                case 'P':
                    Parse(length);
                    break;
                case 'B':
                    Bind(length);
                    break;
                case 'D':
                    await DescribeAsync(length, ct).ConfigureAwait(false);
                    break;
                case 'E':
                    await ExecuteAsync(length, ct).ConfigureAwait(false);
                    break;
                case 'C':
                    Close(length);
                    break;
            }
        }
        catch (StatementException e)
        {
            if (e is not StatementFailedException)
                WriteError("ERROR", e.SqlState, e.Message);
            _skipUntilSync = true;
        }
    }

    private void Parse(int length)
    {
        var body = new PgBody(_in.AsSpan(0, length), 'P');
        var name = body.ReadCString();
        var sql = body.ReadCString();
        var parameterTypes = body.ReadInt16();
        if (parameterTypes != 0)
            throw NoParameters();
        if (name.Length > 0 && _statements.ContainsKey(name))
            throw new StatementException(PgSqlState.DuplicatePreparedStatement, $"prepared statement \"{name}\" already exists");
        if (PgSqlText.Statements(sql).Count > 1)
            throw new StatementException(PgSqlState.SyntaxError, "cannot insert multiple commands into a prepared statement");
        _statements[name] = sql;
        _out.WriteByte((byte)'1'); // ParseComplete
        _out.WriteInt32(4);
    }

    private void Bind(int length)
    {
        var body = new PgBody(_in.AsSpan(0, length), 'B');
        var portal = body.ReadCString();
        var statement = body.ReadCString();
        var parameterFormats = body.ReadInt16();
        body.Take(parameterFormats * 2);
        var parameters = body.ReadInt16();
        if (parameters != 0)
            throw NoParameters();
        var resultFormats = body.ReadInt16();
        if (resultFormats < 0)
            throw new PgProtocolException(PgSqlState.ProtocolViolation, "Malformed 'B' message: a negative count of result formats.");
        var formats = new short[resultFormats];
        for (var i = 0; i < formats.Length; i++)
        {
            formats[i] = body.ReadInt16();
            if (formats[i] is not (0 or 1))
                throw new StatementException(PgSqlState.FeatureNotSupported, $"Unsupported result format code {formats[i]} (0 is text, 1 is binary).");
        }
        if (!_statements.TryGetValue(statement, out var sql))
            throw new StatementException(PgSqlState.InvalidSqlStatementName, $"prepared statement \"{statement}\" does not exist");
        if (portal.Length > 0 && _portals.ContainsKey(portal))
            throw new StatementException(PgSqlState.InvalidCursorName, $"portal \"{portal}\" already exists");
        _portals[portal] = new Portal(sql, formats);
        _out.WriteByte((byte)'2'); // BindComplete
        _out.WriteInt32(4);
    }

    private async Task DescribeAsync(int length, CancellationToken ct)
    {
        var body = new PgBody(_in.AsSpan(0, length), 'D');
        var kind = (char)body.Take(1)[0];
        var name = body.ReadCString();
        if (kind == 'S')
        {
            if (!_statements.TryGetValue(name, out var sql))
                throw new StatementException(PgSqlState.InvalidSqlStatementName, $"prepared statement \"{name}\" does not exist");
            _out.WriteByte((byte)'t'); // ParameterDescription: no parameters
            _out.WriteInt32(6);
            _out.WriteInt16(0);
            // A row-returning statement is a read: running it is the way to learn its columns.
            var result = PgSqlText.Statements(sql).Count == 0 || PgSqlText.ReturnsNoRows(sql) ? null : await RunAsync(sql, ct).ConfigureAwait(false);
            if (result is { Schema.Elements.Count: > 0 })
                WriteRowDescription(PgColumn.ForSchema(result.Schema, result.Typespace), []);
            else
                WriteNoData();
        }
        else if (kind == 'P')
        {
            var portal = FindPortal(name);
            if (portal.Result is null && PgSqlText.Statements(portal.Sql).Count > 0 && !PgSqlText.ReturnsNoRows(portal.Sql))
                await RunPortalAsync(portal, ct).ConfigureAwait(false);
            if (portal.Columns is { Length: > 0 } columns)
                WriteRowDescription(columns, portal.Formats);
            else
                WriteNoData();
        }
        else
        {
            throw new PgProtocolException(PgSqlState.ProtocolViolation, $"Malformed 'D' message: '{kind}' is neither 'S' nor 'P'.");
        }
    }

    private async Task ExecuteAsync(int length, CancellationToken ct)
    {
        var body = new PgBody(_in.AsSpan(0, length), 'E');
        var portal = FindPortal(body.ReadCString());
        var maxRows = body.ReadInt32();
        if (PgSqlText.Statements(portal.Sql) is { Count: 0 })
        {
            _out.WriteByte((byte)'I'); // EmptyQueryResponse
            _out.WriteInt32(4);
            return;
        }
        if (portal.Result is null)
        {
            if (PgSqlText.IsDiscardAll(portal.Sql))
            {
                DiscardAll();
                WriteCommandComplete("DISCARD ALL");
                return;
            }
            await RunPortalAsync(portal, ct).ConfigureAwait(false);
        }
        var result = portal.Result!;
        var columns = portal.Columns!;
        var remaining = result.Rows.Count - portal.Position;
        var count = maxRows > 0 ? Math.Min(maxRows, remaining) : remaining;
        if (columns.Length > 0)
            await WriteRowsAsync(columns, portal.Formats, result.Rows, portal.Position, count, ct).ConfigureAwait(false);
        portal.Position += count;
        if (portal.Position < result.Rows.Count)
        {
            _out.WriteByte((byte)'s'); // PortalSuspended: Execute again for more
            _out.WriteInt32(4);
        }
        else
        {
            WriteCommandComplete(Tag(result, count));
        }
    }

    private void Close(int length)
    {
        var body = new PgBody(_in.AsSpan(0, length), 'C');
        var kind = (char)body.Take(1)[0];
        var name = body.ReadCString();
        if (kind == 'S')
            _statements.Remove(name);
        else if (kind == 'P')
            _portals.Remove(name);
        else
            throw new PgProtocolException(PgSqlState.ProtocolViolation, $"Malformed 'C' message: '{kind}' is neither 'S' nor 'P'.");
        _out.WriteByte((byte)'3'); // CloseComplete
        _out.WriteInt32(4);
    }

    private Portal FindPortal(string name) =>
        _portals.TryGetValue(name, out var portal)
            ? portal
            : throw new StatementException(PgSqlState.InvalidCursorName, $"portal \"{name}\" does not exist");

    private async Task RunPortalAsync(Portal portal, CancellationToken ct)
    {
        var result = await RunAsync(portal.Sql, ct).ConfigureAwait(false);
        var columns = PgColumn.ForSchema(result.Schema, result.Typespace);
        if (portal.Formats.Length > 1 && portal.Formats.Length != columns.Length)
            throw new StatementException(PgSqlState.ProtocolViolation,
                $"Bind gave {portal.Formats.Length} result formats for {columns.Length} columns.");
        portal.Result = result;
        portal.Columns = columns;
    }

    // One statement through the runtime; a failure (already written as ErrorResponse) skips to Sync.
    private async Task<SqlStatementResult> RunAsync(string sql, CancellationToken ct)
    {
        var results = await ExecuteAsync(sql, ct).ConfigureAwait(false);
        if (results is null)
            throw new StatementFailedException();
        return results[0];
    }

    private void WriteNoData()
    {
        _out.WriteByte((byte)'n');
        _out.WriteInt32(4);
    }

    private static StatementException NoParameters() => new(PgSqlState.FeatureNotSupported,
        "Parameters are not supported: Meridian runs statements without parameters (write the values into the SQL text).");

    // An error in the extended protocol: answered with ErrorResponse, then messages are ignored up to Sync.
    private class StatementException(string sqlState, string message) : Exception(message)
    {
        public string SqlState { get; } = sqlState;
    }

    // The error response was already written by ExecuteAsync.
    private sealed class StatementFailedException() : StatementException("", "");
}
