using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Protocol.Messages;

/// <summary>Rows of one table in a query result: <c>SingleTableRows</c>.</summary>
public sealed record TableRows(string Table, RowList Rows)
{
    internal void Write(BsatnWriter w)
    {
        w.WriteString(Table);
        RowListWire.Write(w, Rows);
    }

    internal static TableRows Read(ref BsatnReader r) => new(r.ReadString(), RowListWire.Read(ref r));

    internal static void WriteList(BsatnWriter w, IReadOnlyList<TableRows> tables)
    {
        w.WriteArrayLength(tables.Count);
        foreach (var t in tables)
            t.Write(w);
    }

    internal static List<TableRows> ReadList(ref BsatnReader r)
    {
        var count = r.ReadArrayLength(9, "query rows");
        var list = new List<TableRows>(count);
        for (var i = 0; i < count; i++)
            list.Add(Read(ref r));
        return list;
    }
}

/// <summary>The changed rows of one table for one query set: <c>TableUpdateRows</c> (0 persistent, 1 event).</summary>
public abstract record TableUpdateRows
{
    private TableUpdateRows()
    {
    }

    /// <summary>Inserted and deleted rows of an ordinary table (inserts first on the wire).</summary>
    public sealed record Persistent(RowList Inserts, RowList Deletes) : TableUpdateRows;

    /// <summary>Rows of an event table: insert-only, visible for one transaction.</summary>
    public sealed record Event(RowList Events) : TableUpdateRows;

    internal void Write(BsatnWriter w)
    {
        switch (this)
        {
            case Persistent p:
                w.WriteSumTag(0);
                RowListWire.Write(w, p.Inserts);
                RowListWire.Write(w, p.Deletes);
                break;
            case Event e:
                w.WriteSumTag(1);
                RowListWire.Write(w, e.Events);
                break;
        }
    }

    internal static TableUpdateRows Read(ref BsatnReader r) =>
        r.ReadSumTag(2, "TableUpdateRows") == 0
            ? new Persistent(RowListWire.Read(ref r), RowListWire.Read(ref r))
            : new Event(RowListWire.Read(ref r));
}

/// <summary>One table's changes within a query set: <c>TableUpdate</c>.</summary>
public sealed record TableUpdate(string TableName, IReadOnlyList<TableUpdateRows> Rows)
{
    internal void Write(BsatnWriter w)
    {
        w.WriteString(TableName);
        w.WriteArrayLength(Rows.Count);
        foreach (var rows in Rows)
            rows.Write(w);
    }

    internal static TableUpdate Read(ref BsatnReader r)
    {
        var name = r.ReadString();
        var count = r.ReadArrayLength(1, "table update rows");
        var rows = new List<TableUpdateRows>(count);
        for (var i = 0; i < count; i++)
            rows.Add(TableUpdateRows.Read(ref r));
        return new TableUpdate(name, rows);
    }
}

/// <summary>The changes of one query set: <c>QuerySetUpdate</c>.</summary>
public sealed record QuerySetUpdate(uint QuerySetId, IReadOnlyList<TableUpdate> Tables)
{
    internal void Write(BsatnWriter w)
    {
        w.WriteU32(QuerySetId);
        w.WriteArrayLength(Tables.Count);
        foreach (var t in Tables)
            t.Write(w);
    }

    internal static QuerySetUpdate Read(ref BsatnReader r)
    {
        var id = r.ReadU32();
        var count = r.ReadArrayLength(5, "table updates");
        var tables = new List<TableUpdate>(count);
        for (var i = 0; i < count; i++)
            tables.Add(TableUpdate.Read(ref r));
        return new QuerySetUpdate(id, tables);
    }

    internal static void WriteList(BsatnWriter w, IReadOnlyList<QuerySetUpdate> sets)
    {
        w.WriteArrayLength(sets.Count);
        foreach (var s in sets)
            s.Write(w);
    }

    internal static List<QuerySetUpdate> ReadList(ref BsatnReader r)
    {
        var count = r.ReadArrayLength(8, "query set updates");
        var sets = new List<QuerySetUpdate>(count);
        for (var i = 0; i < count; i++)
            sets.Add(Read(ref r));
        return sets;
    }
}

/// <summary>How a reducer call ended, as its caller sees it: <c>ReducerOutcome</c>.</summary>
public abstract record ReducerOutcome
{
    private ReducerOutcome()
    {
    }

    /// <summary>Committed: the return value and the caller's own affected query sets (tag 0).</summary>
    public sealed record Ok(byte[] ReturnValue, IReadOnlyList<QuerySetUpdate> QuerySets) : ReducerOutcome;

    /// <summary>Committed with nothing to report (tag 1).</summary>
    public sealed record OkEmpty : ReducerOutcome;

    /// <summary>The reducer failed with an error value, BSATN-encoded; for ordinary reducers a string (tag 2).</summary>
    public sealed record Err(byte[] ErrorBsatn) : ReducerOutcome
    {
        /// <summary>An <see cref="Err"/> carrying a string message.</summary>
        public static Err FromMessage(string message)
        {
            var w = new BsatnWriter(message.Length + 8);
            w.WriteString(message);
            return new Err(w.ToArray());
        }
    }

    /// <summary>The call could not run or panicked (tag 3).</summary>
    public sealed record InternalError(string Message) : ReducerOutcome;

    internal void Write(BsatnWriter w)
    {
        switch (this)
        {
            case Ok ok:
                w.WriteSumTag(0);
                w.WriteBytes(ok.ReturnValue);
                QuerySetUpdate.WriteList(w, ok.QuerySets);
                break;
            case OkEmpty:
                w.WriteSumTag(1);
                break;
            case Err err:
                w.WriteSumTag(2);
                w.WriteBytes(err.ErrorBsatn);
                break;
            case InternalError ie:
                w.WriteSumTag(3);
                w.WriteString(ie.Message);
                break;
        }
    }

    internal static ReducerOutcome Read(ref BsatnReader r) => r.ReadSumTag(4, "ReducerOutcome") switch
    {
        0 => new Ok(r.ReadBytes().ToArray(), QuerySetUpdate.ReadList(ref r)),
        1 => new OkEmpty(),
        2 => new Err(r.ReadBytes().ToArray()),
        _ => new InternalError(r.ReadString()),
    };
}

/// <summary>How a procedure call ended: <c>ProcedureStatus</c>.</summary>
public abstract record ProcedureStatus
{
    private ProcedureStatus()
    {
    }

    /// <summary>The BSATN of the return value (tag 0).</summary>
    public sealed record Returned(byte[] Value) : ProcedureStatus;

    /// <summary>The call failed (tag 1).</summary>
    public sealed record InternalError(string Message) : ProcedureStatus;

    internal void Write(BsatnWriter w)
    {
        switch (this)
        {
            case Returned ret:
                w.WriteSumTag(0);
                w.WriteBytes(ret.Value);
                break;
            case InternalError ie:
                w.WriteSumTag(1);
                w.WriteString(ie.Message);
                break;
        }
    }

    internal static ProcedureStatus Read(ref BsatnReader r) =>
        r.ReadSumTag(2, "ProcedureStatus") == 0 ? new Returned(r.ReadBytes().ToArray()) : new InternalError(r.ReadString());
}
