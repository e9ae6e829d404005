using Meridian.Sats.Bsatn;

namespace Meridian.Client;

/// <summary>The offline store: the cache and the queued calls loaded at start and kept as they change.</summary>
public abstract partial class DbConnectionBase
{
    private bool _storeClosed;

    /// <summary>
    /// Loads the stored rows into the cache (no callbacks: the app has not registered any yet) and
    /// the stored calls into the queue, before the first attempt to connect.
    /// </summary>
    private void LoadOffline()
    {
        if (_options.Store is not { } store)
            return;
        store.Open(_options.DatabaseName);
        var loaded = false;
        foreach (var group in store.LoadRows().GroupBy(r => r.Table, StringComparer.Ordinal))
        {
            // Rows of tables the bindings no longer have are left to the next reconciliation's store writes.
            if (!_tables.TryGetValue(group.Key, out var table))
                continue;
            var rows = new List<ReadOnlyMemory<byte>>();
            foreach (var stored in group)
            {
                for (var i = 0; i < stored.Count; i++)
                    rows.Add(stored.Row);
            }
            try
            {
                table.Apply(table.Prepare(rows, [], [], null));
                loaded |= rows.Count > 0;
            }
            catch (BsatnDecodeException e)
            {
                // The bindings changed since the rows were stored: the server sends them again.
                System.Diagnostics.Trace.TraceWarning($"Meridian.Client dropped the stored rows of {group.Key}, which no longer decode: {e.Message}");
                store.ClearTable(group.Key);
            }
        }
        if (loaded)
        {
            _stale = true;
            _staleFromLoad = true;
            _holdStoredRows = true;
        }
        lock (_lock)
        {
            foreach (var call in store.LoadCalls())
            {
                _queue.Add(new QueuedEntry(call, null));
                _lastSequence = Math.Max(_lastSequence, call.Sequence);
            }
        }
    }

    /// <summary>Stores what a transaction changed (on the tick thread, after the cache changed).</summary>
    private void SaveOffline(List<(RemoteTableHandleBase Table, TableDelta Delta)> deltas)
    {
        if (_options.Store is not { } store || _storeClosed || deltas.Count == 0)
            return;
        var changes = new List<StoredRow>();
        foreach (var (table, delta) in deltas)
        {
            foreach (var (row, count) in table.ChangedRows(delta))
                changes.Add(new StoredRow(table.RemoteTableName, row, count));
        }
        try
        {
            store.SaveRows(changes);
        }
#pragma warning disable CA1031 // The cache in memory is right; a failing store must not stop the messages (the next start reconciles).
        catch (Exception e)
#pragma warning restore CA1031
        {
            System.Diagnostics.Trace.TraceError($"Meridian.Client could not write the offline cache: {e}");
        }
    }

    private void CloseOffline()
    {
        lock (_tickLock)
        {
            if (_storeClosed)
                return;
            _storeClosed = true;
            if (_options?.OwnsStore == true)
                _options.Store?.Dispose();
        }
    }
}
