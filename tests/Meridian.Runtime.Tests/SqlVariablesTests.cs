using System.Text;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>SET and SHOW row_limit, EXPLAIN, and what non-owners may see.</summary>
public sealed class SqlVariablesTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("chat", TestModules.Chat());
        _db = await Database.OpenAsync("chat", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
        var sql = new StringBuilder("INSERT INTO message (sender, sent, text) VALUES ");
        for (var i = 0; i < 100; i++)
            sql.Append(i > 0 ? ", " : "").Append($"(0x{Owner.ToHexString()}, {i}, 'm{i}')");
        await _db.ExecuteSqlAsync(sql.ToString(), Owner, ConnectionId.Zero);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Row_limit_refuses_large_queries_of_non_owners_and_is_shown()
    {
        var shown = Assert.Single(await _db.ExecuteSqlAsync("SHOW row_limit", Alice, ConnectionId.Zero));
        Assert.Equal(AlgebraicValue.OptionNone, Assert.Single(shown.Rows)[1]);

        var denied = await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync("SET row_limit = 10", Alice, ConnectionId.Zero));
        Assert.Contains("not authorized", denied.Message, StringComparison.Ordinal);
        await _db.ExecuteSqlAsync("SET row_limit = 50", Owner, ConnectionId.Zero);
        shown = Assert.Single(await _db.ExecuteSqlAsync("SHOW row_limit", Alice, ConnectionId.Zero));
        Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.U64(50)), Assert.Single(shown.Rows)[1]);

        var tooBig = await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync("SELECT * FROM message", Alice, ConnectionId.Zero));
        Assert.Contains("over this database's row_limit of 50", tooBig.Message, StringComparison.Ordinal);
        Assert.Equal(100, Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM message", Owner, ConnectionId.Zero)).Rows.Count);

        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]);
        var error = ((string, uint?, uint, string))Assert.Single(alice.Messages);
        Assert.Contains("row_limit", error.Item4, StringComparison.Ordinal);

        await _db.ExecuteSqlAsync("SET row_limit = 0", Owner, ConnectionId.Zero);
        Assert.Equal(100, Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM message", Alice, ConnectionId.Zero)).Rows.Count);
    }

    [Fact]
    public async Task Explain_returns_the_plan_as_lines()
    {
        var plan = Assert.Single(await _db.ExecuteSqlAsync("EXPLAIN SELECT * FROM user WHERE identity = 0x01", Alice, ConnectionId.Zero));
        var lines = plan.Rows.Select(r => ((StringValue)r[0]).Value).ToList();
        Assert.Contains(lines, l => l.Contains("index lookup user", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Project", StringComparison.Ordinal));
    }
}
