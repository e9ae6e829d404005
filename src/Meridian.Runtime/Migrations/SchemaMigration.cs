using System.Globalization;
using Meridian.Runtime.Modules;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Migrations;

/// <summary>
/// Compares the stored tables (and the current module, when there is one) with a new module and
/// plans the migration: which tables are created, altered in place (added columns filled from
/// <c>[Default]</c>, indexes, constraints, sequences, access, widened types), removed when empty,
/// and which changes are refused and why. The rules follow upstream's automatic migrations
/// (storage-and-durability.md §9) and are listed in docs/modules.md.
/// </summary>
internal static class SchemaMigration
{
    private const string DeleteDataHint = "publish with --delete-data to start over, or declare a manual migration ([Migration]) that moves the data";

    /// <summary>
    /// Plans the move from the tables in <paramref name="stored"/> (owned by <paramref name="current"/>,
    /// when the database has a module) to <paramref name="next"/>.
    /// </summary>
    /// <param name="stored">The committed tables.</param>
    /// <param name="current">The running module's schema, or null at open.</param>
    /// <param name="next">The new module's schema.</param>
    /// <param name="sameCode">True when the new module is byte for byte the running one (its views compute the same rows).</param>
    public static MigrationPlan Plan(StateReader stored, ModuleSchema? current, ModuleSchema next, bool sameCode = false)
    {
        var steps = new List<MigrationStep>();
        var work = new MigrationWork(next.Tables.Count);
        foreach (var table in next.Tables)
        {
            if (!stored.TryGetTable(table.Name, out var schema))
            {
                steps.Add(new MigrationStep(MigrationStepKind.AddTable, table.Name, $"Add table '{table.Name}'", "none (the table starts empty)",
                    "none (clients that do not know the table never see it)"));
                work.Create.Add(table);
                continue;
            }
            work.Existing[table.ModuleIndex] = schema.Id;
            var migration = next.Migrations.FirstOrDefault(m => m.IsFor(schema.Name, table.AccessorName));
            var fit = migration is null ? null : MigrationFit(schema, migration, next);
            if (migration is not null && fit is null && !SameRowType(schema, table.Schema))
            {
                var rows = stored.Count(schema.Id);
                steps.Add(new MigrationStep(MigrationStepKind.ManualMigration, table.Name,
                    $"Rewrite table '{table.Name}' with the module's migration {migration.Reducer.SourceName}: the table takes the new definition "
                        + $"with no rows, then {migration.Reducer.SourceName} runs once per old row ({rows}) and writes the new rows",
                    $"the {rows} old row(s) are replaced by what the migration writes",
                    $"subscriptions that read '{table.Name}' end with an error and must subscribe again (its rows change shape); connections stay open"));
                work.Manual.Add(new ManualMigrationWork(schema.Id, table, migration.Reducer));
                work.Changed.Add(schema.Id);
                work.RowsChanged.Add(schema.Id);
                continue;
            }
            var before = steps.Count;
            var rewrite = PlanTable(schema, table, next, steps);
            if (fit is not null && steps.Skip(before).Any(s => !s.Automatic))
                steps.Add(MismatchedMigration(table.Name, migration!, fit));
            var changed = steps.Count > before || !SameDefinition(schema, table.Schema);
            if (changed && steps.Count == before)
            {
                steps.Add(new MigrationStep(MigrationStepKind.ChangeNames, table.Name,
                    $"Rename or reorder indexes or constraints of table '{table.Name}'", "none", "none"));
            }
            if (changed)
            {
                work.Alter[table.ModuleIndex] = new TableAlteration(schema.Id, table.Schema, rewrite);
                work.Changed.Add(schema.Id);
                if (rewrite is not null)
                    work.RowsChanged.Add(schema.Id);
            }
        }
        var kept = new HashSet<string>(next.Tables.Select(t => t.Name), StringComparer.Ordinal);
        foreach (var old in stored.Tables)
        {
            if (kept.Contains(old.Name) || (current is not null && !current.Tables.Any(t => t.Name == old.Name)))
                continue;
            var rows = stored.Count(old.Id);
            var migration = next.Migrations.FirstOrDefault(m => m.IsFor(old.Name, null));
            var fit = migration is null ? null : MigrationFit(old, migration, next);
            if (migration is not null && fit is null)
            {
                steps.Add(new MigrationStep(MigrationStepKind.ManualMigration, old.Name,
                    $"Remove table '{old.Name}' after its module migration {migration.Reducer.SourceName} ran once per row ({rows}) "
                        + "to move the data elsewhere",
                    $"the {rows} row(s) are passed to the migration, then the table is dropped",
                    "every client is disconnected: their generated bindings still name the table", BreaksClients: true));
                work.Manual.Add(new ManualMigrationWork(old.Id, null, migration.Reducer));
                work.RowsChanged.Add(old.Id);
                continue;
            }
            if (fit is not null && rows > 0)
                steps.Add(MismatchedMigration(old.Name, migration!, fit));
            if (rows == 0)
            {
                steps.Add(new MigrationStep(MigrationStepKind.RemoveEmptyTable, old.Name, $"Remove table '{old.Name}' (it is empty)",
                    "none (the table is empty)",
                    "every client is disconnected: their generated bindings still name the table", BreaksClients: true));
                work.Drop.Add(old.Id);
                work.RowsChanged.Add(old.Id);
            }
            else
            {
                steps.Add(new MigrationStep(MigrationStepKind.RemoveTable, old.Name,
                    $"Remove table '{old.Name}': refused, it holds {rows} row(s) that would be deleted; {DeleteDataHint}",
                    $"would delete {rows} row(s)", "would disconnect every client", Automatic: false));
            }
        }
        if (current is not null)
        {
            PlanFunctions(current, next, steps);
            PlanProcedures(current, next, steps);
            PlanViews(current, next, sameCode, steps);
        }
        return new MigrationPlan(steps, work);
    }

    // Columns, indexes, constraints, sequences, key, access and flags of one table; returns how to rewrite rows (added columns) or null.
    private static Func<ReadOnlyMemory<byte>, byte[]>? PlanTable(TableSchema stored, ModuleTable table, ModuleSchema next, List<MigrationStep> steps)
    {
        var name = table.Name;
        var wanted = table.Schema;
        var oldCols = stored.RowType.Elements;
        var newCols = wanted.RowType.Elements;
        var oldNames = oldCols.Select((e, i) => e.Name ?? $"col_{i}").ToList();
        var newNames = newCols.Select((e, i) => e.Name ?? $"col_{i}").ToList();
        Func<ReadOnlyMemory<byte>, byte[]>? rewrite = null;

        if (stored.IsEvent != wanted.IsEvent)
        {
            steps.Add(new MigrationStep(MigrationStepKind.ChangeEventFlag, name,
                $"Make table '{name}' {(wanted.IsEvent ? "an event table" : "an ordinary table")}: refused, an event table keeps no rows; "
                    + "add a new table instead, or " + DeleteDataHint, "-", "-", Automatic: false));
        }

        var removed = oldNames.Except(newNames, StringComparer.Ordinal).ToList();
        var columnsOk = true;
        if (removed.Count > 0)
        {
            columnsOk = false;
            steps.Add(new MigrationStep(MigrationStepKind.RemoveColumns, name,
                $"Remove column(s) {Quote(removed)} from table '{name}': refused, their data would be lost; {DeleteDataHint}",
                "would delete the values of " + Quote(removed), "-", Automatic: false));
        }
        else if (!newNames.Take(oldNames.Count).SequenceEqual(oldNames, StringComparer.Ordinal))
        {
            columnsOk = false;
            steps.Add(new MigrationStep(MigrationStepKind.ReorderColumns, name,
                $"Reorder the columns of table '{name}' (from {Quote(oldNames)} to {Quote(newNames)}): refused, stored rows keep their column order; "
                    + "add new columns at the end, or " + DeleteDataHint, "-", "-", Automatic: false));
        }
        if (columnsOk)
        {
            for (var c = 0; c < oldCols.Count; c++)
            {
                var verdict = CompareTypes(oldCols[c].Type, stored.Typespace, newCols[c].Type, wanted.Typespace, 0);
                if (verdict.Error is { } error)
                {
                    columnsOk = false;
                    steps.Add(new MigrationStep(MigrationStepKind.ChangeColumnType, name,
                        $"Change the type of column '{oldNames[c]}' of table '{name}': refused, {error}; {DeleteDataHint}", "-", "-", Automatic: false));
                }
                else if (verdict.Widened)
                {
                    steps.Add(new MigrationStep(MigrationStepKind.WidenColumnType, name,
                        $"Widen the type of column '{oldNames[c]}' of table '{name}' (new variants at the end)",
                        "none (stored values stay valid)", "none (clients that do not know the new variants cannot read rows that use them)"));
                }
            }
            if (newCols.Count > oldCols.Count)
                rewrite = PlanAddedColumns(stored, table, next, oldCols.Count, newNames, steps);
        }

        PlanIndexes(stored, wanted, name, steps);

        if (stored.PrimaryKey != wanted.PrimaryKey)
        {
            var from = stored.PrimaryKey is int a ? $"'{oldNames[a]}'" : "none";
            var to = wanted.PrimaryKey is int b ? $"'{newNames[b]}'" : "none";
            steps.Add(new MigrationStep(MigrationStepKind.ChangePrimaryKey, name, $"Change the primary key of table '{name}' from {from} to {to}",
                "none", "none (clients that key their cache by the old primary key see updates as delete + insert)"));
        }
        if (stored.Access != wanted.Access)
        {
            steps.Add(wanted.Access == TableAccess.Public
                ? new MigrationStep(MigrationStepKind.ChangeAccess, name, $"Make table '{name}' public", "none", "none (any client may now subscribe to it)")
                : new MigrationStep(MigrationStepKind.ChangeAccess, name, $"Make table '{name}' private", "none",
                    "subscriptions of clients other than the owner that read the table end with an error; connections stay open"));
        }
        return rewrite;
    }

    private static Func<ReadOnlyMemory<byte>, byte[]>? PlanAddedColumns(
        TableSchema stored, ModuleTable table, ModuleSchema next, int firstAdded, List<string> newNames, List<MigrationStep> steps)
    {
        var name = table.Name;
        var wanted = table.Schema;
        var defaults = next.Raw.Tables is { } raw && table.ModuleIndex < raw.Count ? raw[table.ModuleIndex].DefaultValues : [];
        var tail = new BsatnWriter();
        var described = new List<string>();
        var missing = new List<string>();
        for (var c = firstAdded; c < wanted.ColumnCount; c++)
        {
            var value = defaults.FirstOrDefault(d => d.ColId == c);
            if (value is null)
            {
                missing.Add(newNames[c]);
                continue;
            }
            AlgebraicValue decoded;
            try
            {
                decoded = AlgebraicValue.FromBsatn(value.Value, wanted.ColumnTypes[c], wanted.Typespace);
            }
            catch (BsatnDecodeException e)
            {
                missing.Add($"{newNames[c]} (its default is not a value of its type: {e.Message})");
                continue;
            }
            tail.WriteRaw(value.Value);
            described.Add($"{newNames[c]} = {decoded}");
        }
        if (missing.Count > 0)
        {
            steps.Add(new MigrationStep(MigrationStepKind.AddColumnWithoutDefault, name,
                $"Add column(s) {Quote(missing)} to table '{name}' without a default: refused, existing rows need a value; "
                    + "mark each added column [Default(value)], or " + DeleteDataHint, "-", "-", Automatic: false));
            return null;
        }
        steps.Add(new MigrationStep(MigrationStepKind.AddColumns, name,
            $"Add column(s) {Quote(newNames.Skip(firstAdded))} at the end of table '{name}'",
            $"every existing row gets {string.Join(", ", described)}",
            $"subscriptions that read '{name}' end with an error and must subscribe again (their rows change shape); connections stay open"));
        var suffix = tail.ToArray();
        return row =>
        {
            var result = new byte[row.Length + suffix.Length];
            row.Span.CopyTo(result);
            suffix.CopyTo(result, row.Length);
            return result;
        };
    }

    private static void PlanIndexes(TableSchema stored, TableSchema wanted, string name, List<MigrationStep> steps)
    {
        string Cols(TableSchema s, IReadOnlyList<int> cols) => string.Join(", ", cols.Select(s.ColumnName));
        static string Shape(TableSchema s, IndexSchema i) => $"{i.Algorithm}({string.Join(",", i.Columns.Select(s.ColumnName))})";

        var oldIndexes = stored.Indexes.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var newIndexes = wanted.Indexes.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var (n, i) in oldIndexes)
        {
            if (!newIndexes.TryGetValue(n, out var j) || Shape(stored, i) != Shape(wanted, j))
                steps.Add(new MigrationStep(MigrationStepKind.RemoveIndex, name, $"Remove index '{n}' on ({Cols(stored, i.Columns)}) of table '{name}'", "none",
                    "none (queries that used it scan or use another index)"));
        }
        foreach (var (n, i) in newIndexes)
        {
            if (!oldIndexes.TryGetValue(n, out var j) || Shape(stored, j) != Shape(wanted, i))
                steps.Add(new MigrationStep(MigrationStepKind.AddIndex, name, $"Add {i.Algorithm.ToString().ToLowerInvariant()} index '{n}' on "
                    + $"({Cols(wanted, i.Columns)}) of table '{name}'", "none (the index is built from the rows)", "none"));
        }
        static string Key(TableSchema s, IReadOnlyList<int> cols) => string.Join(",", cols.Select(s.ColumnName));
        var oldUnique = stored.UniqueConstraints.Select(c => Key(stored, c.Columns)).ToHashSet(StringComparer.Ordinal);
        var newUnique = wanted.UniqueConstraints.Select(c => Key(wanted, c.Columns)).ToHashSet(StringComparer.Ordinal);
        foreach (var c in oldUnique.Except(newUnique))
            steps.Add(new MigrationStep(MigrationStepKind.RemoveUniqueConstraint, name, $"Remove the unique constraint on ({c}) of table '{name}'", "none",
                "none (a client's cache may now hold rows that share the value)"));
        foreach (var c in newUnique.Except(oldUnique))
            steps.Add(new MigrationStep(MigrationStepKind.AddUniqueConstraint, name, $"Add a unique constraint on ({c}) of table '{name}'",
                "none; the rows are checked, and a value held by two rows refuses the publish", "none"));

        static string Seq(SequenceSchema s) => $"{s.Start}/{s.Min}/{s.Max}/{s.Increment}";
        foreach (var s in stored.Sequences)
        {
            var same = wanted.Sequences.FirstOrDefault(t => stored.ColumnName(s.Column) == wanted.ColumnName(t.Column));
            if (same is null || Seq(same) != Seq(s))
                steps.Add(new MigrationStep(MigrationStepKind.RemoveSequence, name,
                    $"Remove the auto-increment sequence of column '{stored.ColumnName(s.Column)}' of table '{name}'", "none", "none"));
        }
        foreach (var s in wanted.Sequences)
        {
            var same = stored.Sequences.FirstOrDefault(t => stored.ColumnName(t.Column) == wanted.ColumnName(s.Column));
            if (same is null || Seq(same) != Seq(s))
                steps.Add(new MigrationStep(MigrationStepKind.AddSequence, name,
                    $"Add an auto-increment sequence to column '{wanted.ColumnName(s.Column)}' of table '{name}'",
                    "none; it continues after the largest value present", "none"));
        }
    }

    private static void PlanFunctions(ModuleSchema current, ModuleSchema next, List<MigrationStep> steps)
    {
        var oldSchedules = current.Schedules.ToDictionary(s => s.Table.Name, s => $"{s.FunctionName} at column {s.ScheduleAtColumn}", StringComparer.Ordinal);
        var newSchedules = next.Schedules.ToDictionary(s => s.Table.Name, s => $"{s.FunctionName} at column {s.ScheduleAtColumn}", StringComparer.Ordinal);
        foreach (var table in oldSchedules.Keys.Union(newSchedules.Keys).Order(StringComparer.Ordinal))
        {
            var had = oldSchedules.TryGetValue(table, out var a);
            var has = newSchedules.TryGetValue(table, out var b);
            if (had && has && a == b)
                continue;
            var what = !had ? $"Schedule table '{table}' (calls {newSchedules[table]})"
                : !has ? $"Stop scheduling table '{table}'"
                : $"Change the schedule of table '{table}' (now calls {b})";
            steps.Add(new MigrationStep(MigrationStepKind.ChangeSchedule, table, what,
                has ? "none; rows already in the table are scheduled" : "none; its rows stay but no longer call a reducer", "none"));
        }
        // A migration's reducer is private and runs only during a migration: the ManualMigration step covers it.
        var oldReducers = current.Reducers.Where(r => !current.Migrations.Any(m => m.Reducer == r)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var newReducers = next.Reducers.Where(r => !next.Migrations.Any(m => m.Reducer == r)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var r in newReducers.Values.Where(r => !oldReducers.ContainsKey(r.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.AddReducer, r.Name, $"Add reducer '{r.Name}'", "none", "none"));
        foreach (var r in oldReducers.Values.Where(r => !newReducers.ContainsKey(r.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.RemoveReducer, r.Name, $"Remove reducer '{r.Name}'", "none",
                "clients that still call it get an error (no such reducer)"));
        foreach (var r in newReducers.Values)
        {
            if (oldReducers.TryGetValue(r.Name, out var o)
                && CompareTypes(o.Params, current.Typespace, r.Params, next.Typespace, 0) is not { Error: null, Widened: false })
                steps.Add(new MigrationStep(MigrationStepKind.ChangeReducer, r.Name, $"Change the parameters of reducer '{r.Name}'", "none",
                    "clients that call it with the old parameters get an error"));
        }
        var oldFilters = (current.Raw.RowLevelSecurity ?? []).Select(f => f.Sql).Order(StringComparer.Ordinal).ToList();
        var newFilters = (next.Raw.RowLevelSecurity ?? []).Select(f => f.Sql).Order(StringComparer.Ordinal).ToList();
        if (!oldFilters.SequenceEqual(newFilters, StringComparer.Ordinal))
            steps.Add(new MigrationStep(MigrationStepKind.ChangeVisibilityFilters, "filters",
                $"Change the client visibility filters ({oldFilters.Count} before, {newFilters.Count} after)", "none",
                "every client is disconnected: rows they hold may no longer be visible to them", BreaksClients: true));
    }

    private static void PlanProcedures(ModuleSchema current, ModuleSchema next, List<MigrationStep> steps)
    {
        var before = current.Procedures.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var after = next.Procedures.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var p in next.Procedures.Where(p => !before.ContainsKey(p.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.AddProcedure, p.Name, $"Add procedure '{p.Name}'", "none", "none"));
        foreach (var p in current.Procedures.Where(p => !after.ContainsKey(p.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.RemoveProcedure, p.Name, $"Remove procedure '{p.Name}'", "none",
                "clients that still call it get an error (no such procedure); a call already running finishes with the old module"));
        foreach (var p in next.Procedures)
        {
            if (!before.TryGetValue(p.Name, out var o))
                continue;
            var sameParams = CompareTypes(o.Params, current.Typespace, p.Params, next.Typespace, 0) is { Error: null, Widened: false };
            var sameReturn = CompareTypes(o.ReturnType, current.Typespace, p.ReturnType, next.Typespace, 0) is { Error: null, Widened: false };
            if (!sameParams || !sameReturn)
            {
                var what = !sameParams && !sameReturn ? "parameters and return type" : !sameParams ? "parameters" : "return type";
                steps.Add(new MigrationStep(MigrationStepKind.ChangeProcedure, p.Name, $"Change the {what} of procedure '{p.Name}'", "none",
                    "clients that call it with the old parameters get an error; clients built for the old return type may not read the result"));
            }
        }
    }

    // Views hold no rows: every change is automatic. A view's rows come from module code, so a kept view is listed as
    // recomputed unless the module is the same one (its subscribers are sent the rows that differ).
    private static void PlanViews(ModuleSchema current, ModuleSchema next, bool sameCode, List<MigrationStep> steps)
    {
        var before = current.Views.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var after = next.Views.ToDictionary(v => v.Name, StringComparer.Ordinal);
        const string Moved = "subscriptions move to the new view and are sent the rows that differ; one that can no longer be maintained ends with an error";
        foreach (var v in next.Views.Where(v => !before.ContainsKey(v.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.AddView, v.Name, $"Add view '{v.Name}'", "none (a view holds no rows)", "none"));
        foreach (var v in current.Views.Where(v => !after.ContainsKey(v.Name)))
            steps.Add(new MigrationStep(MigrationStepKind.RemoveView, v.Name, $"Remove view '{v.Name}'", "none (a view holds no rows)",
                "subscriptions to it end with an error (the view is gone); connections stay open"));
        var recomputed = new List<string>();
        foreach (var v in next.Views)
        {
            if (!before.TryGetValue(v.Name, out var o))
                continue;
            var changes = new List<string>();
            if (CompareTypes(o.RowType, current.Typespace, v.RowType, next.Typespace, 0) is not { Error: null, Widened: false })
                changes.Add("its row type");
            if (o.IsAnonymous != v.IsAnonymous)
                changes.Add(v.IsAnonymous ? "it becomes the same for every caller" : "it becomes per caller");
            if (o.IsQuery != v.IsQuery)
                changes.Add(v.IsQuery ? "it now returns a query" : "it now returns rows");
            if (o.PrimaryKeyColumn != v.PrimaryKeyColumn)
                changes.Add("its primary key");
            if (changes.Count > 0)
                steps.Add(new MigrationStep(MigrationStepKind.ChangeView, v.Name, $"Change view '{v.Name}' ({string.Join(", ", changes)})",
                    "none (a view holds no rows)", Moved));
            else if (!sameCode)
                recomputed.Add(v.Name);
        }
        if (recomputed.Count > 0)
            steps.Add(new MigrationStep(MigrationStepKind.RecomputeViews, string.Join(", ", recomputed),
                $"Compute view(s) {Quote(recomputed)} with the new module's code", "none (a view holds no rows)",
                "subscriptions stay live and are sent the rows that differ under the new code"));
    }

    // Null when every stored row of `stored` is a valid old row for the migration; otherwise why not.
    private static string? MigrationFit(TableSchema stored, ModuleMigration migration, ModuleSchema next)
    {
        var verdict = CompareTypes(stored.RowType, stored.Typespace, migration.OldRowType, next.Typespace, 0);
        if (verdict.Error is null)
            return null;
        var storedColumns = string.Join(", ", stored.RowType.Elements.Select((e, i) => $"{e.Name ?? $"col_{i}"}: {Describe(e.Type, stored.Typespace)}"));
        return $"{verdict.Error} (the stored rows are ({storedColumns}))";
    }

    private static MigrationStep MismatchedMigration(string table, ModuleMigration migration, string why) =>
        new(MigrationStepKind.ManualMigration, table,
            $"The module's migration {migration.Reducer.SourceName} does not fit the stored rows of table '{table}': {why}; "
                + "declare its parameter with the stored columns, in order, with the same names and types",
            "-", "-", Automatic: false);

    private static string Describe(AlgebraicType type, Typespace ts) => Resolve(type, ts) switch
    {
        ProductType p => "(" + string.Join(", ", p.Elements.Select(e => $"{e.Name}: {Describe(e.Type, ts)}")) + ")",
        SumType sum => "enum " + string.Join(" | ", sum.Variants.Select(v => v.Name)),
        ArrayType a => Describe(a.ElementType, ts) + "[]",
        var t => t.ToString() ?? "?",
    };

    // True when the row types are identical (same columns, names and types).
    private static bool SameRowType(TableSchema a, TableSchema b) =>
        a.ColumnCount == b.ColumnCount && CompareTypes(a.RowType, a.Typespace, b.RowType, b.Typespace, 0) is { Error: null, Widened: false };

    private readonly record struct TypeVerdict(string? Error, bool Widened);

    // Whether a stored value of `old` is a valid value of `new` (identical, or a sum with variants appended at any depth).
    private static TypeVerdict CompareTypes(AlgebraicType old, Typespace oldTs, AlgebraicType @new, Typespace newTs, int depth)
    {
        if (depth > 64)
            return new TypeVerdict(null, false);
        old = Resolve(old, oldTs);
        @new = Resolve(@new, newTs);
        switch (old, @new)
        {
            case (ProductType a, ProductType b):
            {
                if (a.Elements.Count != b.Elements.Count)
                    return new TypeVerdict($"its type went from {a.Elements.Count} to {b.Elements.Count} field(s)", false);
                var widened = false;
                for (var i = 0; i < a.Elements.Count; i++)
                {
                    if (a.Elements[i].Name != b.Elements[i].Name)
                        return new TypeVerdict($"field '{a.Elements[i].Name}' was renamed to '{b.Elements[i].Name}'", false);
                    var inner = CompareTypes(a.Elements[i].Type, oldTs, b.Elements[i].Type, newTs, depth + 1);
                    if (inner.Error is not null)
                        return inner;
                    widened |= inner.Widened;
                }
                return new TypeVerdict(null, widened);
            }
            case (SumType a, SumType b):
            {
                if (b.Variants.Count < a.Variants.Count)
                    return new TypeVerdict($"its type lost variant(s) ({a.Variants.Count} before, {b.Variants.Count} after)", false);
                var widened = b.Variants.Count > a.Variants.Count;
                for (var i = 0; i < a.Variants.Count; i++)
                {
                    if (a.Variants[i].Name != b.Variants[i].Name)
                        return new TypeVerdict($"variant '{a.Variants[i].Name}' was renamed to '{b.Variants[i].Name}'", false);
                    var inner = CompareTypes(a.Variants[i].Type, oldTs, b.Variants[i].Type, newTs, depth + 1);
                    if (inner.Error is not null)
                        return inner;
                    widened |= inner.Widened;
                }
                return new TypeVerdict(null, widened);
            }
            case (ArrayType a, ArrayType b):
                return CompareTypes(a.ElementType, oldTs, b.ElementType, newTs, depth + 1);
            default:
                return old.Tag == @new.Tag && old.IsPrimitive
                    ? new TypeVerdict(null, false)
                    : new TypeVerdict($"its type changed from {old} to {@new}", false);
        }
    }

    private static AlgebraicType Resolve(AlgebraicType type, Typespace ts)
    {
        for (var i = 0; i < 64 && type is RefType; i++)
            type = ts.Resolve(type);
        return type;
    }

    private static bool SameDefinition(TableSchema a, TableSchema b)
    {
        var types = CompareTypes(a.RowType, a.Typespace, b.RowType, b.Typespace, 0);
        if (types.Error is not null || types.Widened || a.ColumnCount != b.ColumnCount)
            return false;
        if (a.PrimaryKey != b.PrimaryKey || a.Access != b.Access || a.IsEvent != b.IsEvent)
            return false;
        if (!a.Indexes.Select(i => i.ToString()).SequenceEqual(b.Indexes.Select(i => i.ToString()), StringComparer.Ordinal))
            return false;
        static string Constraint(UniqueConstraintSchema c) => c.Name + ":" + string.Join(",", c.Columns);
        if (!a.UniqueConstraints.Select(Constraint).SequenceEqual(b.UniqueConstraints.Select(Constraint), StringComparer.Ordinal))
            return false;
        static string Sequence(SequenceSchema s) => string.Create(CultureInfo.InvariantCulture, $"{s.Name}:{s.Column}:{s.Start}:{s.Min}:{s.Max}:{s.Increment}");
        return a.Sequences.Select(Sequence).SequenceEqual(b.Sequences.Select(Sequence), StringComparer.Ordinal);
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}

/// <summary>How one stored table is altered: its id, the new definition and how rows are rewritten (null: bytes unchanged).</summary>
internal sealed record TableAlteration(TableId Table, TableSchema Schema, Func<ReadOnlyMemory<byte>, byte[]>? Rewrite);

/// <summary>
/// A table rewritten by the module's migration: <see cref="Target"/> (null when the table is removed) takes its new
/// definition with no rows, then <see cref="Migration"/> runs once per old row.
/// </summary>
internal sealed record ManualMigrationWork(TableId Table, ModuleTable? Target, ModuleReducer Migration);

/// <summary>Runs a module migration reducer with one old row inside the migration's transaction (the tables have their new ids).</summary>
internal delegate void MigrationRunner(Transaction tx, IReadOnlyList<TableId> tableIds, ModuleReducer migration, byte[] oldRow);

/// <summary>What applying a plan does to storage.</summary>
internal sealed class MigrationWork(int tables)
{
    /// <summary>For each module table (by module index), the stored table it maps to, or null when it is created.</summary>
    public TableId?[] Existing { get; } = new TableId?[tables];

    /// <summary>For each module table, its alteration, or null when it stays as stored.</summary>
    public TableAlteration?[] Alter { get; } = new TableAlteration?[tables];

    /// <summary>Tables to create, in module order.</summary>
    public List<ModuleTable> Create { get; } = [];

    /// <summary>Empty tables to drop.</summary>
    public List<TableId> Drop { get; } = [];

    /// <summary>Stored tables whose definition changes (their live queries are compiled again).</summary>
    public HashSet<TableId> Changed { get; } = [];

    /// <summary>Stored tables whose rows change shape or content (their subscriptions end).</summary>
    public HashSet<TableId> RowsChanged { get; } = [];

    /// <summary>Tables rewritten (or emptied and removed) by the module's migrations.</summary>
    public List<ManualMigrationWork> Manual { get; } = [];

    /// <summary>True when applying changes storage.</summary>
    public bool ChangesStorage => Create.Count > 0 || Drop.Count > 0 || Manual.Count > 0 || Alter.Any(a => a is not null);

    /// <summary>
    /// Applies the work in <paramref name="tx"/> (the caller commits) and returns every module table's storage id.
    /// <paramref name="afterStep"/> runs after each table step (tests inject faults there).
    /// </summary>
    /// <exception cref="MigrationDataException">
    /// The data does not allow a step (a duplicate value for a new unique constraint, no room for a sequence).
    /// </exception>
    public TableId[] Apply(Transaction tx, ModuleSchema schema, Action<int>? afterStep = null, MigrationRunner? runMigration = null)
    {
        var ids = new TableId[schema.Tables.Count];
        var step = 0;
        // The old rows of tables a migration rewrites, taken before the tables are emptied.
        var oldRows = new List<(ManualMigrationWork Work, List<byte[]> Rows)>();
        foreach (var manual in Manual)
        {
            if (runMigration is null)
            {
                throw new MigrationDataException(
                    $"Table '{manual.Target?.Name ?? manual.Table.ToString()}' needs the module's migration, which only runs on publish.");
            }
            var rows = new List<byte[]>();
            var cursor = tx.Scan(manual.Table);
            while (cursor.MoveNext())
                rows.Add(cursor.Current.ToArray());
            oldRows.Add((manual, rows));
            if (manual.Target is { } target)
                tx.AlterTable(manual.Table, target.Schema, _ => null);
        }
        foreach (var table in schema.Tables)
        {
            if (Existing[table.ModuleIndex] is { } id)
            {
                ids[table.ModuleIndex] = id;
                if (Alter[table.ModuleIndex] is not { } alter)
                    continue;
                try
                {
                    tx.AlterTable(id, alter.Schema, alter.Rewrite);
                }
                catch (UniqueConstraintViolationException e)
                {
                    throw new MigrationDataException(
                        $"Table '{table.Name}': the new unique constraint on ({string.Join(", ", e.ColumnNames)}) does not hold: "
                            + $"the value {e.Value} appears in more than one row. Remove the duplicates first (or publish with --delete-data).", e);
                }
                catch (StorageException e)
                {
                    throw new MigrationDataException($"Table '{table.Name}': {e.Message}", e);
                }
            }
            else
            {
                ids[table.ModuleIndex] = tx.CreateTable(table.Schema);
            }
            afterStep?.Invoke(++step);
        }
        foreach (var (manual, rows) in oldRows)
        {
            foreach (var row in rows)
                runMigration!(tx, ids, manual.Migration, row);
            if (manual.Target is null)
                tx.DropTable(manual.Table);
            afterStep?.Invoke(++step);
        }
        foreach (var id in Drop)
        {
            tx.DropTable(id);
            afterStep?.Invoke(++step);
        }
        return ids;
    }
}

/// <summary>The data does not allow a planned step; nothing was changed.</summary>
internal sealed class MigrationDataException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public MigrationDataException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
