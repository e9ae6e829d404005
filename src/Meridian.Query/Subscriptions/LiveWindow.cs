using Meridian.Query.Execution;
using Meridian.Query.Plans;
using Meridian.Sats.Rows;
using Meridian.Storage;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// Keeps an ordered window (<c>ORDER BY … LIMIT n OFFSET m</c>) of a live query up to date. It holds a
/// sorted buffer of the result's first <c>m + n + slack</c> tuples: a change that sorts after the
/// buffer's last tuple (while the buffer does not hold the whole result) cannot move the window and
/// costs one comparison; a change inside the buffer is applied in place; only when deletions leave
/// fewer than <c>m + n</c> buffered tuples is the buffer refilled from the committed state.
/// Clients receive the rows entering and leaving the window.
/// </summary>
internal sealed class LiveWindow
{
    private readonly QueryBlock _block;
    private readonly PhysicalPlan _full;
    private readonly Func<StateReader, IReadOnlyList<RowFilter?>?> _filtersAt;
    private readonly TupleOrder _order;
    private readonly int _projected;
    private readonly int _windowEnd; // offset + limit, capped
    private readonly int _capacity;
    private readonly int _offset;
    private List<ReadOnlyMemory<byte>[]>? _buffer;
    private bool _complete; // the buffer holds every tuple of the result

    public LiveWindow(QueryBlock block, PhysicalPlan full, int projected, Func<StateReader, IReadOnlyList<RowFilter?>?> filtersAt)
    {
        _block = block;
        _full = full;
        _filtersAt = filtersAt;
        _projected = projected;
        _order = new TupleOrder(block, projected);
        _offset = (int)Math.Min(block.Offset, int.MaxValue / 4);
        var limit = (int)Math.Min(block.Limit ?? int.MaxValue / 4, int.MaxValue / 4);
        _windowEnd = _offset + limit;
        // Slack beyond the window, so a few deletions inside it do not force a refill.
        _capacity = _windowEnd + Math.Clamp(limit, 16, 1024);
    }

    /// <summary>Refills the buffer happen-count (for tests and benchmarks).</summary>
    public int Refills { get; private set; }

    /// <summary>The window's rows in <paramref name="state"/>, in order (stateless: for initial results and one-off queries).</summary>
    public RowList Evaluate(StateReader state)
    {
        var tuples = Top(state, _windowEnd);
        var rows = new RowList.Builder();
        for (var i = _offset; i < tuples.Count; i++)
            rows.Add(tuples[i][_projected].Span);
        return rows.Build();
    }

    /// <summary>
    /// Applies one commit's signed, netted tuple changes (<paramref name="changes"/>) and returns the rows
    /// that entered and left the window. <paramref name="before"/> is the state before the commit (used
    /// to start, on the first commit) and <paramref name="after"/> the state after it (used to refill).
    /// </summary>
    public QueryDelta Apply(IReadOnlyList<(ReadOnlyMemory<byte>[] Tuple, int Sign)> changes, StateReader before, StateReader after)
    {
        if (_buffer is null)
            Start(before);
        var buffer = _buffer!;
        List<ReadOnlyMemory<byte>>? oldWindow = null; // taken before the first change inside the window
        foreach (var (tuple, sign) in changes)
        {
            var at = buffer.BinarySearch(tuple, _order);
            if (sign < 0)
            {
                if (at >= 0)
                {
                    if (at < _windowEnd)
                        oldWindow ??= WindowRows(buffer);
                    buffer.RemoveAt(at);
                }
                // Not buffered: it sorted after the buffer, outside the window.
            }
            else
            {
                var position = at >= 0 ? at : ~at;
                if (position >= buffer.Count && !_complete)
                    continue; // after the buffer's last tuple: cannot enter the window
                if (position < _windowEnd)
                    oldWindow ??= WindowRows(buffer);
                buffer.Insert(position, tuple);
                if (buffer.Count > _capacity)
                {
                    buffer.RemoveAt(buffer.Count - 1);
                    _complete = false;
                }
            }
        }
        if (oldWindow is null)
            return QueryDelta.None;
        if (buffer.Count < _windowEnd && !_complete)
        {
            Refills++;
            Start(after);
        }
        return Diff(oldWindow, WindowRows(_buffer!));
    }

    private void Start(StateReader state)
    {
        _buffer = Top(state, _capacity + 1);
        _complete = _buffer.Count <= _capacity;
        if (!_complete)
            _buffer.RemoveAt(_buffer.Count - 1);
    }

    // The first `count` tuples of the result in order.
    private List<ReadOnlyMemory<byte>[]> Top(StateReader state, int count)
    {
        var states = Enumerable.Repeat(state, _block.Sources.Count).ToArray();
        var tuples = new List<ReadOnlyMemory<byte>[]>();
        _full.Run(states, null, (tuple, _) =>
        {
            tuples.Add((ReadOnlyMemory<byte>[])tuple.Clone());
            // Bound the memory: once well past `count`, keep only the best `count`.
            if (tuples.Count >= 2 * Math.Max(count, 1024))
            {
                tuples.Sort(_order);
                tuples.RemoveRange(count, tuples.Count - count);
            }
            return true;
        }, _filtersAt(state));
        tuples.Sort(_order);
        if (tuples.Count > count)
            tuples.RemoveRange(count, tuples.Count - count);
        return tuples;
    }

    private List<ReadOnlyMemory<byte>> WindowRows(List<ReadOnlyMemory<byte>[]> buffer)
    {
        var rows = new List<ReadOnlyMemory<byte>>();
        for (var i = _offset; i < Math.Min(_windowEnd, buffer.Count); i++)
            rows.Add(buffer[i][_projected]);
        return rows;
    }

    // Rows that left and entered, as multisets (a row's place inside the window is not sent).
    private static QueryDelta Diff(List<ReadOnlyMemory<byte>> old, List<ReadOnlyMemory<byte>> now)
    {
        var counts = new Dictionary<ByteKey, int>();
        foreach (var row in old)
            counts[new ByteKey(row)] = counts.GetValueOrDefault(new ByteKey(row)) + 1;
        var inserts = new RowList.Builder();
        foreach (var row in now)
        {
            var key = new ByteKey(row);
            if (counts.TryGetValue(key, out var n) && n > 0)
                counts[key] = n - 1;
            else
                inserts.Add(row.Span);
        }
        var deletes = new RowList.Builder();
        foreach (var row in old)
        {
            var key = new ByteKey(row);
            if (counts.TryGetValue(key, out var n) && n > 0)
            {
                counts[key] = n - 1;
                deletes.Add(row.Span);
            }
        }
        return new QueryDelta(inserts.Build(), deletes.Build());
    }
}
