using Meridian.Query.Catalog;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Query.Execution;

/// <summary>
/// Runs ad-hoc SQL (sql-and-subscriptions.md §3) against committed state or inside a transaction.
/// A SELECT is bound into a logical plan and run through the same planner and executor as live
/// queries; UPDATE and DELETE find their rows the same way.
/// </summary>
public static class SqlExecutor
{
    /// <summary>
    /// Runs a SELECT. A source that is a view (<see cref="SqlTable.IsView"/>) reads its rows from <paramref name="views"/>,
    /// by the view's canonical name.
    /// </summary>
    /// <exception cref="SqlException">The query is invalid or names something the caller may not read.</exception>
    public static SqlResult Query(SelectStatement select, ISqlCatalog catalog, StateReader state, Identity sender, bool isOwner, ulong? rowLimit = null,
        VisibilityRules? visibility = null, IReadOnlyDictionary<string, StateReader>? views = null)
    {
        var block = QueryBlock.From(Binder.BindSelect(select, catalog, sender, isOwner));
        var plan = Planner.PlanFull(block);
        var states = block.Sources.Select(s => s.Table.IsView ? ViewState(s.Table.Name, views) : state).ToArray();
        if (rowLimit is { } limit && plan.EstimateRows(states) is var estimate && estimate > limit)
            throw RowLimitExceeded(estimate, limit);
        // A non-owner reads tables with visibility rules through them.
        RowFilter?[]? visible = null;
        if (!isOwner && visibility is { Any: true })
        {
            visible = visibility.FiltersFor(block.Sources, catalog, sender)
                .Select(f => f is null ? null : VisibilityFilter.Filter(f.VisibleAt(state))).ToArray();
        }
        return block.Projection switch
        {
            Projection.Aggregate aggregate => Aggregate(block, aggregate, plan, states, visible),
            Projection.Rows rows => new SqlResult(RowType(rows.Source.Table), rows.Source.Table.Schema.Typespace,
                Tuples(block, plan, states, rows.Source.Number, visible).Select(t => Decode(rows.Source, t)).ToList()),
            Projection.Columns columns => new SqlResult(
                new ProductType(columns.Items.Select(i => new ProductTypeElement(i.Name, i.Type))),
                ResultTypespace(columns),
                Tuples(block, plan, states, columns.Items.Count > 0 ? columns.Items[0].Ref.Source : 0, visible)
                    .Select(t => Project(block, columns, t))
                    .ToList()),
            _ => throw new SqlException("Unsupported projection."),
        };
    }

    private static StateReader ViewState(string view, IReadOnlyDictionary<string, StateReader>? views) =>
        views is not null && views.TryGetValue(view, out var state)
            ? state
            : throw new InvalidOperationException($"The query reads view '{view}', but no rows of it were given.");

    // The matching tuples in the query's order, after OFFSET and LIMIT (copied: the plan reuses its tuple).
    private static List<ReadOnlyMemory<byte>[]> Tuples(QueryBlock block, PhysicalPlan plan, StateReader[] states, int returned, RowFilter?[]? visible)
    {
        var skip = block.Offset;
        var take = block.Limit ?? ulong.MaxValue;
        var tuples = new List<ReadOnlyMemory<byte>[]>();
        if (take == 0)
            return tuples;
        if (block.Order.Count == 0)
        {
            // Unordered: stop as soon as the window is full.
            plan.Run(states, null, (tuple, _) =>
            {
                if (skip > 0)
                {
                    skip--;
                    return true;
                }
                tuples.Add((ReadOnlyMemory<byte>[])tuple.Clone());
                return (ulong)tuples.Count < take;
            }, visible);
            return tuples;
        }
        plan.Run(states, null, (tuple, _) =>
        {
            tuples.Add((ReadOnlyMemory<byte>[])tuple.Clone());
            return true;
        }, visible);
        tuples.Sort(new TupleOrder(block, returned));
        var from = (int)Math.Min(skip, (ulong)tuples.Count);
        var count = (int)Math.Min(take, (ulong)(tuples.Count - from));
        return tuples.GetRange(from, count);
    }

    // The binder saw to it that every column holding type references uses one typespace: the result's.
    private static Typespace ResultTypespace(Projection.Columns columns)
    {
        var items = columns.Items;
        return (items.FirstOrDefault(i => i.HasReferences) ?? (items.Count > 0 ? items[0] : null))?.Typespace ?? Typespace.Empty;
    }

    private static ProductValue Decode(PlanSource source, ReadOnlyMemory<byte>[] tuple) =>
        (ProductValue)AlgebraicValue.FromBsatn(tuple[source.Number].Span, source.Table.Schema.RowType, source.Table.Schema.Typespace);

    private static ProductValue Project(QueryBlock block, Projection.Columns columns, ReadOnlyMemory<byte>[] tuple)
    {
        var values = new AlgebraicValue[columns.Items.Count];
        for (var i = 0; i < columns.Items.Count; i++)
        {
            var item = columns.Items[i];
            var layout = block.Sources[item.Ref.Source].Table.Layout;
            values[i] = AlgebraicValue.FromBsatn(layout.Column(tuple[item.Ref.Source].Span, item.Ref.Column), item.Type, item.Typespace);
        }
        return AlgebraicValue.Product(values);
    }

    private static SqlResult Aggregate(QueryBlock block, Projection.Aggregate spec, PhysicalPlan plan, StateReader[] states, RowFilter?[]? visible)
    {
        var aggregator = new Aggregator(block, spec);
        plan.Run(states, null, (tuple, sign) =>
        {
            aggregator.Add(tuple, sign);
            return true;
        }, visible);
        var rows = aggregator.Rows();
        if (block.Order.Count > 0)
            rows.Sort(new OutputOrder(block.Order));
        var from = (int)Math.Min(block.Offset, (ulong)rows.Count);
        var count = (int)Math.Min(block.Limit ?? ulong.MaxValue, (ulong)(rows.Count - from));
        var typespace = spec.Items.FirstOrDefault(i => i is OutputItem.GroupColumn || i is OutputItem.Call { Argument: not null })?.Typespace
            ?? Typespace.Empty;
        return new SqlResult(spec.RowType, typespace, rows.GetRange(from, count));
    }

    /// <summary>The error for a query whose estimated size is over the database's <c>row_limit</c>.</summary>
    public static SqlException RowLimitExceeded(double estimate, ulong limit) =>
        new($"The query would scan about {estimate:0} rows, over this database's row_limit of {limit}: narrow it with conditions on indexed columns.");

    /// <summary>How a SELECT would run: its logical plan and the steps the planner chose.</summary>
    /// <exception cref="SqlException">The query is invalid or names something the caller may not read.</exception>
    public static string Explain(SelectStatement select, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var logical = Binder.BindSelect(select, catalog, sender, isOwner);
        return logical.Describe() + "\n--\n" + Planner.PlanFull(QueryBlock.From(logical)).Explain();
    }

    // The rows of one table that satisfy a WHERE, copied (the caller changes the table next).
    private static List<byte[]> Matching(Transaction tx, SqlTable table, TableRef reference, SqlExpr? where, Identity sender)
    {
        var binder = new Binder(table, reference, sender);
        var source = binder.Sources.First();
        LogicalPlan plan = new LogicalPlan.Scan(source);
        if (where is not null)
            plan = new LogicalPlan.Filter(plan, binder.Predicate(where));
        plan = new LogicalPlan.Project(plan, new Projection.Rows(source));
        var rows = new List<byte[]>();
        Planner.PlanFull(QueryBlock.From(plan)).Run([tx], null, (tuple, _) =>
        {
            rows.Add(tuple[0].ToArray());
            return true;
        });
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
                var table = Binder.ResolveTable(catalog, delete.Table.Name, isOwner, delete.Table.Position);
                ulong deleted = 0;
                foreach (var row in Matching(tx, table, delete.Table, delete.Where, sender))
                {
                    if (tx.Delete(table.Schema.Id, row))
                        deleted++;
                }
                return SqlResult.Empty(deleted: deleted);
            }
            case UpdateStatement update:
            {
                var table = Binder.ResolveTable(catalog, update.Table.Name, isOwner, update.Table.Position);
                var binder = new Binder(table, update.Table, sender);
                var assignments = update.Assignments.Select(a =>
                {
                    // A qualifier must name the updated table (or its alias): the binder refuses any other.
                    var index = binder.Column(a.Column).Column;
                    return (index, binder.Value(a.Value, index, $"column '{a.Column.Name}'"));
                }).ToList();
                // Every row is matched before any is changed, so an update cannot see its own writes.
                var targets = Matching(tx, table, update.Table, update.Where, sender);
                foreach (var old in targets)
                    tx.Delete(table.Schema.Id, old);
                foreach (var old in targets)
                {
                    var values = ((ProductValue)AlgebraicValue.FromBsatn(old, table.Schema.RowType, table.Schema.Typespace)).Elements.ToArray();
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

    /// <summary>The row type with canonical column names.</summary>
    public static ProductType RowType(SqlTable table) =>
        new(table.Schema.RowType.Elements.Select((e, i) => new ProductTypeElement(table.ColumnNames[i], e.Type)));
}
