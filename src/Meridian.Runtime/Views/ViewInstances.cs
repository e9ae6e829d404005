using Meridian.Query.Subscriptions;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Views;

/// <summary>
/// The whole views that live queries read, one instance per view key (per view, and per caller where it reads the sender),
/// shared by every live query over it: each distinct <c>WHERE</c> on a view and each join that reads it. A commit that moves
/// a view runs it once, however many such queries read it. Used on the pipeline loop only.
/// </summary>
internal sealed class ViewInstances
{
    private readonly Dictionary<string, SharedView> _views = new(StringComparer.Ordinal);

    /// <summary>How many views are live (tests).</summary>
    public int Count => _views.Count;

    /// <summary>The live instance with <paramref name="view"/>'s key, prepared at <paramref name="position"/> if it is the first.</summary>
    public SharedView Acquire(ILiveQuery view, CommittedState position)
    {
        if (!_views.TryGetValue(view.Key, out var shared))
        {
            view.Prepare(position);
            _views[view.Key] = shared = new SharedView(view);
        }
        shared.References++;
        return shared;
    }

    /// <summary>Lets go of an instance; the last reader's release forgets it.</summary>
    public void Release(SharedView shared)
    {
        if (--shared.References == 0 && _views.TryGetValue(shared.View.Key, out var current) && ReferenceEquals(current, shared))
            _views.Remove(shared.View.Key);
    }

    /// <summary>The live instance with this key, or null.</summary>
    public ILiveQuery? Find(string key) => _views.TryGetValue(key, out var shared) ? shared.View : null;
}

/// <summary>One live view and how many queries read it; its change for a commit is computed once and handed to each of them.</summary>
internal sealed class SharedView(ILiveQuery view)
{
    private Changeset? _seen;
    private QueryDelta _delta = QueryDelta.None;

    public ILiveQuery View { get; } = view;

    public int References { get; set; }

    /// <summary>The view's change in this commit: the first reader to ask moves the view, the others get the same answer.</summary>
    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after)
    {
        if (!ReferenceEquals(changeset, _seen))
        {
            _delta = View.Delta(changeset, before, after);
            _seen = changeset;
        }
        return _delta;
    }
}

/// <summary>
/// A live query's hold on a whole view: the instance compiled for it until the query goes live (enough to check limits and to
/// evaluate), then the shared instance of <see cref="ViewInstances"/> from <see cref="Prepare"/> until <see cref="Retire"/>.
/// </summary>
internal sealed class ViewHandle(ILiveQuery compiled, ViewInstances instances)
{
    private SharedView? _shared;
    private ILiveQuery? _retired; // the instance it last shared: what its subscribers hold (a module update diffs against it)

    /// <summary>The view's live result: the shared instance while live (or last shared, once retired), else the one compiled for this query.</summary>
    public ILiveQuery View => _shared?.View ?? _retired ?? compiled;

    public string Key => compiled.Key;

    /// <summary>Takes the shared instance (on the pipeline loop, when the query that holds this goes live).</summary>
    public void Prepare(CommittedState position) => _shared ??= instances.Acquire(compiled, position);

    /// <summary>The view's change in a commit (computed once for all its readers).</summary>
    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after) =>
        _shared is { } shared ? shared.Delta(changeset, before, after) : compiled.Delta(changeset, before, after);

    public RowList Evaluate(StateReader state) => View.Evaluate(state);

    public IReadOnlyList<QueryTrigger> Triggers => View.Triggers;

    public int TriggerVersion => View.TriggerVersion;

    public IReadOnlyList<TableId> ReadTables => View.ReadTables;

    /// <summary>Lets go of the shared instance (the query that holds this is no longer live).</summary>
    public void Retire()
    {
        if (_shared is { } shared)
        {
            instances.Release(shared);
            _retired = shared.View;
        }
        _shared = null;
    }
}
