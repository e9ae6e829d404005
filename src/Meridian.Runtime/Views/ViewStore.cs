using Meridian.Query.Catalog;
using Meridian.Query.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Views;

/// <summary>
/// The rows of the views one query joins, each view in a table of its own in a small in-memory store, so the
/// query's plans read a view like a table (by its primary key's index) and a view's changes move its table the
/// way a commit moves a real one. The tables are created in the order given, so every store made from the same
/// list gives each view the same table id (the id the query was compiled with).
/// </summary>
internal sealed class ViewStore
{
    private readonly Datastore _store = Datastore.CreateInMemory();
    private readonly Dictionary<string, TableId> _ids = new(StringComparer.Ordinal);

    public ViewStore(IReadOnlyList<TableSchema> views)
    {
        using var tx = _store.BeginTransaction();
        foreach (var view in views)
        {
            var id = tx.CreateTable(view);
            // A query compiled against one store's ids reads every other store made from the same list.
            if (view.Id != default && id != view.Id)
                throw new InvalidOperationException($"View '{view.Name}' got table id {id.Value} in a new store, not {view.Id.Value}.");
            _ids[view.Name] = id;
        }
        tx.Commit();
        Tables = views.Select(v => _store.Committed.GetTable(v.Name)).ToList();
    }

    /// <summary>Each view's table as created here (with its id), in the order given.</summary>
    public IReadOnlyList<TableSchema> Tables { get; }

    /// <summary>The views' rows as of the last change.</summary>
    public CommittedState Committed => _store.Committed;

    /// <summary>Every view at <see cref="Committed"/>, unchanged: what a full evaluation or an untouched commit reads.</summary>
    public Dictionary<string, ViewInput> Unchanged()
    {
        var state = _store.Committed;
        return _ids.Keys.ToDictionary(name => name, _ => ViewInput.At(state), StringComparer.Ordinal);
    }

    /// <summary>
    /// Moves the views' tables by their changes (null: the view did not change), in one transaction, and returns what
    /// each view's table was before, is now and what entered and left it.
    /// </summary>
    public Dictionary<string, ViewInput> Apply(IReadOnlyDictionary<string, QueryDelta> changes)
    {
        var before = _store.Committed;
        if (changes.Count == 0)
            return Unchanged();
        using var tx = _store.BeginTransaction();
        foreach (var (name, delta) in changes)
        {
            var id = _ids[name];
            foreach (var row in delta.Deletes)
                tx.Delete(id, row.Span);
            foreach (var row in delta.Inserts)
            {
                if (!tx.Contains(id, row.Span))
                    tx.Insert(id, row.Span);
            }
        }
        var changeset = tx.Commit();
        var after = _store.Committed;
        var inputs = new Dictionary<string, ViewInput>(StringComparer.Ordinal);
        foreach (var (name, id) in _ids)
        {
            inputs[name] = changeset.For(id) is { } change
                ? new ViewInput(before, after, change.Inserts, change.Deletes)
                : new ViewInput(before, after, RowList.Empty, RowList.Empty);
        }
        return inputs;
    }

    /// <summary>Replaces a view's rows (its first rows, when a query starts).</summary>
    public void Load(string name, RowList rows)
    {
        var id = _ids[name];
        using var tx = _store.BeginTransaction();
        foreach (var row in tx.ReadAll(id))
            tx.Delete(id, row);
        foreach (var row in rows)
        {
            if (!tx.Contains(id, row.Span))
                tx.Insert(id, row.Span);
        }
        tx.Commit();
    }

    /// <summary>
    /// A view as a table for SQL: its row type's columns under their canonical and source names, its primary key as the
    /// table's (with the unique index that comes with it), marked as a view so queries read it from a <see cref="ViewStore"/>.
    /// </summary>
    public static SqlTable Table(Modules.ModuleView view, Sats.Types.Typespace typespace, TableSchema? created = null)
    {
        var columns = view.RowType.Elements.Select((e, i) => e.Name ?? $"col_{i}").ToList();
        var schema = created ?? new TableSchema(view.Name, view.RowType, primaryKey: view.PrimaryKeyColumn, typespace: typespace);
        return new SqlTable(schema, view.Name, view.SourceName == view.Name ? null : view.SourceName, columns, view.ColumnAccessors) { IsView = true };
    }
}

/// <summary>A catalog of a module's tables plus some of its views (as <see cref="ViewStore.Table"/> makes them).</summary>
internal sealed class ViewCatalog(ISqlCatalog tables, IReadOnlyList<SqlTable> views) : ISqlCatalog
{
    public IEnumerable<SqlTable> Tables => views.Concat(tables.Tables);

    public bool TryGetTable(string name, out SqlTable table)
    {
        table = views.FirstOrDefault(v => v.Name == name) ?? views.FirstOrDefault(v => v.AccessorName == name)!;
        return table is not null || tables.TryGetTable(name, out table);
    }
}
