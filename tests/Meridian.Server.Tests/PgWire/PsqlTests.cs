using System.Diagnostics;

namespace Meridian.Server.Tests.PgWire;

/// <summary>
/// Debian's <c>psql</c> (installed by scripts/ensure-psql.sh, which the fixture runs; it does nothing when psql is there)
/// against the PostgreSQL wire protocol: the simple query protocol, as upstream's documentation shows it.
/// </summary>
public sealed class PsqlTests(PgTestServer pg) : IClassFixture<PgTestServer>
{
    private static readonly Lazy<string?> Installed = new(EnsurePsql);

    private static string? EnsurePsql()
    {
        var script = Path.Combine(RepoRoot(), "scripts", "ensure-psql.sh");
        var (code, stdout, stderr) = Run("bash", [script], null, TimeSpan.FromMinutes(5));
        return code == 0 ? null : $"scripts/ensure-psql.sh failed ({code}): {stdout}{stderr}";
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Meridian.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Meridian.slnx not found above the test directory.");
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, string? password, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        if (password is not null)
            info.Environment["PGPASSWORD"] = password;
        info.Environment["PGCONNECT_TIMEOUT"] = "10";
        info.Environment["PSQLRC"] = "/dev/null";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    // psql with a libpq connection string; -X: no psqlrc. Exit codes: 1 for a failed statement, 2 for a refused connection.
    private (int Code, string Stdout, string Stderr) Psql(string database, string token, params string[] args)
    {
        Assert.True(Installed.Value is null, Installed.Value);
        var connection = $"host=127.0.0.1 port={pg.PgPort} user=any dbname={database} sslmode=prefer";
        return Run("psql", ["-X", connection, .. args], token, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Psql_runs_dml_and_selects_with_the_token_as_password()
    {
        var insert = Psql("chat", pg.OwnerToken, "-c",
            $"INSERT INTO message (sender, sent, text) VALUES (0x{pg.OwnerIdentity}, '2026-12-02T10:00:00Z', 'hello from psql')");
        Assert.True(insert.Code == 0, insert.Stderr);
        Assert.Equal("INSERT 0 1", insert.Stdout.Trim());

        var select = Psql("chat", pg.OwnerToken, "-A", "-t", "-F", "|", "-c", "SELECT sender, sent, text FROM message WHERE text = 'hello from psql'");
        Assert.True(select.Code == 0, select.Stderr);
        Assert.Equal($"\\x{pg.OwnerIdentity}|2026-12-02T10:00:00+00:00|hello from psql", select.Stdout.Trim());

        var table = Psql("chat", pg.OwnerToken, "-c", "SELECT text FROM message WHERE text = 'hello from psql'");
        Assert.Contains("hello from psql", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("(1 row)", table.Stdout, StringComparison.Ordinal);

        var update = Psql("chat", pg.OwnerToken, "-c", "UPDATE message SET text = 'edited by psql' WHERE text = 'hello from psql'");
        Assert.Equal("UPDATE 1", update.Stdout.Trim());
        var delete = Psql("chat", pg.OwnerToken, "-c", "DELETE FROM message WHERE text = 'edited by psql'");
        Assert.Equal("DELETE 1", delete.Stdout.Trim());
        await Task.CompletedTask;
    }

    [Fact]
    public void Psql_shows_errors_with_their_sqlstate_and_a_refused_token_as_fatal()
    {
        var bad = Psql("chat", pg.OwnerToken, "-v", "VERBOSITY=verbose", "-c", "SELEC 1");
        Assert.Equal(1, bad.Code);
        Assert.Contains("ERROR:  42601", bad.Stderr, StringComparison.Ordinal);

        var refused = Psql("chat", "forged", "-c", "SELECT * FROM message");
        Assert.Equal(2, refused.Code);
        Assert.Contains("FATAL", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("not a valid token", refused.Stderr, StringComparison.Ordinal);

        var unknown = Psql("no-such-db", pg.OwnerToken, "-c", "SELECT 1");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("database \"no-such-db\" does not exist", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Psql_renders_special_and_composite_values_as_upstream_does()
    {
        var insert = Psql("everything", pg.OwnerToken, "-c",
            "INSERT INTO every_special (owner, connection, at, took, key, blob) VALUES "
            + $"(0x{pg.OwnerIdentity}, 0x000102030405060708090a0b0c0d0e0f, '1970-01-19T18:42:25.800Z', 1500000, "
            + "0x0123456789abcdef0123456789abcdef, 0x74657374)");
        Assert.True(insert.Code == 0, insert.Stderr);
        var select = Psql("everything", pg.OwnerToken, "-A", "-t", "-F", "|", "-c",
            "SELECT connection, at, took, key, blob FROM every_special WHERE blob = 0x74657374");
        Assert.True(select.Code == 0, select.Stderr);
        Assert.Equal(
            "\\x000102030405060708090a0b0c0d0e0f|1970-01-19T18:42:25.800+00:00|PT1.5S|01234567-89ab-cdef-0123-456789abcdef|\\x74657374",
            select.Stdout.Trim());
    }

    [Fact]
    public void A_failing_statement_in_a_c_string_stops_psql_after_the_statements_before_it()
    {
        var run = Psql("everything", pg.OwnerToken, "-v", "VERBOSITY=verbose", "-c",
            "INSERT INTO secret (id, value) VALUES (4000, 'ran'); SELECT nope FROM secret; INSERT INTO secret (id, value) VALUES (4001, 'skipped')");
        Assert.Equal(1, run.Code);
        Assert.Contains("ERROR:  42000", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("nope", run.Stderr, StringComparison.Ordinal);

        var rows = Psql("everything", pg.OwnerToken, "-A", "-t", "-c", "SELECT id FROM secret WHERE id >= 4000");
        Assert.True(rows.Code == 0, rows.Stderr);
        Assert.Equal("4000", rows.Stdout.Trim());
    }
}
