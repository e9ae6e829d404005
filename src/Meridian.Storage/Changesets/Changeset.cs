using Meridian.Sats;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Changesets;

/// <summary>
/// What one committed transaction did, immutable: per table the rows inserted and deleted (as BSATN,
/// net of each other: a row inserted and deleted in the same transaction appears in neither), the
/// schema changes, and the call that produced it. The commit log, subscriptions and metrics all
/// consume this one object.
/// </summary>
public sealed class Changeset
{
    internal Changeset(ulong? offset, Timestamp commitTime, TransactionCall? call, IReadOnlyList<TableChange> tables, IReadOnlyList<SchemaChange> schemaChanges)
    {
        Offset = offset;
        CommitTime = commitTime;
        Call = call;
        Tables = tables;
        SchemaChanges = schemaChanges;
    }

    /// <summary>
    /// The transaction's offset in the commit log: gapless, starting at 0. Null when the transaction
    /// changed nothing and carried no call, so it was neither logged nor given an offset.
    /// </summary>
    public ulong? Offset { get; }

    /// <summary>
    /// When the transaction committed: the datastore's clock, or the time given to
    /// <see cref="Transaction.Commit(TransactionCall?, Timestamp)"/> (a reducer call's timestamp).
    /// </summary>
    public Timestamp CommitTime { get; }

    /// <summary>The reducer call that produced the transaction, if any.</summary>
    public TransactionCall? Call { get; }

    /// <summary>Per-table row changes, by ascending table id; only tables with changes appear.</summary>
    public IReadOnlyList<TableChange> Tables { get; }

    /// <summary>Tables created or dropped, in the order they happened.</summary>
    public IReadOnlyList<SchemaChange> SchemaChanges { get; }

    /// <summary>True when no row, sequence or schema changed.</summary>
    public bool IsEmpty => Tables.Count == 0 && SchemaChanges.Count == 0;

    /// <summary>The changes to one table, or null when it was not changed.</summary>
    public TableChange? For(TableId table)
    {
        // Indexed: a foreach over the interface would allocate an enumerator per call (once per commit and consumer).
        var tables = Tables;
        for (var i = 0; i < tables.Count; i++)
        {
            if (tables[i].TableId == table)
                return tables[i];
        }
        return null;
    }
}

/// <summary>Rows inserted into and deleted from one table by one transaction.</summary>
public sealed class TableChange
{
    internal TableChange(TableId tableId, string tableName, bool isEvent, RowList inserts, RowList deletes, IReadOnlyList<SequenceUpdate> sequences)
    {
        TableId = tableId;
        TableName = tableName;
        IsEvent = isEvent;
        Inserts = inserts;
        Deletes = deletes;
        Sequences = sequences;
    }

    /// <summary>The table.</summary>
    public TableId TableId { get; }

    /// <summary>The table's name.</summary>
    public string TableName { get; }

    /// <summary>True for event tables, whose inserts are never stored in committed state.</summary>
    public bool IsEvent { get; }

    /// <summary>Rows inserted, in insertion order.</summary>
    public RowList Inserts { get; }

    /// <summary>Rows deleted (full rows), in deletion order.</summary>
    public RowList Deletes { get; }

    /// <summary>Sequences that advanced, with their next value.</summary>
    public IReadOnlyList<SequenceUpdate> Sequences { get; }
}

/// <summary>A sequence of a table advanced: the next value it will hand out.</summary>
/// <param name="Sequence">Position of the sequence in <see cref="TableSchema.Sequences"/>.</param>
/// <param name="Next">The next value.</param>
public readonly record struct SequenceUpdate(int Sequence, Int128 Next);

/// <summary>A change to the set of tables.</summary>
public abstract record SchemaChange;

/// <summary>A table was created.</summary>
/// <param name="Table">Its definition, with its assigned id.</param>
public sealed record TableCreated(TableSchema Table) : SchemaChange;

/// <summary>A table was dropped with all its rows.</summary>
/// <param name="TableId">The dropped table's id.</param>
/// <param name="TableName">Its name.</param>
public sealed record TableDropped(TableId TableId, string TableName) : SchemaChange;

/// <summary>
/// A table got a new definition in place (a schema migration): its whole state at commit — the
/// definition, every row and the sequence positions — so replay needs nothing else.
/// </summary>
/// <param name="Table">The new definition, with the table's id.</param>
/// <param name="Rows">Every row of the table at commit.</param>
/// <param name="Sequences">The next value of each sequence, by position in the definition.</param>
public sealed record TableAltered(TableSchema Table, RowList Rows, IReadOnlyList<Int128> Sequences) : SchemaChange;
