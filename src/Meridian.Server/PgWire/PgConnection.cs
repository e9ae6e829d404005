using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Meridian.Runtime;
using Meridian.Runtime.Sql;
using Meridian.Sats;
using Meridian.Server.Auth;
using Meridian.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.PgWire;

/// <summary>
/// One PostgreSQL protocol 3.0 connection: start-up (SSL refused with 'N', cleartext password carrying the token, the
/// database name choosing the database), simple queries, and the extended protocol without parameters. SQL runs through
/// <see cref="Database.ExecuteSqlAsync"/>, the path of HTTP <c>/sql</c>. A malformed or oversized message ends only this
/// connection, with a FATAL error naming the problem.
/// </summary>
internal sealed partial class PgConnection
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private const int CancelRequestCode = 80877102;
    private const int Protocol30 = 196608;
    private const int MaxStartupPacket = 10_000; // PostgreSQL's own limit

    private readonly Stream _stream;
    private readonly PgWireContext _context;
    private readonly string _remote;
    private readonly PgWriter _out = new();
    private readonly byte[] _header = new byte[5];
    private byte[] _in = new byte[8192];
    private string _databaseName = "";
    private Identity _caller;

    public PgConnection(Stream stream, PgWireContext context, string remote)
    {
        _stream = stream;
        _context = context;
        _remote = remote;
    }

    /// <summary>Serves the connection until the client terminates or disconnects, or <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            using (var startup = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                // A client that connects and never authenticates does not hold the connection forever.
                startup.CancelAfter(_context.StartupTimeout);
                if (!await StartUpAsync(startup.Token).ConfigureAwait(false))
                    return;
            }
            await ServeAsync(stopping).ConfigureAwait(false);
        }
        catch (PgProtocolException e)
        {
            await TrySendFatalAsync(e.SqlState, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await TrySendFatalAsync(PgSqlState.AdminShutdown, "The server is shutting down.").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await TrySendFatalAsync(PgSqlState.ProtocolViolation, "The client did not finish authenticating in time.").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // One connection's unexpected failure must never take down the listener or other connections.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _context.Logger.PgConnectionFailed(_remote, e);
            await TrySendFatalAsync(PgSqlState.InternalError, "Internal server error.").ConfigureAwait(false);
        }
    }

    // Returns false when the client only wanted to cancel (unsupported) and the connection just closes.
    private async Task<bool> StartUpAsync(CancellationToken ct)
    {
        Dictionary<string, string> parameters;
        while (true)
        {
            var packet = await ReadStartupPacketAsync(ct).ConfigureAwait(false);
            var code = BinaryPrimitives.ReadInt32BigEndian(packet);
            if (code is SslRequestCode or GssEncRequestCode)
            {
                // No TLS (as upstream standalone): the client continues in plain text or gives up.
                _out.WriteByte((byte)'N');
                await FlushAsync(ct).ConfigureAwait(false);
                continue;
            }
            if (code == CancelRequestCode)
                return false;
            if (code >> 16 != 3)
                throw new PgProtocolException(PgSqlState.FeatureNotSupported,
                    $"Unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: only protocol 3.0 is served.");
            parameters = ReadStartupParameters(packet.AsSpan(4));
            if ((code & 0xFFFF) != 0 || parameters.Keys.Any(k => k.StartsWith("_pq_.", StringComparison.Ordinal)))
                WriteNegotiateProtocolVersion(parameters.Keys.Where(k => k.StartsWith("_pq_.", StringComparison.Ordinal)).ToList());
            break;
        }
        if (!parameters.TryGetValue("database", out var database) || database.Length == 0)
            throw new PgProtocolException(PgSqlState.InvalidCatalogName, "A database name is required: the database name selects the Meridian database.");
        _databaseName = database;

        _out.WriteByte((byte)'R');
        _out.WriteInt32(8);
        _out.WriteInt32(3); // AuthenticationCleartextPassword: the password carries the token
        await FlushAsync(ct).ConfigureAwait(false);

        var (type, length) = await ReadMessageAsync(ct).ConfigureAwait(false) ?? throw new EndOfStreamException();
        if (type != 'p')
            throw new PgProtocolException(PgSqlState.ProtocolViolation, $"Expected a password message, got '{(char)type}'.");
        var token = new PgBody(_in.AsSpan(0, length), 'p').ReadCString();

        if (_context.Registry.Find(database) is null)
            throw new PgProtocolException(PgSqlState.InvalidCatalogName, $"database \"{database}\" does not exist");
        try
        {
            var (claims, _) = await _context.Tokens.ValidateAsync(token, ct).ConfigureAwait(false);
            _caller = claims.Identity;
        }
        catch (TokenException e)
        {
            _context.Logger.PgAuthenticationRefused(_remote, database, e.Message);
            throw new PgProtocolException(PgSqlState.InvalidPassword, $"The password is not a valid token for this server: {e.Message}");
        }

        _out.WriteByte((byte)'R');
        _out.WriteInt32(8);
        _out.WriteInt32(0); // AuthenticationOk
        WriteParameterStatus("server_version", _context.ServerVersion);
        WriteParameterStatus("server_encoding", "UTF8");
        WriteParameterStatus("client_encoding", "UTF8");
        WriteParameterStatus("DateStyle", "ISO, YMD");
        WriteParameterStatus("IntervalStyle", "iso_8601");
        WriteParameterStatus("TimeZone", "UTC");
        WriteParameterStatus("integer_datetimes", "on");
        WriteParameterStatus("standard_conforming_strings", "on");
        WriteParameterStatus("is_superuser", "off");
        WriteParameterStatus("session_authorization", _caller.ToHexString());
        WriteParameterStatus("application_name", parameters.GetValueOrDefault("application_name", ""));
        // BackendKeyData: clients keep it for cancel requests, which are not supported (they just close).
        _out.WriteByte((byte)'K');
        _out.WriteInt32(12);
        _out.WriteInt32(RandomNumberGenerator.GetInt32(int.MaxValue));
        _out.WriteInt32(RandomNumberGenerator.GetInt32(int.MaxValue));
        WriteReadyForQuery();
        await FlushAsync(ct).ConfigureAwait(false);
        return true;
    }

    private async Task<byte[]> ReadStartupPacketAsync(CancellationToken ct)
    {
        await _stream.ReadExactlyAsync(_header.AsMemory(0, 4), ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(_header);
        if (length is < 8 or > MaxStartupPacket)
            throw new PgProtocolException(PgSqlState.ProtocolViolation,
                $"Invalid startup packet length {length} (a startup packet is 8 to {MaxStartupPacket} bytes).");
        var packet = new byte[length - 4];
        await _stream.ReadExactlyAsync(packet, ct).ConfigureAwait(false);
        return packet;
    }

    private static Dictionary<string, string> ReadStartupParameters(ReadOnlySpan<byte> span)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = new PgBody(span, 'S');
        while (body.Remaining > 0)
        {
            var name = body.ReadCString();
            if (name.Length == 0)
                return parameters;
            parameters[name] = body.ReadCString();
        }
        throw new PgProtocolException(PgSqlState.ProtocolViolation, "Malformed startup packet: the parameter list is not terminated.");
    }

    private void WriteNegotiateProtocolVersion(List<string> unrecognised)
    {
        var at = _out.StartMessage((byte)'v');
        _out.WriteInt32(0); // the newest minor version served: 3.0
        _out.WriteInt32(unrecognised.Count);
        foreach (var option in unrecognised)
            _out.WriteCString(option);
        _out.EndMessage(at);
    }

    private void WriteParameterStatus(string name, string value)
    {
        var at = _out.StartMessage((byte)'S');
        _out.WriteCString(name);
        _out.WriteCString(value);
        _out.EndMessage(at);
    }

    private void WriteReadyForQuery()
    {
        _out.WriteByte((byte)'Z');
        _out.WriteInt32(5);
        _out.WriteByte((byte)'I'); // idle: every statement is its own transaction
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        while (await ReadMessageAsync(ct).ConfigureAwait(false) is var (type, length))
        {
            if (type == 'X')
                return;
            if (_skipUntilSync && type != 'S')
                continue; // after an error in the extended protocol, everything up to Sync is ignored
            switch ((char)type)
            {
                case 'Q':
                    await SimpleQueryAsync(new PgBody(_in.AsSpan(0, length), 'Q').ReadCString(), ct).ConfigureAwait(false);
                    break;
                case 'P':
                case 'B':
                case 'D':
                case 'E':
                case 'C':
                case 'H':
                case 'S':
                    await ExtendedAsync((char)type, length, ct).ConfigureAwait(false);
                    break;
                case 'F':
                    WriteError("ERROR", PgSqlState.FeatureNotSupported, "Function calls are not supported.");
                    WriteReadyForQuery();
                    await FlushAsync(ct).ConfigureAwait(false);
                    break;
                case 'd':
                case 'c':
                case 'f':
                    break; // copy messages outside a copy are ignored, as PostgreSQL does
                default:
                    throw new PgProtocolException(PgSqlState.ProtocolViolation, $"Invalid frontend message type {type} ('{(char)type}').");
            }
        }
    }

    private async Task SimpleQueryAsync(string sql, CancellationToken ct)
    {
        var statements = PgSqlText.Statements(sql);
        if (statements.Count == 0)
        {
            _out.WriteByte((byte)'I'); // EmptyQueryResponse
            _out.WriteInt32(4);
        }
        else if (statements.Count == 1 && PgSqlText.IsDiscardAll(statements[0]))
        {
            DiscardAll();
            WriteCommandComplete("DISCARD ALL");
        }
        else
        {
            // As PostgreSQL answers a simple query: each statement that ran gets its rows and CommandComplete, then the
            // failing one its ErrorResponse, and the statements after it do not run. Unlike PostgreSQL's implicit
            // transaction, the statements that ran stay applied: each DML statement is its own transaction, as in /sql.
            var (results, error) = await RunSqlAsync(sql, ct).ConfigureAwait(false);
            foreach (var result in results)
            {
                if (result.Schema.Elements.Count > 0)
                {
                    var columns = PgColumn.ForSchema(result.Schema, result.Typespace);
                    WriteRowDescription(columns, []);
                    await WriteRowsAsync(columns, [], result.Rows, 0, result.Rows.Count, ct).ConfigureAwait(false);
                }
                WriteCommandComplete(Tag(result, result.Rows.Count));
            }
            if (error is { } e)
                WriteError("ERROR", e.SqlState, e.Message);
        }
        WriteReadyForQuery();
        await FlushAsync(ct).ConfigureAwait(false);
    }

    // One statement (the extended protocol): its results, or null after writing the ErrorResponse.
    private async Task<IReadOnlyList<SqlStatementResult>?> ExecuteAsync(string sql, CancellationToken ct)
    {
        var (results, error) = await RunSqlAsync(sql, ct).ConfigureAwait(false);
        if (error is not { } e)
            return results;
        WriteError("ERROR", e.SqlState, e.Message);
        return null;
    }

    // Runs SQL through the runtime as HTTP /sql does (confirmed reads: answers only with what is durable). Returns the
    // results of the statements that ran and, when one failed, its error; the connection stays usable either way.
    private async Task<(IReadOnlyList<SqlStatementResult> Results, (string SqlState, string Message)? Error)> RunSqlAsync(
        string sql, CancellationToken ct)
    {
        if (_context.Registry.Find(_databaseName) is not { } database)
            return ([], (PgSqlState.InvalidCatalogName, $"database \"{_databaseName}\" does not exist (any more)"));
        if (!_context.Limiter.TryRequest(_caller, out var refusal))
            return ([], (PgSqlState.ConfigurationLimitExceeded, refusal!));
        IReadOnlyList<SqlStatementResult> results;
        (string, string)? error = null;
        try
        {
            try
            {
                results = await database.ExecuteSqlAsync(sql, _caller, ConnectionId.Zero).ConfigureAwait(false);
            }
            catch (SqlStatementException e)
            {
                results = e.Completed;
                error = (e.Kind switch
                {
                    SqlErrorKind.Syntax => PgSqlState.SyntaxError,
                    SqlErrorKind.NotAuthorized => PgSqlState.InsufficientPrivilege,
                    SqlErrorKind.UniqueViolation => PgSqlState.UniqueViolation,
                    _ => PgSqlState.SyntaxErrorOrAccessRuleViolation,
                }, e.Message);
            }
            if (results.Select(r => r.Offset).Max() is { } last)
                await database.WaitForDurableAsync(last, ct).ConfigureAwait(false);
        }
        catch (DatabaseClosedException e)
        {
            return ([], (PgSqlState.AdminShutdown, e.Message));
        }
        catch (DatabaseException e)
        {
            return ([], (PgSqlState.IoError, e.Message));
        }
        return (results, error);
    }

    // PostgreSQL's command tags, so drivers report affected rows (upstream sends its own "inserted: 1, server: 1.2ms").
    private static string Tag(SqlStatementResult result, int rowsSent) => result.Kind switch
    {
        SqlStatementKind.Insert => string.Create(CultureInfo.InvariantCulture, $"INSERT 0 {result.RowsInserted}"),
        SqlStatementKind.Update => string.Create(CultureInfo.InvariantCulture, $"UPDATE {result.RowsUpdated}"),
        SqlStatementKind.Delete => string.Create(CultureInfo.InvariantCulture, $"DELETE {result.RowsDeleted}"),
        SqlStatementKind.Set => "SET",
        SqlStatementKind.Show => "SHOW",
        SqlStatementKind.Explain => "EXPLAIN",
        _ => string.Create(CultureInfo.InvariantCulture, $"SELECT {rowsSent}"),
    };

    private void WriteCommandComplete(string tag)
    {
        var at = _out.StartMessage((byte)'C');
        _out.WriteCString(tag);
        _out.EndMessage(at);
    }

    // formats: none (all text), one (for every column) or one per column, as Bind gives them.
    private void WriteRowDescription(PgColumn[] columns, short[] formats)
    {
        var at = _out.StartMessage((byte)'T');
        _out.WriteInt16((short)columns.Length);
        for (var i = 0; i < columns.Length; i++)
        {
            _out.WriteCString(columns[i].Name);
            _out.WriteInt32(0); // not a table column
            _out.WriteInt16(0);
            _out.WriteInt32(columns[i].Oid);
            _out.WriteInt16(columns[i].TypeSize);
            _out.WriteInt32(-1); // no type modifier
            _out.WriteInt16(Format(formats, i));
        }
        _out.EndMessage(at);
    }

    private static short Format(short[] formats, int column) => formats.Length switch
    {
        0 => 0,
        1 => formats[0],
        _ => formats[column],
    };

    private async Task WriteRowsAsync(
        PgColumn[] columns, short[] formats, IReadOnlyList<Sats.Values.ProductValue> rows, int from, int count, CancellationToken ct)
    {
        for (var r = from; r < from + count; r++)
        {
            var row = rows[r];
            var at = _out.StartMessage((byte)'D');
            _out.WriteInt16((short)columns.Length);
            for (var i = 0; i < columns.Length; i++)
            {
                var field = _out.StartField();
                if (Format(formats, i) == 1)
                    PgValueFormat.WriteBinary(_out, columns[i], row[i]);
                else
                    PgValueFormat.WriteText(_out, columns[i], row[i]);
                _out.EndField(field);
            }
            _out.EndMessage(at);
            if (_out.Length >= 1 << 16)
                await FlushAsync(ct).ConfigureAwait(false); // stream a large result instead of holding it all
        }
    }

    private void WriteError(string severity, string sqlState, string message)
    {
        var at = _out.StartMessage((byte)'E');
        _out.WriteByte((byte)'S');
        _out.WriteCString(severity);
        _out.WriteByte((byte)'V');
        _out.WriteCString(severity);
        _out.WriteByte((byte)'C');
        _out.WriteCString(sqlState);
        _out.WriteByte((byte)'M');
        _out.WriteCString(message);
        _out.WriteByte(0);
        _out.EndMessage(at);
    }

    private async Task TrySendFatalAsync(string sqlState, string message)
    {
        try
        {
            _out.Clear();
            WriteError("FATAL", sqlState, message);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone; nothing more to tell it.
        }
    }

    // Reads one message into _in; null at a clean end of stream between messages.
    private async Task<(byte Type, int Length)?> ReadMessageAsync(CancellationToken ct)
    {
        var read = await _stream.ReadAtLeastAsync(_header.AsMemory(0, 1), 1, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read == 0)
            return null;
        await _stream.ReadExactlyAsync(_header.AsMemory(1, 4), ct).ConfigureAwait(false);
        var type = _header[0];
        var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1));
        if (length < 4)
            throw new PgProtocolException(PgSqlState.ProtocolViolation, $"Invalid length {length} in a '{(char)type}' message.");
        var body = length - 4;
        if (body > _context.MaxMessageBytes)
            throw new PgProtocolException(PgSqlState.ProgramLimitExceeded,
                $"A '{(char)type}' message of {body} bytes is larger than the {_context.MaxMessageBytes} bytes accepted.");
        if (_in.Length < body)
            _in = new byte[Math.Max(body, _in.Length * 2)];
        await _stream.ReadExactlyAsync(_in.AsMemory(0, body), ct).ConfigureAwait(false);
        return (type, body);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_out.Length == 0)
            return;
        await _stream.WriteAsync(_out.Written, ct).ConfigureAwait(false);
        await _stream.FlushAsync(ct).ConfigureAwait(false);
        _out.Clear();
    }
}
