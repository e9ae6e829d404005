using Meridian.Query.Execution;
using Meridian.Query.Plans;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// A hash table of one source's rows by join columns, kept across commits for a live query whose
/// delta terms join that source without an index: built once, then moved by each commit's changes,
/// instead of rebuilt from the whole table on every commit. It holds the state after the last commit;
/// a term that reads the source as it was before the commit sees it through the commit's changes.
/// </summary>
internal sealed class MaintainedHash
{
    private readonly PlanSource _source;
    private readonly IReadOnlyList<int> _columns;
    private readonly Predicate? _local;
    private readonly int _sources;
    private readonly Dictionary<ByteKey, List<ReadOnlyMemory<byte>>> _after = [];
    private readonly BsatnWriter _key = new(64);
    private HashSet<ByteKey> _inserted = [];
    private Dictionary<ByteKey, List<ReadOnlyMemory<byte>>> _deleted = [];
    private bool _started;

    public MaintainedHash(PlanSource source, IReadOnlyList<int> columns, Predicate? local, int sources)
    {
        _source = source;
        _columns = columns;
        _local = local;
        _sources = sources;
    }

    /// <summary>Moves the table across one commit (built from <paramref name="before"/> on the first).</summary>
    public void Advance(Changeset changeset, StateReader before)
    {
        if (!_started)
        {
            var cursor = before.Scan(_source.Table.Schema.Id);
            while (cursor.MoveNext())
                Add(cursor.CurrentMemory);
            _started = true;
        }
        _inserted = [];
        _deleted = [];
        if (changeset.For(_source.Table.Schema.Id) is not { } change)
            return;
        for (var i = 0; i < change.Deletes.Count; i++)
        {
            var row = change.Deletes[i];
            if (!Passes(row))
                continue;
            var key = Key(row.Span);
            if (_after.TryGetValue(key, out var list))
            {
                for (var at = 0; at < list.Count; at++)
                {
                    if (list[at].Span.SequenceEqual(row.Span))
                    {
                        list.RemoveAt(at);
                        break;
                    }
                }
                if (list.Count == 0)
                    _after.Remove(key);
            }
            if (!_deleted.TryGetValue(key, out var gone))
                _deleted[key] = gone = [];
            gone.Add(row.ToArray());
        }
        if (change.IsEvent)
            return;
        for (var i = 0; i < change.Inserts.Count; i++)
        {
            var row = change.Inserts[i];
            if (!Passes(row))
                continue;
            var copy = row.ToArray();
            Add(copy);
            _inserted.Add(new ByteKey(copy));
        }
    }

    /// <summary>The rows whose join columns equal <paramref name="key"/>, after the commit or before it.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Probe(ReadOnlyMemory<byte> key, bool before)
    {
        var k = new ByteKey(key);
        if (_after.TryGetValue(k, out var rows))
        {
            foreach (var row in rows)
            {
                if (!before || !_inserted.Contains(new ByteKey(row)))
                    yield return row;
            }
        }
        if (before && _deleted.TryGetValue(k, out var gone))
        {
            foreach (var row in gone)
                yield return row;
        }
    }

    private bool Passes(ReadOnlyMemory<byte> row)
    {
        if (_local is null)
            return true;
        var tuple = new ReadOnlyMemory<byte>[_sources];
        tuple[_source.Number] = row;
        return _local.Test(tuple);
    }

    private void Add(ReadOnlyMemory<byte> row)
    {
        if (!Passes(row))
            return;
        var key = Key(row.Span);
        if (!_after.TryGetValue(key, out var list))
            _after[key] = list = [];
        list.Add(row);
    }

    private ByteKey Key(ReadOnlySpan<byte> row)
    {
        _key.Reset();
        foreach (var column in _columns)
            _key.WriteRaw(_source.Table.Layout.Column(row, column));
        return new ByteKey(_key.ToArray());
    }
}
