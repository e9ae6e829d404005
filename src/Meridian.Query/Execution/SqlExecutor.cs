using Meridian.Query.Catalog;
using Meridian.Query.Planning;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Query.Execution;

/// <summary>Runs ad-hoc SQL (sql-and-subscriptions.md §3) against committed state or inside a transaction.</summary>
public static class SqlExecutor
{
    /// <summary>Whether a statement writes (INSERT, UPDATE, DELETE) and so needs a transaction and the owner.</summary>
    public static bool IsDml(SqlStatement statement) => statement is InsertStatement or UpdateStatement or DeleteStatement;

    /// <summary>Runs a SELECT.</summary>
    public static SqlResult Query(SelectStatement select, ISqlCatalog catalog, StateReader state, Identity sender, bool isOwner)
    {
        if (select.Joins.Count > 0)
            return QueryJoin(select, catalog, state, sender, isOwner);
        var table = Binder.ResolveTable(catalog, select.From.Name, isOwner);
        var binder = new Binder(table, select.From, sender);
        var filter = select.Where is null ? null : binder.Predicate(select.Where);
        var limit = select.Limit ?? ulong.MaxValue;

        var matches = new List<ProductValue>();
        if (limit > 0)
        {
            var cursor = state.Scan(table.Schema.Id);
            while (cursor.MoveNext())
            {
                var row = cursor.CurrentValue;
                if (filter is null || filter.Matches(row))
                {
                    matches.Add(row);
                    if ((ulong)matches.Count >= limit && select.Projection is not SqlProjection.Count)
                        break;
                }
            }
        }

        switch (select.Projection)
        {
            case SqlProjection.Star star:
                if (star.Table is { } q && q != select.From.EffectiveAlias && q != select.From.Name)
                    throw new SqlException($"Unknown table or alias '{q}' in '{q}.*'.");
                return new SqlResult(RowType(table), table.Schema.Typespace, matches);
            case SqlProjection.Count count:
                return new SqlResult(AlgebraicType.Product((count.Alias, AlgebraicType.U64)), Typespace.Empty,
                    [AlgebraicValue.Product(AlgebraicValue.U64((ulong)matches.Count))]);
            case SqlProjection.Columns columns:
            {
                var indexes = columns.Items.Select(c => binder.Column(c.Column)).ToArray();
                var schema = new ProductType(columns.Items.Select((c, i) => new ProductTypeElement(c.Alias ?? table.ColumnNames[indexes[i]], table.Schema.RowType.Elements[indexes[i]].Type)));
                var rows = matches.Select(r => AlgebraicValue.Product(indexes.Select(i => r[i]).ToArray())).ToList();
                return new SqlResult(schema, table.Schema.Typespace, rows);
            }
            default:
                throw new SqlException("Unsupported projection.");
        }
    }

    // Inner joins, nested loops: each table's rows are appended to the combined row and a join's
    // conditions are tested as soon as every column they read is present.
    private static SqlResult QueryJoin(SelectStatement select, ISqlCatalog catalog, StateReader state, Identity sender, bool isOwner)
    {
        var sources = new List<(TableRef Ref, SqlTable Table)> { (select.From, Binder.ResolveTable(catalog, select.From.Name, isOwner)) };
        foreach (var j in select.Joins)
            sources.Add((j.Table, Binder.ResolveTable(catalog, j.Table.Name, isOwner)));
        var aliases = sources.Select(s => s.Ref.EffectiveAlias).ToList();
        if (aliases.Distinct(StringComparer.Ordinal).Count() != aliases.Count)
            throw new SqlException("Each table of a join needs a distinct name: give repeated tables an alias.");
        var binder = new Binder(sources, sender);
        var conditions = select.Joins.Where(j => j.On is not null).Select(j => binder.Predicate(j.On!)).ToList();
        if (select.Where is not null)
            conditions.Add(binder.Predicate(select.Where));

        // Columns present after k tables, and the conditions that can be tested at that point.
        var widths = new List<int>();
        var total = 0;
        foreach (var (_, table) in sources)
            widths.Add(total += table.Schema.RowType.Elements.Count);
        var testAt = widths.Select((w, k) => conditions.Where(c => c.MaxColumn < w && (k == 0 || c.MaxColumn >= widths[k - 1])).ToList()).ToList();

        var tables = sources.Select(s => Rows(state, s.Table)).ToList();
        var limit = select.Limit ?? ulong.MaxValue;
        var matches = new List<AlgebraicValue[]>();
        var current = new AlgebraicValue[total];
        void Extend(int k)
        {
            if ((ulong)matches.Count >= limit && select.Projection is not SqlProjection.Count)
                return;
            if (k == sources.Count)
            {
                matches.Add((AlgebraicValue[])current.Clone());
                return;
            }
            var start = k == 0 ? 0 : widths[k - 1];
            foreach (var row in tables[k])
            {
                for (var c = 0; c < row.Count; c++)
                    current[start + c] = row[c];
                var partial = AlgebraicValue.Product(current[..widths[k]]);
                if (testAt[k].All(p => p.Matches(partial)))
                    Extend(k + 1);
            }
        }
        if (limit > 0)
            Extend(0);

        switch (select.Projection)
        {
            case SqlProjection.Count count:
                return new SqlResult(AlgebraicType.Product((count.Alias, AlgebraicType.U64)), Typespace.Empty,
                    [AlgebraicValue.Product(AlgebraicValue.U64((ulong)matches.Count))]);
            case SqlProjection.Star { Table: null }:
                throw new SqlException("With joins, select one table's rows (SELECT t.*) or name the columns.");
            case SqlProjection.Star { Table: { } qualifier }:
            {
                var (table, offset) = binder.Source(qualifier);
                var width = table.Schema.RowType.Elements.Count;
                return new SqlResult(RowType(table), table.Schema.Typespace,
                    matches.Select(m => AlgebraicValue.Product(m[offset..(offset + width)])).ToList());
            }
            case SqlProjection.Columns columns:
            {
                var items = columns.Items.Select(c =>
                {
                    var index = binder.Column(c.Column);
                    var (table, offset) = binder.Source(c.Column.Table!);
                    return (Index: index, Name: c.Alias ?? c.Column.Name, Type: table.Schema.RowType.Elements[index - offset].Type, table.Schema.Typespace);
                }).ToList();
                if (items.Select(i => i.Typespace).Distinct().Count() > 1 && items.Any(i => i.Type is RefType))
                    throw new SqlException("Columns of user-defined types from different tables cannot be selected together yet.");
                var schema = new ProductType(items.Select(i => new ProductTypeElement(i.Name, i.Type)));
                return new SqlResult(schema, items.FirstOrDefault().Typespace ?? Typespace.Empty,
                    matches.Select(m => AlgebraicValue.Product(items.Select(i => m[i.Index]).ToArray())).ToList());
            }
            default:
                throw new SqlException("Unsupported projection.");
        }
    }

    private static List<ProductValue> Rows(StateReader state, SqlTable table)
    {
        var rows = new List<ProductValue>();
        var cursor = state.Scan(table.Schema.Id);
        while (cursor.MoveNext())
            rows.Add(cursor.CurrentValue);
        return rows;
    }

    /// <summary>Runs an INSERT, UPDATE or DELETE inside <paramref name="tx"/> (the caller commits).</summary>
    public static SqlResult Execute(SqlStatement statement, ISqlCatalog catalog, Transaction tx, Identity sender, bool isOwner)
    {
        if (!isOwner)
            throw new SqlException($"Caller {sender} is not authorized to run SQL DML statements.");
        switch (statement)
        {
            case InsertStatement insert:
                return Insert(insert, catalog, tx, sender);
            case DeleteStatement delete:
            {
                var table = Binder.ResolveTable(catalog, delete.Table.Name, isOwner);
                var filter = delete.Where is null ? null : new Binder(table, delete.Table, sender).Predicate(delete.Where);
                ulong deleted = 0;
                foreach (var row in Matching(tx, table, filter))
                {
                    if (tx.Delete(table.Schema.Id, row))
                        deleted++;
                }
                return SqlResult.Empty(deleted: deleted);
            }
            case UpdateStatement update:
            {
                var table = Binder.ResolveTable(catalog, update.Table.Name, isOwner);
                var binder = new Binder(table, update.Table, sender);
                var filter = update.Where is null ? null : binder.Predicate(update.Where);
                var assignments = update.Assignments.Select(a =>
                {
                    var index = binder.Column(new SqlExpr.Column(null, a.Column));
                    return (index, Literals.Convert(a.Value, table.Schema.ColumnTypes[index], table.Schema.Typespace, sender, $"column '{a.Column}'"));
                }).ToList();
                // Every row is matched before any is changed, so an update cannot see its own writes.
                var targets = Matching(tx, table, filter).ToList();
                foreach (var old in targets)
                    tx.Delete(table.Schema.Id, old);
                foreach (var old in targets)
                {
                    var values = old.Elements.ToArray();
                    foreach (var (index, value) in assignments)
                        values[index] = value;
                    tx.Insert(table.Schema.Id, AlgebraicValue.Product(values));
                }
                return SqlResult.Empty(updated: (ulong)targets.Count);
            }
            default:
                throw new SqlException("Only INSERT, UPDATE and DELETE change data.");
        }
    }

    private static SqlResult Insert(InsertStatement insert, ISqlCatalog catalog, Transaction tx, Identity sender)
    {
        var table = Binder.ResolveTable(catalog, insert.Table, isOwner: true);
        var columnCount = table.Schema.RowType.Elements.Count;
        int[] positions;
        if (insert.Columns is null)
        {
            positions = Enumerable.Range(0, columnCount).ToArray();
        }
        else
        {
            positions = insert.Columns.Select(c =>
            {
                var i = table.ColumnIndex(c);
                return i >= 0 ? i : throw new SqlException($"Unknown column '{c}' in table '{table.Name}'.");
            }).ToArray();
            if (positions.Distinct().Count() != positions.Length)
                throw new SqlException("A column is named twice in the INSERT column list.");
        }
        var autoInc = table.Schema.Sequences.Select(s => s.Column).ToHashSet();
        for (var c = 0; c < columnCount; c++)
        {
            if (!positions.Contains(c) && !autoInc.Contains(c))
                throw new SqlException($"INSERT into '{table.Name}' must give a value for column '{table.ColumnNames[c]}'.");
        }
        ulong inserted = 0;
        foreach (var row in insert.Rows)
        {
            if (row.Count != positions.Length)
                throw new SqlException($"INSERT row has {row.Count} value(s) but {positions.Length} column(s) were named.");
            var values = new AlgebraicValue[columnCount];
            for (var i = 0; i < positions.Length; i++)
            {
                var p = positions[i];
                values[p] = Literals.Convert(row[i], table.Schema.ColumnTypes[p], table.Schema.Typespace, sender, $"column '{table.ColumnNames[p]}'");
            }
            for (var c = 0; c < columnCount; c++)
                values[c] ??= ZeroOf(table.Schema.ColumnTypes[c]);
            tx.Insert(table.Schema.Id, AlgebraicValue.Product(values));
            inserted++;
        }
        return SqlResult.Empty(inserted: inserted);
    }

    private static AlgebraicValue ZeroOf(AlgebraicType type) => type.Tag switch
    {
        AlgebraicTypeTag.I8 => AlgebraicValue.I8(0),
        AlgebraicTypeTag.U8 => AlgebraicValue.U8(0),
        AlgebraicTypeTag.I16 => AlgebraicValue.I16(0),
        AlgebraicTypeTag.U16 => AlgebraicValue.U16(0),
        AlgebraicTypeTag.I32 => AlgebraicValue.I32(0),
        AlgebraicTypeTag.U32 => AlgebraicValue.U32(0),
        AlgebraicTypeTag.I64 => AlgebraicValue.I64(0),
        AlgebraicTypeTag.U64 => AlgebraicValue.U64(0),
        AlgebraicTypeTag.I128 => AlgebraicValue.I128(0),
        AlgebraicTypeTag.U128 => AlgebraicValue.U128(0),
        AlgebraicTypeTag.I256 => AlgebraicValue.I256(0L),
        AlgebraicTypeTag.U256 => AlgebraicValue.U256(0UL),
        _ => throw new SqlException($"No default value for a column of type {type}."),
    };

    private static IEnumerable<ProductValue> Matching(StateReader state, SqlTable table, RowPredicate? filter)
    {
        var cursor = state.Scan(table.Schema.Id);
        while (cursor.MoveNext())
        {
            var row = cursor.CurrentValue;
            if (filter is null || filter.Matches(row))
                yield return row;
        }
    }

    /// <summary>The row type with canonical column names.</summary>
    public static ProductType RowType(SqlTable table) =>
        new(table.Schema.RowType.Elements.Select((e, i) => new ProductTypeElement(table.ColumnNames[i], e.Type)));
}
