using Meridian.Runtime.Execution;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Runtime.Tests;

/// <summary>
/// A module in the shape of upstream's codegen fixture <c>explicitnames</c>: explicit canonical names for the table,
/// reducer, procedure, view and index, and a primary key column that also carries a named btree index
/// (<c>[PrimaryKey, Index.BTree(Accessor = ..., Name = ...)]</c>): it publishes, and both accessors reach one index.
/// </summary>
public sealed class ExplicitNamesModuleTests() : InMemoryModuleTests("explicitnames", () => RandomModule.Compile("ExplicitNames", Source))
{
    private const string Source = ExplicitNamesFixture.Table + """
        public static partial class Reducers
        {
            [SpacetimeDB.Reducer(Name = "my_reducer")]
            public static void Put(ReducerContext ctx, int value) => ctx.Db.Things.Insert(new Thing { Key = value, Other = -value, Value = value });

            // Throws unless the primary key, its btree and the unique/btree column agree on what is stored.
            [SpacetimeDB.Reducer]
            public static void Check(ReducerContext ctx, int key, int expectedBelow)
            {
                var found = ctx.Db.Things.Key.Find(key) ?? throw new Exception($"Find({key}) found nothing");
                var filtered = ctx.Db.Things.ByKey.Filter(key).Single();
                if (!found.Equals(filtered)) throw new Exception("Find and Filter disagree");
                var below = ctx.Db.Things.ByKey.Filter(new Bound<int>(int.MinValue, key)).Count();
                if (below != expectedBelow) throw new Exception($"{below} rows up to {key}, expected {expectedBelow}");
                if (ctx.Db.Things.Other.Filter(new Bound<int>(-key, -key)).Single().Key != key) throw new Exception("Other range");
                found.Value = 1000;
                ctx.Db.Things.Key.Update(found);
                if (ctx.Db.Things.ByKey.Filter(key).Single().Value != 1000) throw new Exception("Update not seen through ByKey");
            }

            [SpacetimeDB.Reducer]
            public static void DropAtMost(ReducerContext ctx, int key) => ctx.Db.Things.ByKey.Delete(new Bound<int>(int.MinValue, key));

            [SpacetimeDB.Procedure(Name = "my_procedure")]
            public static void Proc(ProcedureContext ctx) { }

            [SpacetimeDB.View(Accessor = "my_view", Name = "my_view_name", Public = true)]
            public static List<Thing> View(ViewContext ctx) => ctx.Db.Things.ByKey.Filter(new Bound<int>(0, 100)).ToList();
        }
        """;

    private async Task<ReducerCallResult> Call(string reducer, params int[] args)
    {
        return await Db.CallReducerAsync(reducer, Args(w => Array.ForEach(args, w.WriteI32)), Owner, ConnectionId.Random());
    }

    [Fact]
    public void The_explicit_names_are_the_canonical_names_and_the_key_has_one_index()
    {
        var table = Assert.Single(Db.Schema.Tables);
        Assert.Equal("my_things", table.Name);
        var keyIndexes = table.Schema.Indexes.Where(i => i.Columns.SequenceEqual([0])).ToList();
        var index = Assert.Single(keyIndexes);
        Assert.Equal("my_key_index", index.Name);
        Assert.True(index.IsUnique);
        Assert.Single(table.Schema.Indexes, i => i.Columns.SequenceEqual([1]));
        Assert.NotNull(Db.Schema.FindReducer("my_reducer"));
        Assert.Contains(Db.Schema.Procedures, p => p.Name == "my_procedure");
        Assert.NotNull(Db.Schema.FindView("my_view_name"));
    }

    [Fact]
    public async Task Both_accessors_of_the_key_read_and_write_the_same_index()
    {
        foreach (var k in new[] { 5, 1, 9 })
            Assert.Equal(ReducerStatus.Committed, (await Call("my_reducer", k)).Status);
        var check = await Call("check", 5, 2);
        Assert.True(check.Status == ReducerStatus.Committed, check.Error);
        // The stored row 5 now differs from what my_reducer inserts: the primary key refuses it.
        var duplicate = await Call("my_reducer", 5);
        Assert.Equal(ReducerStatus.Failed, duplicate.Status);
        Assert.Contains("unique", duplicate.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ReducerStatus.Committed, (await Call("drop_at_most", 5)).Status);
        var state = Db.Store.Committed;
        Assert.Equal(1, state.Count(state.GetTable("my_things").Id));
    }

    [Fact]
    public async Task A_one_off_read_of_the_view_may_name_a_column_by_its_source_name()
    {
        foreach (var k in new[] { 5, 7 })
            Assert.Equal(ReducerStatus.Committed, (await Call("my_reducer", k)).Status);

        // Upstream's C# SDK sends RemoteQuery filters with the field's source name (`Key`, canonical `key`).
        foreach (var sql in new[] { "SELECT my_view_name.* FROM my_view_name WHERE Key = 5", "SELECT * FROM my_view WHERE key = 5" })
        {
            var session = new FakeSession(Owner);
            await Db.OneOffQueryAsync(session, 1, sql);
            var answer = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
            Assert.True(answer.Item3 is null, answer.Item3);
            var table = Assert.Single(answer.Item2!);
            Assert.Equal("my_view_name", table.TableName);
            Assert.Equal(5, new BsatnReader(Assert.Single(table.Rows).Span).ReadI32());
        }

        var unknown = new FakeSession(Owner);
        await Db.OneOffQueryAsync(unknown, 2, "SELECT * FROM my_view_name WHERE Nope = 5");
        var error = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(unknown.Messages);
        Assert.Null(error.Item2);
        Assert.Contains("Nope", error.Item3, StringComparison.Ordinal);
    }
}
