using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Execution;

public sealed class SqlExecutorDmlTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly TableId _item;
    private readonly TableId _plain;

    public SqlExecutorDmlTests()
    {
        // item: an auto-increment primary key, a btree on qty, an optional note and an owner identity.
        _item = _db.Create(new TableSchema("item",
            AlgebraicType.Product(("id", AlgebraicType.U64), ("name", AlgebraicType.String), ("qty", AlgebraicType.I32),
                ("note", AlgebraicType.Option(AlgebraicType.String)), ("owner", AlgebraicType.Identity)),
            indexes: [new IndexSchema("item_qty", [2])], sequences: [SequenceSchema.Ascending("item_id_seq", 0, ulong.MaxValue)], primaryKey: 0),
            accessor: "Item", columnAccessors: ["Id", "Name", "Qty", "Note", "Owner"]);
        // plain: no key, no index (a set of rows).
        _plain = _db.Create("plain", [("a", AlgebraicType.U8), ("b", AlgebraicType.String)]);
        _db.Create("vault", [("secret", AlgebraicType.String)], access: TableAccess.Private);
    }

    public void Dispose() => _db.Dispose();

    private List<string> Items() => _db.SortedRows("SELECT id, name, qty FROM item");

    [Fact]
    public void Insert_without_a_column_list_takes_every_column_in_order()
    {
        var result = _db.Execute($"INSERT INTO item VALUES (7, 'bolt', -3, NULL, 0x01)");
        Assert.Equal(1UL, result.RowsInserted);
        Assert.Empty(result.Rows);
        Assert.Equal([Row(7UL, "bolt", -3, AlgebraicValue.OptionNone, new Identity(1UL)).ToString()], _db.Rows("SELECT * FROM item"));
    }

    [Fact]
    public void Insert_with_a_column_list_in_any_order_and_several_rows()
    {
        var result = _db.Execute("INSERT INTO item (qty, owner, name, note, id) VALUES (5, :sender, 'nut', 'm4', 10), (6, :sender, 'washer', NULL, 11)");
        Assert.Equal(2UL, result.RowsInserted);
        Assert.Equal(["(10, \"nut\", 5)", "(11, \"washer\", 6)"], Items());
        Assert.Equal([Row(Owner).ToString()], _db.Rows("SELECT owner FROM item WHERE note = 'm4'"));
    }

    [Fact]
    public void Insert_leaving_out_the_auto_increment_column_takes_the_next_sequence_values()
    {
        _db.Execute("INSERT INTO item (name, qty, note, owner) VALUES ('a', 1, NULL, 0x01), ('b', 2, NULL, 0x01)");
        _db.Execute("INSERT INTO item (name, qty, note, owner) VALUES ('c', 3, NULL, 0x01)");
        Assert.Equal(["(1, \"a\", 1)", "(2, \"b\", 2)", "(3, \"c\", 3)"], Items());
    }

    [Fact]
    public void Insert_accepts_accessor_names_for_the_table_and_its_columns()
    {
        _db.Execute("INSERT INTO Item (Id, Name, qty, Note, Owner) VALUES (4, 'x', 0, 'n', 0x02)");
        Assert.Equal(["(4, \"x\", 0)"], Items());
    }

    [Fact]
    public void Inserting_a_row_already_present_changes_nothing()
    {
        _db.Execute("INSERT INTO plain VALUES (1, 'a')");
        _db.Execute("INSERT INTO plain VALUES (1, 'a'), (2, 'a')");
        Assert.Equal(["(1, \"a\")", "(2, \"a\")"], _db.SortedRows("SELECT * FROM plain"));
    }

    [Theory]
    [InlineData("INSERT INTO item (name, qty, note) VALUES ('a', 1, NULL)", "INSERT into 'item' must give a value for column 'owner'.")]
    [InlineData("INSERT INTO item (name, qty, note, owner) VALUES ('a', 1, NULL)", "INSERT row has 3 value(s) but 4 column(s) were named.")]
    [InlineData("INSERT INTO item VALUES (1, 'a', 1, NULL)", "INSERT row has 4 value(s) but 5 column(s) were named.")]
    [InlineData("INSERT INTO item (name, qty, nope, note, owner) VALUES ('a', 1, 2, NULL, 0x01)", "Unknown column 'nope' in table 'item'.")]
    [InlineData("INSERT INTO item (name, qty, Qty, note, owner) VALUES ('a', 1, 2, NULL, 0x01)", "A column is named twice in the INSERT column list.")]
    [InlineData("INSERT INTO item (name, qty, note, owner) VALUES ('a', 'many', NULL, 0x01)", "'many' cannot be compared with column 'qty' of type i32.")]
    [InlineData("INSERT INTO item (name, qty, note, owner) VALUES (NULL, 1, NULL, 0x01)", "NULL cannot be compared with column 'name' of type string; only optional columns can be NULL.")]
    [InlineData("INSERT INTO item (name, qty, note, owner) VALUES ('a', 1e10, NULL, 0x01)", "1e10 is not a valid value for column 'qty' of type i32: ")]
    [InlineData("INSERT INTO nowhere VALUES (1)", "Unknown table 'nowhere'.")]
    [InlineData("INSERT INTO plain VALUES (1, 'ok'), (2)", "INSERT row has 1 value(s) but 2 column(s) were named.")]
    public void Bad_inserts_are_refused_and_change_nothing(string sql, string message)
    {
        Assert.StartsWith(message, Error(() => _db.Execute(sql)), StringComparison.Ordinal);
        Assert.Empty(Items());
        Assert.Empty(_db.Rows("SELECT * FROM plain"));
    }

    [Fact]
    public void An_insert_that_breaks_a_unique_key_throws_and_the_transaction_keeps_nothing()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01)");
        Assert.Throws<UniqueConstraintViolationException>(() => _db.Execute("INSERT INTO item VALUES (2, 'b', 2, NULL, 0x01), (1, 'c', 3, NULL, 0x01)"));
        Assert.Equal(["(1, \"a\", 1)"], Items());
    }

    [Fact]
    public void Dml_is_for_the_owner_only()
    {
        var stranger = new Identity(99UL);
        foreach (var sql in new[] { "INSERT INTO plain VALUES (1, 'a')", "UPDATE plain SET a = 1", "DELETE FROM plain" })
            Assert.Equal($"Caller {stranger} is not authorized to run SQL DML statements.", Error(() => _db.Execute(sql, stranger, isOwner: false)));
        _db.Execute("INSERT INTO vault VALUES ('key')");
        Assert.Equal(["(\"key\")"], _db.Rows("SELECT * FROM vault"));
    }

    [Fact]
    public void Execute_refuses_statements_that_do_not_change_data()
    {
        Assert.Equal("Only INSERT, UPDATE and DELETE change data.", Error(() => _db.Execute("SELECT * FROM item")));
    }

    [Fact]
    public void Update_sets_the_assigned_columns_of_the_matching_rows()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01), (2, 'b', 2, NULL, 0x01), (3, 'c', 3, NULL, 0x01)");
        var result = _db.Execute("UPDATE item SET name = 'z', Note = 'changed' WHERE qty >= 2");
        Assert.Equal(2UL, result.RowsUpdated);
        Assert.Equal(["(1, \"a\", 1)", "(2, \"z\", 2)", "(3, \"z\", 3)"], Items());
        Assert.Equal(["(2)", "(3)"], _db.SortedRows("SELECT id FROM item WHERE note = 'changed'"));
    }

    [Fact]
    public void Update_without_where_changes_every_row()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01), (2, 'b', 2, NULL, 0x01)");
        Assert.Equal(2UL, _db.Execute("UPDATE item SET qty = -1").RowsUpdated);
        Assert.Equal(["(1, \"a\", -1)", "(2, \"b\", -1)"], Items());
    }

    [Fact]
    public void Update_cannot_see_its_own_writes()
    {
        // Every updated row still matches the WHERE, through the qty index and through a scan: each is updated once.
        _db.Execute("INSERT INTO item VALUES (1, 'a', 10, NULL, 0x01), (2, 'b', 20, NULL, 0x01), (3, 'c', 30, NULL, 0x01)");
        Assert.Equal(3UL, _db.Execute("UPDATE item SET qty = 40 WHERE qty > 5").RowsUpdated);
        Assert.Equal(["(1, \"a\", 40)", "(2, \"b\", 40)", "(3, \"c\", 40)"], Items());
        Assert.Equal(3UL, _db.Execute("UPDATE item SET name = 'n' WHERE name != 'x'").RowsUpdated);
        // The same without any index: the scan does not meet the rows the update wrote.
        _db.Execute("INSERT INTO plain VALUES (5, 'w'), (6, 'x'), (7, 'y')");
        Assert.Equal(2UL, _db.Execute("UPDATE plain SET a = 9 WHERE a > 5").RowsUpdated);
        Assert.Equal(["(5, \"w\")", "(9, \"x\")", "(9, \"y\")"], _db.SortedRows("SELECT * FROM plain"));
    }

    [Fact]
    public void Update_matching_nothing_changes_nothing()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01)");
        Assert.Equal(0UL, _db.Execute("UPDATE item SET name = 'q' WHERE qty > 100").RowsUpdated);
        Assert.Equal(["(1, \"a\", 1)"], Items());
    }

    [Fact]
    public void An_update_that_breaks_a_unique_key_throws_and_the_transaction_keeps_nothing()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01), (2, 'b', 2, NULL, 0x01)");
        Assert.Throws<UniqueConstraintViolationException>(() => _db.Execute("UPDATE item SET id = 5"));
        Assert.Equal(["(1, \"a\", 1)", "(2, \"b\", 2)"], Items());
    }

    [Theory]
    [InlineData("UPDATE item SET nope = 1", "Unknown column 'nope' in table 'item'.")]
    [InlineData("UPDATE item SET qty = 'x'", "'x' cannot be compared with column 'qty' of type i32.")]
    [InlineData("UPDATE item SET qty = 1 WHERE name = 1", "1 cannot be compared with column 'name' of type string.")]
    [InlineData("UPDATE item SET qty = 1 WHERE nope = 1", "Unknown column 'nope' in table 'item'.")]
    [InlineData("UPDATE nowhere SET a = 1", "Unknown table 'nowhere'.")]
    [InlineData("DELETE FROM item WHERE qty = 'x'", "'x' cannot be compared with column 'qty' of type i32.")]
    [InlineData("DELETE FROM nowhere", "Unknown table 'nowhere'.")]
    [InlineData("DELETE FROM item x WHERE item.qty = 1", "Unknown table or alias 'item' in 'item.qty'.")]
    public void Bad_updates_and_deletes_are_refused_and_change_nothing(string sql, string message)
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01)");
        TestDatabase.AssertMessage(message, Error(() => _db.Execute(sql)));
        Assert.Equal(["(1, \"a\", 1)"], Items());
    }

    [Fact]
    public void Delete_removes_the_matching_rows_and_counts_them()
    {
        _db.Execute("INSERT INTO item VALUES (1, 'a', 1, NULL, 0x01), (2, 'b', -2, 'n', 0x01), (3, 'c', 3, NULL, 0x02)");
        Assert.Equal(0UL, _db.Execute("DELETE FROM item WHERE qty > 100").RowsDeleted);
        Assert.Equal(1UL, _db.Execute("DELETE FROM item WHERE qty < 0").RowsDeleted);
        Assert.Equal(["(1, \"a\", 1)", "(3, \"c\", 3)"], Items());
        Assert.Equal(1UL, _db.Execute("DELETE FROM item it WHERE it.owner = 0x02 OR it.note != NULL").RowsDeleted);
        Assert.Equal(["(1, \"a\", 1)"], Items());
        Assert.Equal(1UL, _db.Execute("DELETE FROM item").RowsDeleted);
        Assert.Empty(Items());
    }

    [Fact]
    public void Delete_as_the_sender_removes_only_the_callers_rows()
    {
        var other = new Identity(5UL);
        _db.Execute($"INSERT INTO item VALUES (1, 'mine', 1, NULL, 0x{Owner.ToHexString()}), (2, 'theirs', 1, NULL, 0x{other.ToHexString()})");
        Assert.Equal(1UL, _db.Execute("DELETE FROM item WHERE owner = :sender").RowsDeleted);
        Assert.Equal(["(2, \"theirs\", 1)"], Items());
    }

    [Fact]
    public void Dml_inside_a_transaction_sees_the_transactions_earlier_writes()
    {
        using var tx = _db.Store.BeginTransaction();
        SqlExecutor.Execute(SqlParser.ParseStatement("INSERT INTO plain VALUES (1, 'a'), (2, 'b')"), _db.Catalog, tx, Owner, isOwner: true);
        var deleted = SqlExecutor.Execute(SqlParser.ParseStatement("DELETE FROM plain WHERE a = 1"), _db.Catalog, tx, Owner, isOwner: true);
        Assert.Equal(1UL, deleted.RowsDeleted);
        var select = (SelectStatement)SqlParser.ParseStatement("SELECT * FROM plain");
        Assert.Equal(["(2, \"b\")"], SqlExecutor.Query(select, _db.Catalog, tx, Owner, isOwner: true).Rows.Select(r => r.ToString()));
        Assert.Empty(SqlExecutor.Query(select, _db.Catalog, _db.Store.Committed, Owner, isOwner: true).Rows);
        tx.Commit();
        Assert.Equal(["(2, \"b\")"], _db.Rows("SELECT * FROM plain"));
        Assert.Single(_db.Store.Committed.ReadAll(_plain));
        Assert.Empty(_db.Store.Committed.ReadAll(_item));
    }
}
