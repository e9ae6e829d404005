using System.Buffers.Binary;
using System.Text;

namespace Meridian.Server.Tests.PgWire;

/// <summary>The protocol's edges, with a bare socket: start-up variants, malformed and oversized frames, the simple query flow.</summary>
public sealed class PgProtocolTests(PgTestServer pg) : IClassFixture<PgTestServer>
{
    private static Dictionary<char, string> Error((char Type, byte[] Body) message)
    {
        Assert.Equal('E', message.Type);
        return RawPgClient.ErrorFields(message.Body);
    }

    [Fact]
    public async Task An_ssl_request_is_answered_N_and_the_start_up_goes_on_in_plain_text()
    {
        await using var client = await RawPgClient.ConnectAsync(pg.PgPort);
        var ssl = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ssl, 8);
        BinaryPrimitives.WriteInt32BigEndian(ssl.AsSpan(4), 80877103);
        await client.SendAsync(ssl);
        Assert.Equal((byte)'N', await client.ReadByteAsync());
        var messages = await client.LogInAsync("chat", pg.OwnerToken);
        Assert.Equal('R', messages[0].Type);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(messages[0].Body)); // AuthenticationOk
        Assert.Contains(messages, m => m.Type == 'S' && Encoding.UTF8.GetString(m.Body).StartsWith("server_version\0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Type == 'K');
        Assert.Equal('Z', messages[^1].Type);
    }

    [Fact]
    public async Task A_simple_query_returns_row_descriptions_data_rows_and_tags_per_statement_and_empty_query_is_answered()
    {
        await using var client = await RawPgClient.ConnectAsync(pg.PgPort);
        await client.LogInAsync("everything", pg.OwnerToken);
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("SELECT value FROM secret WHERE id = 1; SELECT id FROM secret WHERE id = 99")));
        var messages = await client.ReadUntilReadyAsync();
        Assert.Equal(['T', 'D', 'C', 'T', 'C', 'Z'], messages.Select(m => m.Type));
        var description = messages[0].Body;
        Assert.Equal(1, BinaryPrimitives.ReadInt16BigEndian(description));
        Assert.Equal("value\0", Encoding.UTF8.GetString(description, 2, 6));
        Assert.Equal(1043, BinaryPrimitives.ReadInt32BigEndian(description.AsSpan(2 + 6 + 6))); // varchar
        var row = messages[1].Body;
        Assert.Equal(1, BinaryPrimitives.ReadInt16BigEndian(row));
        Assert.Equal("hidden", Encoding.UTF8.GetString(row, 6, BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(2))));
        Assert.Equal("SELECT 1\0", Encoding.UTF8.GetString(messages[2].Body));
        Assert.Equal("SELECT 0\0", Encoding.UTF8.GetString(messages[4].Body));

        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("  ; -- nothing\n")));
        Assert.Equal(['I', 'Z'], (await client.ReadUntilReadyAsync()).Select(m => m.Type));
    }

    [Fact]
    public async Task A_failing_statement_answers_after_the_results_of_those_before_it_and_stops_the_rest()
    {
        await using var client = await RawPgClient.ConnectAsync(pg.PgPort);
        await client.LogInAsync("everything", pg.OwnerToken);
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString(
            "INSERT INTO secret (id, value) VALUES (2000, 'ran'); SELECT value FROM secret WHERE id = 2000; "
                + "SELECT nope FROM secret; INSERT INTO secret (id, value) VALUES (2001, 'skipped')")));
        var messages = await client.ReadUntilReadyAsync();
        Assert.Equal(['C', 'T', 'D', 'C', 'E', 'Z'], messages.Select(m => m.Type));
        Assert.Equal("INSERT 0 1\0", Encoding.UTF8.GetString(messages[0].Body));
        Assert.Equal("SELECT 1\0", Encoding.UTF8.GetString(messages[3].Body));
        Assert.Contains("nope", Error(messages[4])['M'], StringComparison.Ordinal);
        Assert.Equal((byte)'I', messages[5].Body[0]);

        // The statement before the error stays applied (each is its own transaction); the one after it never ran.
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("SELECT id FROM secret WHERE id >= 2000")));
        var after = await client.ReadUntilReadyAsync();
        Assert.Equal(['T', 'D', 'C', 'Z'], after.Select(m => m.Type));

        // A text that does not parse runs nothing, as in PostgreSQL: only the error.
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("INSERT INTO secret (id, value) VALUES (2002, 'no'); SELEC 1")));
        var syntax = await client.ReadUntilReadyAsync();
        Assert.Equal(['E', 'Z'], syntax.Select(m => m.Type));
        Assert.Equal("42601", Error(syntax[0])['C']);
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("SELECT id FROM secret WHERE id = 2002")));
        Assert.Equal(['T', 'C', 'Z'], (await client.ReadUntilReadyAsync()).Select(m => m.Type));
    }

    [Fact]
    public async Task A_malformed_frame_gets_a_fatal_error_and_closes_only_that_connection()
    {
        await using var bad = await RawPgClient.ConnectAsync(pg.PgPort);
        await bad.LogInAsync("chat", pg.OwnerToken);
        await using var good = await RawPgClient.ConnectAsync(pg.PgPort);
        await good.LogInAsync("chat", pg.OwnerToken);

        await bad.SendAsync([(byte)'Q', 0, 0, 0, 2]); // a length shorter than the length field itself
        var error = Error((await bad.ReadAsync())!.Value);
        Assert.Equal("FATAL", error['S']);
        Assert.Equal("08P01", error['C']);
        Assert.Null(await bad.ReadAsync());

        await good.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("SELECT * FROM message")));
        Assert.Equal('Z', (await good.ReadUntilReadyAsync())[^1].Type);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_before_it_is_read()
    {
        await using var client = await RawPgClient.ConnectAsync(pg.PgPort);
        await client.LogInAsync("chat", pg.OwnerToken);
        await client.SendAsync([(byte)'Q', 0x40, 0, 0, 0]); // claims 1 GiB
        var error = Error((await client.ReadAsync())!.Value);
        Assert.Equal("54000", error['C']);
        Assert.Contains("larger than", error['M'], StringComparison.Ordinal);
        Assert.Null(await client.ReadAsync());
    }

    [Fact]
    public async Task A_string_without_its_terminator_and_an_unknown_message_type_are_protocol_violations()
    {
        await using (var client = await RawPgClient.ConnectAsync(pg.PgPort))
        {
            await client.LogInAsync("chat", pg.OwnerToken);
            await client.SendAsync(RawPgClient.Message('Q', Encoding.UTF8.GetBytes("SELECT * FROM message")));
            Assert.Equal("08P01", Error((await client.ReadAsync())!.Value)['C']);
            Assert.Null(await client.ReadAsync());
        }
        await using (var client = await RawPgClient.ConnectAsync(pg.PgPort))
        {
            await client.LogInAsync("chat", pg.OwnerToken);
            await client.SendAsync(RawPgClient.Message('z', []));
            Assert.Equal("08P01", Error((await client.ReadAsync())!.Value)['C']);
            Assert.Null(await client.ReadAsync());
        }
    }

    [Fact]
    public async Task Start_up_refusals_name_the_problem()
    {
        await using (var client = await RawPgClient.ConnectAsync(pg.PgPort))
        {
            await client.SendAsync(RawPgClient.Startup(2 << 16, ("user", "any"), ("database", "chat")));
            var error = Error((await client.ReadAsync())!.Value);
            Assert.Equal("0A000", error['C']);
            Assert.Contains("3.0", error['M'], StringComparison.Ordinal);
        }
        await using (var client = await RawPgClient.ConnectAsync(pg.PgPort))
        {
            var messages = await client.LogInAsync("chat", "forged.token.here");
            var error = Error(Assert.Single(messages));
            Assert.Equal(("FATAL", "28P01"), (error['S'], error['C']));
            Assert.Null(await client.ReadAsync());
        }
        await using (var client = await RawPgClient.ConnectAsync(pg.PgPort))
        {
            var bad = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(bad, 1 << 20);
            await client.SendAsync(bad);
            Assert.Equal("08P01", Error((await client.ReadAsync())!.Value)['C']);
        }
    }

    [Fact]
    public async Task The_extended_protocol_runs_an_unnamed_statement_in_text_and_suspends_at_the_row_limit()
    {
        await using var client = await RawPgClient.ConnectAsync(pg.PgPort);
        await client.LogInAsync("everything", pg.OwnerToken);
        await client.SendAsync(RawPgClient.Message('Q', RawPgClient.CString("INSERT INTO secret (id, value) VALUES (1000, 'second')")));
        Assert.Equal("INSERT 0 1\0", Encoding.UTF8.GetString((await client.ReadUntilReadyAsync())[0].Body));
        await client.SendAsync([
            .. RawPgClient.Message('P', [.. RawPgClient.CString(""), .. RawPgClient.CString("SELECT id, value FROM secret WHERE id >= 1"), 0, 0]),
            .. RawPgClient.Message('B', [.. RawPgClient.CString(""), .. RawPgClient.CString(""), 0, 0, 0, 0, 0, 0]),
            .. RawPgClient.Message('D', [(byte)'P', .. RawPgClient.CString("")]),
            .. RawPgClient.Message('E', [.. RawPgClient.CString(""), 0, 0, 0, 1]),
            .. RawPgClient.Message('E', [.. RawPgClient.CString(""), 0, 0, 0, 0]),
            .. RawPgClient.Message('S', []),
        ]);
        var messages = await client.ReadUntilReadyAsync();
        Assert.Equal(['1', '2', 'T', 'D', 's', 'D', 'C', 'Z'], messages.Select(m => m.Type));
        var values = new[] { messages[3].Body, messages[5].Body }
            .Select(row => Encoding.UTF8.GetString(row, 6, BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(2)))).Order();
        Assert.Equal(["1", "1000"], values);
        Assert.Equal("SELECT 1\0", Encoding.UTF8.GetString(messages[6].Body));

        // An error skips everything up to Sync; the next Sync is answered and the connection goes on.
        await client.SendAsync([
            .. RawPgClient.Message('P', [.. RawPgClient.CString(""), .. RawPgClient.CString("SELECT nope FROM secret"), 0, 0]),
            .. RawPgClient.Message('B', [.. RawPgClient.CString(""), .. RawPgClient.CString(""), 0, 0, 0, 0, 0, 0]),
            .. RawPgClient.Message('E', [.. RawPgClient.CString(""), 0, 0, 0, 0]),
            .. RawPgClient.Message('S', []),
        ]);
        messages = await client.ReadUntilReadyAsync();
        Assert.Equal(['1', '2', 'E', 'Z'], messages.Select(m => m.Type));
    }
}
