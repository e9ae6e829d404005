using Meridian.Query.Subscriptions;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime.Views;

/// <summary>
/// A view that returns rows (<c>T?</c>, <c>List&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>) as a live
/// result. It keeps the rows it last returned and what it read to produce them (its triggers); a
/// commit that touches none of that does no view work at all. A commit that does re-runs the view
/// against the new committed version, and only the rows that differ from the last result are sent.
/// One instance per view for an anonymous view, one per view and caller otherwise.
/// </summary>
internal sealed class ProceduralViewQuery : ILiveQuery
{
    private readonly ActiveModule _active;
    private readonly ModuleView _view;
    private readonly SpacetimeDB.Identity? _sender;
    private readonly SpacetimeDB.Identity _databaseIdentity;
    private readonly Action<ModuleView, Exception> _onError;
    private readonly RowLayout? _keyLayout;
    private List<byte[]> _rows = [];
    private List<QueryTrigger> _triggers = [];
    private HashSet<(TableId, int, ByteKey)> _triggerSet = [];
    private CommittedState? _preparedAt;
    private RowList? _prepared;

    public ProceduralViewQuery(ActiveModule active, ModuleView view, Identity? sender, Identity databaseIdentity, Action<ModuleView, Exception> onError)
    {
        _active = active;
        _view = view;
        _sender = sender is { } s ? ToModule(s) : null;
        _databaseIdentity = ToModule(databaseIdentity);
        _onError = onError;
        if (view.PrimaryKeyColumn is not null)
            _keyLayout = new RowLayout(view.RowType, active.Schema.Typespace);
        Key = sender is { } caller ? $"view {view.Name} for {caller.ToHexString()}" : $"view {view.Name}";
    }

    public string Key { get; }

    public string TableName => _view.Name;

    public string Sql => $"SELECT * FROM {_view.Name}";

    public IReadOnlyList<TableId> ReadTables => _triggers.Select(t => t.Table).Distinct().ToList();

    public bool IsEvent => false;

    public IReadOnlyList<QueryTrigger> Triggers => _triggers;

    public int TriggerVersion { get; private set; }

    /// <summary>How many times the view has run (tests and benchmarks check that untouched commits run nothing).</summary>
    public int Runs { get; private set; }

    /// <summary>The rows it last returned: what its subscribers hold.</summary>
    public RowList LastRows => ToRowList(_rows);

    public void Prepare(CommittedState position)
    {
        var (rows, host) = Run(position);
        _rows = rows;
        SetTriggers(host.Triggers());
        _preparedAt = position;
        _prepared = ToRowList(rows);
    }

    public RowList Evaluate(StateReader state)
    {
        if (ReferenceEquals(state, _preparedAt) && _prepared is { } prepared)
            return prepared;
        return ToRowList(Run(state).Rows);
    }

    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after)
    {
        List<byte[]> rows;
        ViewReadHost host;
        try
        {
            (rows, host) = Run(after);
        }
        catch (Exception e)
        {
            // The commit stands (it is durable already): clients keep the view's last good rows.
            _onError(_view, e);
            return QueryDelta.None;
        }
        SetTriggers(host.Triggers());
        var delta = Diff(_rows, rows);
        _rows = rows;
        return delta;
    }

    private (List<byte[]> Rows, ViewReadHost Host) Run(StateReader state)
    {
        Runs++;
        var host = new ViewReadHost(state, _active.TableIds, LayoutOf, _databaseIdentity);
        var result = _active.Module.Descriptor.CallView(host, _view.Id, _view.IsAnonymous ? null : _sender);
        // A view's rows are a set, as upstream's (it stores them in a table): a row returned twice is one row.
        var rows = new List<byte[]>();
        var seen = new HashSet<ByteKey>();
        foreach (var row in result.Rows)
        {
            if (seen.Add(new ByteKey(row)))
                rows.Add(row);
        }
        if (_keyLayout is { } layout)
            CheckKeys(layout, rows);
        return (rows, host);
    }

    private void CheckKeys(RowLayout layout, List<byte[]> rows)
    {
        var seen = new HashSet<ByteKey>();
        var column = _view.PrimaryKeyColumn!.Value;
        foreach (var row in rows)
        {
            var (start, length) = layout.ColumnRange(row, column);
            if (!seen.Add(new ByteKey(row.AsMemory(start, length))))
                throw new InvalidOperationException($"View '{_view.Name}' returned two rows with the same primary key.");
        }
    }

    private RowLayout LayoutOf(TableId table) =>
        _active.Catalog.Tables.First(t => t.Schema.Id == table).Layout;

    private void SetTriggers(List<QueryTrigger> triggers)
    {
        var set = triggers.Select(t => (t.Table, t.Column, new ByteKey(t.Value ?? []))).ToHashSet();
        if (set.SetEquals(_triggerSet))
            return;
        _triggers = triggers;
        _triggerSet = set;
        TriggerVersion++;
    }

    /// <summary>The multiset difference: rows that left the result, then rows that entered it.</summary>
    internal static QueryDelta Diff(List<byte[]> before, List<byte[]> after)
    {
        var counts = new Dictionary<ByteKey, int>();
        foreach (var row in before)
        {
            var key = new ByteKey(row);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var inserts = new RowList.Builder();
        foreach (var row in after)
        {
            var key = new ByteKey(row);
            if (counts.TryGetValue(key, out var n) && n > 0)
                counts[key] = n - 1;
            else
                inserts.Add(row);
        }
        var deletes = new RowList.Builder();
        foreach (var row in before)
        {
            var key = new ByteKey(row);
            if (counts.TryGetValue(key, out var n) && n > 0)
            {
                counts[key] = n - 1;
                deletes.Add(row);
            }
        }
        var i = inserts.Build();
        var d = deletes.Build();
        return i.Count == 0 && d.Count == 0 ? QueryDelta.None : new QueryDelta(i, d);
    }

    private static RowList ToRowList(List<byte[]> rows)
    {
        var builder = new RowList.Builder();
        foreach (var row in rows)
            builder.Add(row);
        return builder.Build();
    }

    private static SpacetimeDB.Identity ToModule(Identity identity) => SpacetimeDB.Identity.FromBigEndian(identity.ToBigEndianBytes());
}
