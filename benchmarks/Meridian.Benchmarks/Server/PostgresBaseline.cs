using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// The baseline: the same transfers against PostgreSQL on loopback (installed and started by
/// <c>scripts/ensure-postgres.sh</c>), each transfer one call of a stored function, through Npgsql with
/// multiplexing so that every worker keeps the same number of calls in flight over the same number of
/// connections. Commits are durable (<c>synchronous_commit = on</c>, fsync on), as confirmed reads are.
/// </summary>
internal sealed class PostgresBaseline : IAsyncDisposable
{
    // The keynote reducer's checks in the same order, both rows locked in id order first so that
    // concurrent opposite transfers cannot deadlock.
    private const string Schema = """
        DROP TABLE IF EXISTS accounts;
        CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL);
        CREATE OR REPLACE FUNCTION transfer(p_from integer, p_to integer, p_amount bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
            from_balance bigint;
            locked integer;
        BEGIN
            IF p_from = p_to THEN RAISE EXCEPTION 'same_account'; END IF;
            IF p_amount <= 0 THEN RAISE EXCEPTION 'non_positive_amount'; END IF;
            SELECT count(*) INTO locked FROM (SELECT id FROM accounts WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE) l;
            IF locked <> 2 THEN RAISE EXCEPTION 'account_missing'; END IF;
            SELECT balance INTO from_balance FROM accounts WHERE id = p_from;
            IF from_balance < p_amount THEN RAISE EXCEPTION 'insufficient_funds'; END IF;
            UPDATE accounts SET balance = balance - p_amount WHERE id = p_from;
            UPDATE accounts SET balance = balance + p_amount WHERE id = p_to;
        END $$;
        """;

    private readonly string _dir;
    private readonly string _script;
    private readonly NpgsqlDataSource _source;

    private PostgresBaseline(string dir, string script, NpgsqlDataSource source)
    {
        _dir = dir;
        _script = script;
        _source = source;
    }

    /// <summary>Starts a cluster (installing PostgreSQL when absent), creates and seeds the accounts.</summary>
    public static async Task<PostgresBaseline> StartAsync(int connections, int accounts, long initialBalance)
    {
        var script = FindScript();
        var dir = Path.Combine(Path.GetTempPath(), "meridian-bench-pg-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var connectionString = Run(script, "start", dir, port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Trim();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Multiplexing = true;
        builder.ConnectionStringBuilder.MaxPoolSize = connections;
        builder.ConnectionStringBuilder.MinPoolSize = connections;
        builder.ConnectionStringBuilder.MaxAutoPrepare = 4;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        var source = builder.Build();
        var baseline = new PostgresBaseline(dir, script, source);
        try
        {
            await using (var cmd = source.CreateCommand(Schema))
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            await using (var cmd = source.CreateCommand("INSERT INTO accounts SELECT g, $1 FROM generate_series(0, $2 - 1) g"))
            {
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = initialBalance, NpgsqlDbType = NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = accounts, NpgsqlDbType = NpgsqlDbType.Integer });
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            await using (var cmd = source.CreateCommand("VACUUM ANALYZE accounts"))
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            await using (var cmd = source.CreateCommand("SHOW synchronous_commit"))
            {
                var setting = (string?)await cmd.ExecuteScalarAsync().ConfigureAwait(false);
                if (setting != "on")
                    throw new InvalidOperationException($"synchronous_commit is '{setting}', expected 'on'");
            }
        }
        catch
        {
            await baseline.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return baseline;
    }

    /// <summary>The PostgreSQL server's version string.</summary>
    public async Task<string> VersionAsync()
    {
        await using var cmd = _source.CreateCommand("SHOW server_version");
        return (string)(await cmd.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Runs the workload: <paramref name="connections"/> workers, each with <paramref name="inflight"/> calls outstanding.</summary>
    public async Task<TransferOutcome> RunAsync(TransferPairs pairs, int connections, int inflight, TimeSpan warmup, TimeSpan measure)
    {
        var start = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = start + (long)(measure.TotalSeconds * Stopwatch.Frequency);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var tasks = new List<Task<WorkerResult>>();
        for (var worker = 0; worker < connections; worker++)
        {
            // The worker's pairs are dealt round-robin to its in-flight slots, in order.
            var first = pairs.StartOf(worker, connections);
            for (var slot = 0; slot < inflight; slot++)
            {
                var s = slot;
                tasks.Add(Task.Run(() => SlotAsync(pairs, first + s, inflight, start, end)));
            }
        }
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return TransferOutcome.From(results, measure, cpu, null, wall.Elapsed);
    }

    private async Task<WorkerResult> SlotAsync(TransferPairs pairs, int index, int stride, long start, long end)
    {
        var latencies = new List<int>(1 << 12);
        long completed = 0, failed = 0, answered = 0;
        await using var cmd = _source.CreateCommand("SELECT transfer($1, $2, $3)");
        var from = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
        var to = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
        var amount = new NpgsqlParameter<long> { TypedValue = 1, NpgsqlDbType = NpgsqlDbType.Bigint };
        cmd.Parameters.Add(from);
        cmd.Parameters.Add(to);
        cmd.Parameters.Add(amount);
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= end)
                break;
            index %= pairs.Count;
            from.TypedValue = (int)pairs.From[index];
            to.TypedValue = (int)pairs.To[index];
            index += stride;
            bool ok;
            try
            {
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
                ok = true;
            }
            catch (PostgresException)
            {
                ok = false;
            }
            var now = Stopwatch.GetTimestamp();
            answered++;
            if (now < start || now >= end)
                continue;
            if (ok)
            {
                completed++;
                latencies.Add((int)((now - sent) * 1_000_000 / Stopwatch.Frequency));
            }
            else
            {
                failed++;
            }
        }
        return new WorkerResult(completed, failed, latencies, answered);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        try
        {
            Run(_script, "stop", _dir);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"  warning: stopping PostgreSQL: {e.Message}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "ensure-postgres.sh");
            if (File.Exists(script))
                return script;
        }
        throw new FileNotFoundException("scripts/ensure-postgres.sh not found above the benchmark's directory.");
    }

    private static string Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(script);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(script)} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        return stdout;
    }
}
