using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Values;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Base of the tests of tests/Modules/Views: its reducers, clients that keep a copy of what they subscribed to, and
/// reads of what the database holds for a caller.
/// </summary>
public abstract class ViewModuleTests() : InMemoryModuleTests("views", TestModules.Views)
{
    protected static readonly TimeSpan Timeout = CallTimeout;
    protected static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    protected static readonly Identity Bob = Identity.FromClaims("localhost", "bob");

    /// <summary>A client's copy of what it subscribed to: the rows it was sent, with every update applied, and the updates themselves.</summary>
    private protected class Replica(FakeSession session)
    {
        private int _applied;

        public FakeSession Session => session;

        /// <summary>The rows held, by table.</summary>
        public Dictionary<string, List<byte[]>> Tables { get; } = [];

        /// <summary>Every row held, of every table.</summary>
        public List<byte[]> AllRows => Tables.Values.SelectMany(rows => rows).ToList();

        /// <summary>Every transaction update received, as (table, inserts, deletes).</summary>
        public List<(string Table, List<byte[]> Inserts, List<byte[]> Deletes)> Updates { get; } = [];

        /// <summary>Applies the messages that arrived since the last call.</summary>
        public void Catch()
        {
            List<object> messages;
            lock (session.Messages)
                messages = session.Messages.ToList();
            foreach (var m in messages.Skip(_applied))
            {
                switch (m)
                {
                    case (string kind, uint, uint, IReadOnlyList<TableRowsResult> rows) when kind == "applied":
                        foreach (var t in rows)
                            Rows(t.TableName).AddRange(t.Rows.Select(r => r.ToArray()));
                        break;
                    case (string kind, _, uint, string message) when kind == "error":
                        throw new InvalidOperationException(message);
                    case IReadOnlyList<QuerySetDelta> update:
                        foreach (var t in update.SelectMany(s => s.Tables))
                        {
                            var rows = Rows(t.TableName);
                            foreach (var d in t.Deletes)
                            {
                                var i = rows.FindIndex(r => r.AsSpan().SequenceEqual(d.Span));
                                Assert.True(i >= 0, $"{t.TableName}: a delete of a row the client does not have");
                                rows.RemoveAt(i);
                            }
                            rows.AddRange(t.Inserts.Select(r => r.ToArray()));
                            Updates.Add((t.TableName, t.Inserts.Select(r => r.ToArray()).ToList(), t.Deletes.Select(r => r.ToArray()).ToList()));
                        }
                        break;
                }
            }
            _applied = messages.Count;
        }

        /// <summary>The rows held of <paramref name="table"/>.</summary>
        public List<byte[]> Rows(string table)
        {
            if (!Tables.TryGetValue(table, out var rows))
                Tables[table] = rows = [];
            return rows;
        }
    }

    protected Task AddPlayer(Identity identity, string name, ulong score, uint team) =>
        Call("add_player", Owner, w =>
        {
            identity.WriteBsatn(w);
            w.WriteString(name);
            w.WriteU64(score);
            w.WriteU32(team);
        });

    protected Task SetScore(ulong id, ulong score) => Call("set_score", Owner, w =>
    {
        w.WriteU64(id);
        w.WriteU64(score);
    });

    protected Task AddMembership(ulong id, ulong player) => Call("add_membership", Owner, w =>
    {
        w.WriteU64(id);
        w.WriteU64(player);
    });

    protected Task RemoveMembership(ulong id) => Call("remove_membership", Owner, w => w.WriteU64(id));

    /// <summary>Rows of a view or a table, decoded.</summary>
    protected List<ProductValue> Decode(string viewOrTable, IEnumerable<byte[]> rows)
    {
        var type = Db.Schema.FindView(viewOrTable)?.RowType ?? Db.Schema.Tables.Single(t => t.Name == viewOrTable).Schema.RowType;
        return rows.Select(r => (ProductValue)AlgebraicValue.FromBsatn(r, type, Db.Schema.Typespace)).ToList();
    }

    /// <summary>A one-off query's rows (subscription dialect), as sorted hex; fails on an error.</summary>
    protected async Task<List<string>> OneOff(Identity who, string sql)
    {
        var probe = new FakeSession(who);
        await Db.OneOffQueryAsync(probe, 9, sql).WaitAsync(Timeout);
        var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
        Assert.True(error is null, $"{sql}: {error}");
        return Assert.Single(rows!).Rows.Select(r => Convert.ToHexString(r.Span)).Order(StringComparer.Ordinal).ToList();
    }

    protected static List<string> Hex(IEnumerable<byte[]> rows) => rows.Select(Convert.ToHexString).Order(StringComparer.Ordinal).ToList();

    /// <summary>The error a subscription of <paramref name="sql"/> (next to a valid query) gets, which registers nothing.</summary>
    protected string Refused(Identity who, string sql)
    {
        var probe = new FakeSession(who);
        Db.SubscribeAsync(probe, 2, 2, ["SELECT * FROM player", sql]).Wait(Timeout);
        var error = ((string, uint?, uint, string))Assert.Single(probe.Messages);
        Assert.Equal("error", error.Item1);
        return error.Item4;
    }

    /// <summary>How many live queries the subscription manager holds.</summary>
    protected int QueryCount()
    {
        var count = -1;
        Db.RunOnPipelineForTests(manager => count = manager.QueryCount).Wait(Timeout);
        return count;
    }

    /// <summary>How many times <paramref name="view"/> ran for <paramref name="who"/>.</summary>
    protected int ViewRuns(Identity who, string view)
    {
        var runs = -1;
        Db.RunOnPipelineForTests(manager => runs = manager.ViewRuns($"view {view} for {who.ToHexString()}")).Wait(Timeout);
        return runs;
    }
}
