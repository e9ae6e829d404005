namespace Meridian.Client;

/// <summary>
/// What a reducer call is expected to do to the cache, applied at once by
/// <see cref="DbConnectionBase.CallWithPrediction"/> and undone or confirmed by the server's answer.
/// Build it with <see cref="Insert{TEventContext, TRow}"/>, <see cref="Delete{TEventContext, TRow}"/> and the
/// <c>Update</c> methods; the changes apply in the order given.
/// </summary>
public sealed class Prediction
{
    internal Prediction()
    {
    }

    internal List<PredictedOp> Ops { get; } = [];

    /// <summary>The call it belongs to (its name and arguments), once made.</summary>
    internal ReducerEvent? Call { get; set; }

    /// <summary>Whether the call was sent or queued (a call refused at once leaves the cache alone).</summary>
    internal bool Accepted { get; set; }

    /// <summary>The row will be in <paramref name="table"/>.</summary>
    public Prediction Insert<TEventContext, TRow>(RemoteTableHandle<TEventContext, TRow> table, TRow row)
        where TEventContext : class
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(table);
        Ops.Add(table.Predicted(present: true, row));
        return this;
    }

    /// <summary>The row (equal to a cached one) will no longer be in <paramref name="table"/>.</summary>
    public Prediction Delete<TEventContext, TRow>(RemoteTableHandle<TEventContext, TRow> table, TRow row)
        where TEventContext : class
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(table);
        Ops.Add(table.Predicted(present: false, row));
        return this;
    }

    /// <summary><paramref name="oldRow"/> (equal to a cached one) will be replaced by <paramref name="newRow"/>.</summary>
    public Prediction Update<TEventContext, TRow>(RemoteTableHandle<TEventContext, TRow> table, TRow oldRow, TRow newRow)
        where TEventContext : class
        where TRow : class => Delete(table, oldRow).Insert(table, newRow);

    /// <summary>
    /// <paramref name="row"/> will replace the cached row with its primary key (the cache as it is now, with the
    /// predictions before this one), or be inserted when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table has no primary key.</exception>
    public Prediction Update<TEventContext, TRow>(RemoteTableHandle<TEventContext, TRow> table, TRow row)
        where TEventContext : class
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(row);
        if (table.WithSamePrimaryKey(row) is { } old)
            Delete(table, old);
        return Insert(table, row);
    }
}
