using System.Numerics;
using Npgsql;

namespace Meridian.Server.Tests.PgWire;

/// <summary>Npgsql, the .NET PostgreSQL driver, against Meridian's PostgreSQL wire protocol (its extended protocol, binary results).</summary>
public sealed class NpgsqlTests(PgTestServer pg) : IClassFixture<PgTestServer>
{
    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<object[]>> QueryAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task The_owner_inserts_updates_and_deletes_and_reads_the_rows_back_typed()
    {
        await using var connection = await pg.OpenAsync("chat");
        Assert.Equal(1, await ExecuteAsync(connection,
            $"INSERT INTO message (sender, sent, text) VALUES (0x{pg.OwnerIdentity}, '2026-12-02T10:00:00.250Z', 'hello from npgsql')"));

        await using (var command = new NpgsqlCommand("SELECT sender, sent, text FROM message WHERE text = 'hello from npgsql'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.Equal(["sender", "sent", "text"], Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            Assert.Equal(["bytea", "timestamp without time zone", "character varying"], Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName));
            Assert.True(await reader.ReadAsync());
            Assert.Equal(Convert.FromHexString(pg.OwnerIdentity), reader.GetFieldValue<byte[]>(0));
            Assert.Equal(new DateTime(2026, 12, 2, 10, 0, 0, 250), reader.GetDateTime(1));
            Assert.Equal("hello from npgsql", reader.GetString(2));
            Assert.False(await reader.ReadAsync());
        }

        Assert.Equal(1, await ExecuteAsync(connection, "UPDATE message SET text = 'edited by npgsql' WHERE text = 'hello from npgsql'"));
        Assert.Single(await QueryAsync(connection, "SELECT text FROM message WHERE text = 'edited by npgsql'"));
        Assert.Equal(0, await ExecuteAsync(connection, "DELETE FROM message WHERE text = 'hello from npgsql'"));
        Assert.Equal(1, await ExecuteAsync(connection, "DELETE FROM message WHERE text = 'edited by npgsql'"));
        Assert.Empty(await QueryAsync(connection, "SELECT text FROM message WHERE text = 'edited by npgsql'"));
    }

    [Fact]
    public async Task A_client_that_is_not_the_owner_reads_but_cannot_change_data()
    {
        var (_, token) = await pg.NewIdentityAsync();
        await using var connection = await pg.OpenAsync("chat", token);
        await QueryAsync(connection, "SELECT * FROM message");

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "DELETE FROM message"));
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("not authorized", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        await QueryAsync(connection, "SELECT * FROM message");
    }

    [Fact]
    public async Task Bad_sql_gets_an_error_with_its_sqlstate_and_the_connection_stays_usable()
    {
        await using var connection = await pg.OpenAsync("chat");
        var syntax = await Assert.ThrowsAsync<PostgresException>(() => QueryAsync(connection, "SELEC text FROM message"));
        Assert.Equal("42601", syntax.SqlState);
        var unknown = await Assert.ThrowsAsync<PostgresException>(() => QueryAsync(connection, "SELECT * FROM no_such_table"));
        Assert.Equal("42000", unknown.SqlState);
        Assert.Contains("no_such_table", unknown.MessageText, StringComparison.Ordinal);
        var parameters = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var command = new NpgsqlCommand("SELECT * FROM message WHERE text = $1", connection);
            command.Parameters.AddWithValue("x");
            await command.ExecuteReaderAsync();
        });
        Assert.Equal("0A000", parameters.SqlState);
        await QueryAsync(connection, "SELECT * FROM message");
    }

    [Fact]
    public async Task A_batch_reads_the_results_before_a_failing_statement_then_throws_and_skips_the_rest()
    {
        await using var connection = await pg.OpenAsync("everything");
        await using (var command = new NpgsqlCommand(
            "INSERT INTO secret (id, value) VALUES (3000, 'ran'); SELECT value FROM secret WHERE id = 3000; "
                + "SELECT nope FROM secret; INSERT INTO secret (id, value) VALUES (3001, 'skipped')", connection))
        {
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("ran", reader.GetString(0));
            var error = await Assert.ThrowsAsync<PostgresException>(() => reader.NextResultAsync());
            Assert.Contains("nope", error.MessageText, StringComparison.Ordinal);
        }
        await using var check = new NpgsqlCommand("SELECT id FROM secret WHERE id >= 3000", connection);
        Assert.Equal(3000u, Convert.ToUInt32(await check.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        await using var count = new NpgsqlCommand("SELECT id FROM secret WHERE id = 3001", connection);
        Assert.Null(await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_forged_or_invalid_token_is_refused_with_28P01_and_the_server_keeps_serving()
    {
        var parts = pg.OwnerToken.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        foreach (var token in new[] { forged, "not-a-token" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => pg.DataSource("chat", token).OpenConnectionAsync().AsTask());
            Assert.Equal("28P01", error.SqlState);
            Assert.Equal("FATAL", error.Severity);
        }
        await using var valid = await pg.OpenAsync("chat");
        await QueryAsync(valid, "SELECT * FROM message");
    }

    [Fact]
    public async Task An_unknown_database_is_refused_with_3D000()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => pg.DataSource("no-such-db", pg.OwnerToken).OpenConnectionAsync().AsTask());
        Assert.Equal("3D000", error.SqlState);
        Assert.Contains("no-such-db", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pooled_connection_is_reset_with_discard_all_and_reused()
    {
        var source = pg.DataSource("chat", pg.OwnerToken, pooling: true);
        int first;
        await using (var connection = await source.OpenConnectionAsync())
        {
            first = connection.ProcessID;
            await QueryAsync(connection, "SELECT * FROM message");
        }
        await using (var connection = await source.OpenConnectionAsync())
        {
            Assert.Equal(first, connection.ProcessID); // the same physical connection, reset by the pool
            await QueryAsync(connection, "SELECT * FROM message");
        }
    }

    [Fact]
    public async Task Every_primitive_column_reads_back_as_the_postgres_type_upstream_maps_it_to()
    {
        await using var connection = await pg.OpenAsync("everything");
        const string i128Min = "-170141183460469231731687303715884105728";
        const string u128Max = "340282366920938463463374607431768211455";
        const string u256Big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        Assert.Equal(1, await ExecuteAsync(connection,
            "INSERT INTO every_primitive (id, a_bool, an_i_8, au_8, an_i_16, au_16, an_i_32, au_32, an_i_64, au_64, an_i_128, au_128, an_i_256, au_256, "
            + "an_f_32, an_f_64, a_string) VALUES (7, true, -8, 200, -16000, 65000, -2000000000, 4000000000, -9000000000000000000, "
            + $"18000000000000000000, {i128Min}, {u128Max}, -5, {u256Big}, 1.5, -2.25, 'a \"quoted\" string')"));

        await using var command = new NpgsqlCommand("SELECT * FROM every_primitive WHERE id = 7", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.Equal(
            ["numeric", "boolean", "smallint", "smallint", "smallint", "integer", "integer", "bigint", "bigint", "numeric", "numeric", "numeric",
                "numeric", "numeric", "real", "double precision", "character varying"],
            Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(7m, reader.GetDecimal(0));
        Assert.True(reader.GetBoolean(1));
        Assert.Equal((short)-8, reader.GetInt16(2));
        Assert.Equal((short)200, reader.GetInt16(3));
        Assert.Equal((short)-16000, reader.GetInt16(4));
        Assert.Equal(65000, reader.GetInt32(5));
        Assert.Equal(-2000000000, reader.GetInt32(6));
        Assert.Equal(4000000000L, reader.GetInt64(7));
        Assert.Equal(-9000000000000000000L, reader.GetInt64(8));
        Assert.Equal(18000000000000000000m, reader.GetDecimal(9));
        Assert.Equal(BigInteger.Parse(i128Min, System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<BigInteger>(10));
        Assert.Equal(BigInteger.Parse(u128Max, System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<BigInteger>(11));
        Assert.Equal(new BigInteger(-5), reader.GetFieldValue<BigInteger>(12));
        Assert.Equal(BigInteger.Parse(u256Big, System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<BigInteger>(13));
        Assert.Equal(1.5f, reader.GetFloat(14));
        Assert.Equal(-2.25, reader.GetDouble(15));
        Assert.Equal("a \"quoted\" string", reader.GetString(16));
    }

    [Fact]
    public async Task Special_columns_read_back_as_bytea_timestamp_interval_and_uuid()
    {
        await using var connection = await pg.OpenAsync("everything");
        Assert.Equal(1, await ExecuteAsync(connection,
            "INSERT INTO every_special (owner, connection, at, took, key, blob) VALUES "
            + $"(0x{pg.OwnerIdentity}, 0x000102030405060708090a0b0c0d0e0f, '2026-01-02T03:04:05Z', 1500000, "
            + "0x0123456789abcdef0123456789abcdef, 0xcafe)"));
        var rows = await QueryAsync(connection, "SELECT owner, connection, at, took, key, blob FROM every_special WHERE blob = 0xcafe");
        var row = Assert.Single(rows);
        Assert.Equal(Convert.FromHexString(pg.OwnerIdentity), (byte[])row[0]);
        Assert.Equal(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), (byte[])row[1]);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), (DateTime)row[2]);
        Assert.Equal(TimeSpan.FromSeconds(1.5), (TimeSpan)row[3]);
        Assert.Equal(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"), (Guid)row[4]);
        Assert.Equal(new byte[] { 0xca, 0xfe }, (byte[])row[5]);
    }
}
