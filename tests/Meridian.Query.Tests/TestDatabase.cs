using System.Globalization;
using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests;

/// <summary>
/// An in-memory datastore plus the SQL catalog over its tables, with shortcuts for what query tests
/// do: create tables, insert rows, run SELECTs and DML, bind and explain.
/// </summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly List<SqlTable> _tables = [];

    public Datastore Store { get; } = Datastore.CreateInMemory();

    public SqlCatalog Catalog => new(_tables);

    /// <summary>The identity queries run as unless told otherwise (the owner in most tests).</summary>
    public static Identity Owner { get; } = new(new Sats.Numerics.UInt256(0, 0xA11CE));

    public void Dispose() => Store.Dispose();

    /// <summary>Creates a table; column names come from the row type unless <paramref name="columnAccessors"/> adds source names.</summary>
    public TableId Create(TableSchema schema, string? accessor = null, IReadOnlyList<string?>? columnAccessors = null)
    {
        TableId id;
        using (var tx = Store.BeginTransaction())
        {
            id = tx.CreateTable(schema);
            tx.Commit();
        }
        var stored = Store.Committed.GetTable(id);
        var names = stored.RowType.Elements.Select((e, i) => e.Name ?? $"col{i}").ToList();
        _tables.Add(new SqlTable(stored, stored.Name, accessor, names, columnAccessors ?? names.Select(_ => (string?)null).ToList()));
        return id;
    }

    /// <summary>Creates a table whose columns are the given (name, type) pairs.</summary>
    public TableId Create(string name, (string Name, AlgebraicType Type)[] columns, IReadOnlyList<IndexSchema>? indexes = null, int? primaryKey = null,
        IReadOnlyList<SequenceSchema>? sequences = null, TableAccess access = TableAccess.Public, Typespace? typespace = null) =>
        Create(new TableSchema(name, AlgebraicType.Product(columns.Select(c => ((string?)c.Name, c.Type)).ToArray()),
            indexes: indexes, primaryKey: primaryKey, sequences: sequences, access: access, typespace: typespace));

    public SqlTable Table(string name) => _tables.Single(t => t.Name == name);

    public void Insert(TableId table, params ProductValue[] rows)
    {
        using var tx = Store.BeginTransaction();
        foreach (var row in rows)
            tx.Insert(table, row);
        tx.Commit();
    }

    public SqlResult Query(string sql, Identity? sender = null, bool isOwner = true) =>
        SqlExecutor.Query((SelectStatement)SqlParser.ParseStatement(sql), Catalog, Store.Committed, sender ?? Owner, isOwner);

    /// <summary>The result's rows as text, in the order the executor produced them.</summary>
    public List<string> Rows(string sql, Identity? sender = null, bool isOwner = true) =>
        Query(sql, sender, isOwner).Rows.Select(r => r.ToString()).ToList();

    /// <summary>The result's rows as text, sorted (for results whose order is unspecified).</summary>
    public List<string> SortedRows(string sql, Identity? sender = null, bool isOwner = true)
    {
        var rows = Rows(sql, sender, isOwner);
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Runs a DML statement in its own transaction and commits it.</summary>
    public SqlResult Execute(string sql, Identity? sender = null, bool isOwner = true)
    {
        using var tx = Store.BeginTransaction();
        var result = SqlExecutor.Execute(SqlParser.ParseStatement(sql), Catalog, tx, sender ?? Owner, isOwner);
        tx.Commit();
        return result;
    }

    public string Explain(string sql, Identity? sender = null, bool isOwner = true) =>
        SqlExecutor.Explain((SelectStatement)SqlParser.ParseStatement(sql), Catalog, sender ?? Owner, isOwner);

    /// <summary>Only the physical steps of <see cref="Explain"/>, one a line.</summary>
    public string[] Steps(string sql) => Explain(sql).Split("\n--\n")[1].Split('\n');

    public LogicalPlan Bind(string sql, Identity? sender = null, bool isOwner = true) =>
        Binder.BindSelect((SelectStatement)SqlParser.ParseStatement(sql), Catalog, sender ?? Owner, isOwner);

    public QueryBlock Block(string sql, Identity? sender = null) => QueryBlock.From(Bind(sql, sender));

    /// <summary>The message, allowing the position and "did you mean" the binder adds to unresolved names.</summary>
    internal static void AssertMessage(string expected, string actual)
    {
        var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(expected.TrimEnd('.')) + @"( at position \d+)?\.( Did you mean '[^']+'\?)?$";
        Assert.Matches(pattern, actual);
    }

    /// <summary>The message of the <see cref="SqlException"/> that <paramref name="action"/> throws.</summary>
    public static string Error(Action action) => Assert.Throws<SqlException>(action).Message;

    public static ProductValue Row(params object[] values) => AlgebraicValue.Product(values.Select(Value).ToArray());

    private static AlgebraicValue Value(object v) => v switch
    {
        AlgebraicValue a => a,
        bool b => AlgebraicValue.Bool(b),
        sbyte x => AlgebraicValue.I8(x),
        byte x => AlgebraicValue.U8(x),
        short x => AlgebraicValue.I16(x),
        ushort x => AlgebraicValue.U16(x),
        int x => AlgebraicValue.I32(x),
        uint x => AlgebraicValue.U32(x),
        long x => AlgebraicValue.I64(x),
        ulong x => AlgebraicValue.U64(x),
        float x => AlgebraicValue.F32(x),
        double x => AlgebraicValue.F64(x),
        string s => AlgebraicValue.String(s),
        Identity i => i.ToValue(),
        Timestamp t => t.ToValue(),
        _ => throw new ArgumentException($"No SATS value for {v.GetType()}.", nameof(v)),
    };

    /// <summary>The seed of a randomised test: <c>MERIDIAN_TEST_SEED</c> when set, else a fresh one.</summary>
    public static int Seed() =>
        Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
}
