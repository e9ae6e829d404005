using System.Globalization;
using System.Text;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Rows;
using Meridian.Sats.Values;
using Meridian.Storage;
using Xunit.Abstractions;

namespace Meridian.Runtime.Tests.LiveGrammar;

/// <summary>
/// The whole live grammar at once, through the subscription path clients use: a random module
/// (tables with indexes, client visibility filters with <c>:sender</c> and joins, aggregate views) is
/// compiled and published; the owner and two other clients subscribe to random queries of every
/// supported form (filters, 2–4-way joins with cross-table conditions, ordered windows, aggregates);
/// then random transactions (inserts, deletes, updates, including ones that move visibility) run
/// through a reducer. After every transaction, each client's replica — the rows it was sent, with
/// every update applied as a multiset — must equal a full re-evaluation of its query on the committed
/// state (a one-off query, compiled afresh), and each aggregate view must equal the same aggregate
/// computed by ad-hoc SQL (<c>GROUP BY</c>).
/// </summary>
public sealed class LiveGrammarDifferentialTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Identity Owner = Identity.FromClaims("localhost", "live-owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "live-alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "live-bob");
    private static readonly Identity Carol = Identity.FromClaims("localhost", "live-carol");

    private static int Seed() =>
        Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();

    // Schemas per run: MERIDIAN_LIVE_GRAMMAR_ROUNDS raises it. Each round compiles a module of its own; the
    // first compile in a process pays for Roslyn's start-up, most of this test's time, so the default is one.
    private static int Rounds() =>
        Environment.GetEnvironmentVariable("MERIDIAN_LIVE_GRAMMAR_ROUNDS") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1;

    private const int Steps = 40;

    /// <summary>
    /// One client query set (one to three queries) and the client's copy of its rows: per table name, a
    /// multiset (a row once per query and combination that returns it, as SDK caches count references).
    /// </summary>
    private sealed class Subscription(uint setId, IReadOnlyList<LiveQuerySpec> queries)
    {
        public uint SetId { get; } = setId;

        public IReadOnlyList<LiveQuerySpec> Queries { get; } = queries;

        public string Sql => string.Join(" ; ", Queries.Select(q => q.Sql));

        public Dictionary<string, Dictionary<string, int>> Rows { get; } = [];

        public Dictionary<string, int> Of(string table) => Rows.TryGetValue(table, out var rows) ? rows : Rows[table] = [];

        public int Updates { get; set; }
    }

    /// <summary>A client: its session, what it subscribed to, and how far into its messages it has read.</summary>
    private sealed class Client(Identity identity, string name)
    {
        public FakeSession Session { get; } = new(identity);

        public string Name { get; } = name;

        public Dictionary<uint, Subscription> Subscriptions { get; } = [];

        public int Read { get; set; }
    }

    [Fact]
    public async Task Every_live_query_form_stays_equal_to_a_full_re_evaluation_and_its_client_replica_after_every_transaction()
    {
        var seed = Seed();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var tally = new Dictionary<LiveQueryForm, (int Subscribed, int Updated)>();
        int transactions = 0, refused = 0, visibilityMoves = 0;
        for (var round = 0; round < Rounds(); round++)
        {
            var values = new RandomModule(random);
            var schema = values.CreateSchema([Owner, Alice, Bob, Carol]);
            var source = RandomModule.Source(schema);
            var compiling = System.Diagnostics.Stopwatch.StartNew();
            var image = RandomModule.Compile($"LiveGrammar{round}", source);
            output.WriteLine($"round {round}: {schema.Tables.Count} tables, {schema.VisibilityRules.Count} visibility rules, "
                + $"{schema.Aggregates.Count} aggregate views; module compiled in {compiling.ElapsedMilliseconds} ms");
            var module = LoadedModule.Load($"live{round}", image);
            await using var db = await Database.OpenAsync(
                $"live{round}", Identity.FromClaims("localhost", "live-db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
            var run = new Run(db, schema, values, random, $"seed {seed}, round {round}");
            var running = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                await run.Execute(tally);
                output.WriteLine($"round {round}: ran in {running.ElapsedMilliseconds} ms");
            }
            catch
            {
                output.WriteLine(source);
                throw;
            }
            transactions += run.Committed;
            refused += run.Refused;
            visibilityMoves += run.VisibilityMoves;
        }
        output.WriteLine($"{transactions} transactions committed, {refused} refused by the module; "
            + $"{visibilityMoves} updates to non-owner clients under visibility rules");
        foreach (var (form, (subscribed, updated)) in tally.OrderBy(kv => kv.Key))
            output.WriteLine($"{form}: {subscribed} subscriptions, {updated} non-empty updates");

        foreach (var form in Enum.GetValues<LiveQueryForm>())
            Assert.True(tally.TryGetValue(form, out var t) && t.Subscribed > 0, $"no {form} query was subscribed (seed {seed})");
        Assert.True(transactions > Steps * Rounds() / 2, $"only {transactions} transactions committed (seed {seed})");
        var updates = tally.Values.Sum(t => t.Updated);
        Assert.True(updates > 40 * Rounds(), $"only {updates} updates reached clients: the test exercised too little (seed {seed})");
    }

    /// <summary>One round: one database, its clients and its transactions.</summary>
    private sealed class Run(Database db, RandomSchema schema, RandomModule values, Random random, string where)
    {
        private readonly List<Client> _clients = [new(Owner, "owner"), new(Alice, "alice"), new(Bob, "bob")];
        private readonly RandomLiveQuery _queries = new(random, values, schema);
        private uint _nextSet = 1;

        public int Committed { get; private set; }

        public int Refused { get; private set; }

        public int VisibilityMoves { get; private set; }

        public async Task Execute(Dictionary<LiveQueryForm, (int Subscribed, int Updated)> tally)
        {
            for (var i = 0; i < 6; i++)
                await Write(step: -1);

            // Every client subscribes to one query of each form and to a shared pool (the same SQL, so
            // clients without visibility rules share one maintained query), plus a few of its own.
            var pool = Enum.GetValues<LiveQueryForm>().Select(_queries.Next).Concat(Enumerable.Range(0, 8).Select(_ => _queries.Next())).ToList();
            foreach (var client in _clients)
            {
                foreach (var query in pool.Concat(Enumerable.Range(0, 3).Select(_ => _queries.Next())))
                    await Subscribe(client, [query]);
                // A set of several queries (rows of one table from two queries count twice).
                await Subscribe(client, [_queries.Next(), _queries.Next(), _queries.Next()]);
            }
            await Check(-1);

            for (var step = 0; step < Steps; step++)
            {
                if (step == Steps / 2)
                {
                    // Late subscribers start from a state many commits in; early ones leave.
                    foreach (var client in _clients)
                    {
                        foreach (var set in client.Subscriptions.Keys.OrderBy(_ => random.Next()).Take(2).ToList())
                            await Unsubscribe(client, set);
                        for (var i = 0; i < 3; i++)
                            await Subscribe(client, [_queries.Next()]);
                    }
                }
                if (step % 10 == 5)
                {
                    // Subscriptions whose initial rows are evaluated while commits land: the manager folds
                    // the commits in between into the rows it sends.
                    await HeldSubscriptions(step);
                    continue;
                }
                await Write(step);
                await Check(step);
            }
            foreach (var client in _clients)
            {
                foreach (var sub in client.Subscriptions.Values.Where(s => s.Queries.Count == 1))
                {
                    var t = tally.GetValueOrDefault(sub.Queries[0].Form);
                    tally[sub.Queries[0].Form] = (t.Subscribed + 1, t.Updated + sub.Updates);
                    if (client.Name != "owner" && schema.VisibilityRules.Count > 0)
                        VisibilityMoves += sub.Updates;
                }
            }
        }

        private async Task Subscribe(Client client, IReadOnlyList<LiveQuerySpec> queries)
        {
            var set = _nextSet++;
            client.Subscriptions[set] = new Subscription(set, queries);
            await db.SubscribeAsync(client.Session, set, set, queries.Select(q => q.Sql).ToList()).WaitAsync(Timeout);
            Catch(client);
        }

        // Registers a subscription per client, holds their initial evaluation while 1–2 transactions
        // commit, then lets it finish.
        private async Task HeldSubscriptions(int step)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiting = 0;
            db.Subscriptions.InitialEvaluationGate = () =>
            {
                Interlocked.Increment(ref waiting);
                return gate.Task;
            };
            var subscribing = new List<Task>();
            try
            {
                foreach (var client in _clients)
                {
                    var set = _nextSet++;
                    var query = _queries.Next();
                    client.Subscriptions[set] = new Subscription(set, [query]);
                    subscribing.Add(db.SubscribeAsync(client.Session, set, set, [query.Sql]));
                }
                while (Volatile.Read(ref waiting) < _clients.Count)
                    await Task.Delay(1);
                for (var i = random.Next(1, 3); i > 0; i--)
                    await Write(step);
            }
            finally
            {
                gate.SetResult();
                db.Subscriptions.InitialEvaluationGate = null;
            }
            await Task.WhenAll(subscribing).WaitAsync(Timeout);
            await Check(step);
        }

        private async Task Unsubscribe(Client client, uint set)
        {
            await db.UnsubscribeAsync(client.Session, set, set, sendDroppedRows: false).WaitAsync(Timeout);
            Catch(client);
            client.Subscriptions.Remove(set);
        }

        // Applies the client's new messages to its replicas: initial rows, then each update's deletes and inserts.
        private void Catch(Client client)
        {
            List<object> messages;
            lock (client.Session.Messages)
                messages = client.Session.Messages.ToList();
            foreach (var message in messages.Skip(client.Read))
            {
                switch (message)
                {
                    case (string kind, uint, uint set, IReadOnlyList<TableRowsResult> rows) when kind == "applied":
                    {
                        var sub = client.Subscriptions[set];
                        foreach (var table in rows)
                        {
                            foreach (var row in table.Rows)
                                Add(sub.Of(table.TableName), row, 1);
                        }
                        break;
                    }
                    case (string kind, _, uint set, string error) when kind == "error":
                        Assert.Fail($"{where}: {client.Name}'s subscription to {client.Subscriptions[set].Sql} was refused: {error}");
                        break;
                    case IReadOnlyList<QuerySetDelta> update:
                        Apply(client, update);
                        break;
                    case ReducerCallResult result:
                        // The caller's own updates come with its reducer's result instead.
                        Apply(client, result.OwnUpdates);
                        break;
                }
            }
            client.Read = messages.Count;
        }

        private void Apply(Client client, IReadOnlyList<QuerySetDelta> update)
        {
            foreach (var setDelta in update)
            {
                if (!client.Subscriptions.TryGetValue(setDelta.QuerySetId, out var sub))
                    Assert.Fail($"{where}: {client.Name} got an update for query set {setDelta.QuerySetId}, which it does not hold");
                foreach (var table in setDelta.Tables)
                {
                    var rows = sub!.Of(table.TableName);
                    foreach (var row in table.Deletes)
                    {
                        if (!Add(rows, row, -1))
                            Assert.Fail($"{where}: {client.Name} was sent the delete of a row it does not hold, for {sub.Sql}: {Show(table.TableName, row)}");
                    }
                    foreach (var row in table.Inserts)
                        Add(rows, row, 1);
                    if (table.Inserts.Count + table.Deletes.Count > 0)
                        sub.Updates++;
                }
            }
        }

        private static bool Add(Dictionary<string, int> rows, ReadOnlyMemory<byte> row, int change)
        {
            var key = Convert.ToHexString(row.Span);
            var n = rows.GetValueOrDefault(key) + change;
            if (n < 0)
                return false;
            if (n == 0)
                rows.Remove(key);
            else
                rows[key] = n;
            return true;
        }

        private string Show(string table, ReadOnlyMemory<byte> row) =>
            // Rows carry the canonical table name (snake_case: t_1 for the accessor t1).
            schema.Tables.FirstOrDefault(t => t.Name == table || t.Name == table.Replace("_", "", StringComparison.Ordinal)) is { } t
                ? "(" + string.Join(", ", RandomModule.Decode(t, row.Span).Select(v => v is Identity id ? Who(id) : v.ToString())) + ")"
                : Convert.ToHexString(row.Span);

        private string ShowHex(string table, string hex) => Show(table, Convert.FromHexString(hex));

        private static string Who(Identity id) =>
            id == Owner ? "owner" : id == Alice ? "alice" : id == Bob ? "bob" : id == Carol ? "carol" : id.ToHexString()[..8];

        // ---- transactions ----

        // One random transaction: inserts, deletes and updates (a delete plus the insert of a changed copy) on random tables.
        private async Task Write(int step)
        {
            var writes = new Dictionary<RandomTable, (List<byte[]> Deletes, List<byte[]> Inserts)>();
            (List<byte[]> Deletes, List<byte[]> Inserts) For(RandomTable t) => writes.TryGetValue(t, out var w) ? w : writes[t] = ([], []);
            var contents = new Dictionary<RandomTable, List<byte[]>>();
            for (var op = random.Next(1, 5); op > 0; op--)
            {
                var table = schema.Tables[random.Next(schema.Tables.Count)];
                if (!contents.TryGetValue(table, out var rows))
                    contents[table] = rows = (await Rows(Owner, $"SELECT * FROM {table.Name}")).Rows.Select(r => r.ToArray()).ToList();
                var roll = rows.Count >= 9 ? 1 + random.Next(2) : rows.Count == 0 ? 0 : random.Next(3);
                if (roll == 0)
                {
                    For(table).Inserts.Add(RandomModule.Encode(table, values.Row(schema, table)));
                    continue;
                }
                var victim = rows[random.Next(rows.Count)];
                rows.Remove(victim);
                For(table).Deletes.Add(victim);
                if (roll == 1)
                    continue;
                var changed = RandomModule.Decode(table, victim);
                // Change one column (the key too, sometimes); identity columns move rows between clients' views.
                var column = random.Next(table.HasPrimaryKey && random.Next(4) > 0 ? 1 : 0, table.Columns.Count);
                changed[column] = table.HasPrimaryKey && column == 0 ? (long)random.Next(0, 24) : values.Value(schema, table.Columns[column].Kind);
                For(table).Inserts.Add(RandomModule.Encode(table, changed));
            }
            // Called by a client (whose own updates then come in its reducer result) or by no session at all.
            var caller = random.Next(_clients.Count + 1) is var c && c < _clients.Count ? _clients[c] : null;
            var result = await db.CallReducerAsync(
                "apply", RandomModule.ApplyArgs(schema, writes), caller?.Session.Identity ?? Owner, caller?.Session.ConnectionId ?? ConnectionId.Random(),
                caller?.Session, requestId: 7).WaitAsync(Timeout);
            if (result.Status == ReducerStatus.Committed)
                Committed += step >= 0 ? 1 : 0;
            else
                Refused++;
        }

        private async Task<(RowList Rows, string Table)> Rows(Identity who, string sql)
        {
            var probe = new FakeSession(who);
            await db.OneOffQueryAsync(probe, 1, sql).WaitAsync(Timeout);
            var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
            if (error is not null)
                Assert.Fail($"{where}: the one-off query {sql} failed: {error}");
            var table = Assert.Single(rows!);
            return (table.Rows, table.TableName);
        }

        // ---- checks ----

        private async Task Check(int step)
        {
            foreach (var client in _clients)
            {
                Catch(client);
                foreach (var sub in client.Subscriptions.Values)
                {
                    var expected = new Dictionary<string, Dictionary<string, int>>();
                    foreach (var query in sub.Queries)
                    {
                        var (rows, table) = await Rows(client.Session.Identity, query.Sql);
                        if (!expected.TryGetValue(table, out var of))
                            expected[table] = of = [];
                        foreach (var row in rows)
                            Add(of, row, 1);
                    }
                    foreach (var table in expected.Keys.Union(sub.Rows.Keys))
                    {
                        var want = expected.GetValueOrDefault(table) ?? [];
                        var have = sub.Rows.GetValueOrDefault(table) ?? [];
                        if (!Same(want, have))
                        {
                            Assert.Fail($"{where}, step {step}: {client.Name}'s replica of {sub.Sql} differs from a full re-evaluation ({table})\n"
                                + $"  missing:    {Describe(table, Minus(want, have))}\n"
                                + $"  unexpected: {Describe(table, Minus(have, want))}\n"
                                + $"  expected:   {Describe(table, want)}\n"
                                + await Tables());
                        }
                    }
                }
            }
            foreach (var view in schema.Aggregates)
            {
                foreach (var client in view.SenderColumn is null ? _clients.Take(1) : _clients)
                    await CheckAggregate(view, client.Session.Identity, step);
            }
        }

        // The view's rows, computed by the module, against the same aggregate computed by the SQL engine.
        private async Task CheckAggregate(AggregateView view, Identity who, int step)
        {
            var t = view.Table;
            var g = t.Columns[view.Group].Name;
            var v = t.Columns[view.Value].Name;
            var filter = view.SenderColumn is { } s ? $" WHERE {t.Columns[s].Name} = 0x{who.ToHexString()}" : "";
            var sql = $"SELECT {g} AS g, COUNT(*) AS n, SUM({v}) AS total, MIN({v}) AS lo, MAX({v}) AS hi FROM {t.Name}{filter} GROUP BY {g}";
            var result = Assert.Single(await db.ExecuteSqlAsync(sql, Owner, ConnectionId.Random()).WaitAsync(Timeout));
            var bySql = result.Rows.Select(r => string.Join(" ", r.Elements.Select(Number))).Order(StringComparer.Ordinal).ToList();
            var (rows, _) = await Rows(who, $"SELECT * FROM {view.Name}");
            var groupType = view.Table.Columns[view.Group].Kind;
            var byView = rows.Select(r => ViewRow(groupType, r.Span)).Order(StringComparer.Ordinal).ToList();
            if (!bySql.SequenceEqual(byView))
            {
                Assert.Fail($"{where}, step {step}: view {view.Name} for {Who(who)} differs from {sql}\n"
                    + $"  view: [{string.Join("; ", byView)}]\n  sql:  [{string.Join("; ", bySql)}]");
            }
        }

        private static string ViewRow(ColumnKind groupType, ReadOnlySpan<byte> row)
        {
            var r = new Sats.Bsatn.BsatnReader(row);
            long group = groupType switch
            {
                ColumnKind.I32 => r.ReadI32(),
                ColumnKind.U8 => r.ReadU8(),
                _ => r.ReadI64(),
            };
            return string.Join(" ", group, r.ReadU64(), r.ReadI64(), r.ReadI64(), r.ReadI64());
        }

        // A number of an aggregate result (an optional MIN or MAX unwrapped), as text.
        private static string Number(AlgebraicValue value) => value switch
        {
            SumValue { Tag: 0 } some => Number(some.Payload),
            _ => value.Kind switch
            {
                Sats.Types.AlgebraicTypeTag.I32 => value.AsI32().ToString(CultureInfo.InvariantCulture),
                Sats.Types.AlgebraicTypeTag.U8 => value.AsU8().ToString(CultureInfo.InvariantCulture),
                Sats.Types.AlgebraicTypeTag.I64 => value.AsI64().ToString(CultureInfo.InvariantCulture),
                Sats.Types.AlgebraicTypeTag.U64 => value.AsU64().ToString(CultureInfo.InvariantCulture),
                Sats.Types.AlgebraicTypeTag.I128 => value.AsI128().ToString(CultureInfo.InvariantCulture),
                _ => value.ToString(),
            },
        };

        private static bool Same(Dictionary<string, int> a, Dictionary<string, int> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var n) && n == kv.Value);

        private static Dictionary<string, int> Minus(Dictionary<string, int> a, Dictionary<string, int> b) =>
            a.Select(kv => (kv.Key, N: kv.Value - b.GetValueOrDefault(kv.Key))).Where(x => x.N > 0).ToDictionary(x => x.Key, x => x.N);

        private string Describe(string table, Dictionary<string, int> rows) =>
            "[" + string.Join(" ", rows.Select(kv => ShowHex(table, kv.Key) + (kv.Value > 1 ? $"×{kv.Value}" : ""))) + "]";

        private async Task<string> Tables()
        {
            var sb = new StringBuilder();
            foreach (var t in schema.Tables)
            {
                var (rows, _) = await Rows(Owner, $"SELECT * FROM {t.Name}");
                sb.Append($"  {t.Name}({string.Join(", ", t.Columns.Select(c => $"{c.Name} {c.Kind}"))}): ");
                sb.Append(string.Join(" ", rows.Select(r => Show(t.Name, r)))).Append('\n');
            }
            sb.Append("  rules: ").Append(string.Join(" | ", schema.VisibilityRules));
            return sb.ToString();
        }
    }
}
