using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

/// <summary>
/// What a view returned: its rows as BSATN (in the order produced, duplicates kept), or for a view
/// returning a query, the query's SQL, which the host then maintains as a live query.
/// </summary>
public sealed class ViewResult
{
    private ViewResult(IReadOnlyList<byte[]>? rows, string? sql)
    {
        Rows = rows ?? [];
        Sql = sql;
    }

    /// <summary>The rows (empty for a query view).</summary>
    public IReadOnlyList<byte[]> Rows { get; }

    /// <summary>The SQL of a query view, else null.</summary>
    public string? Sql { get; }

    /// <summary>A query result.</summary>
    public static ViewResult Query(string sql) => new(null, sql);

    /// <summary>Encodes every row of <paramref name="rows"/> (a null list is empty).</summary>
    public static ViewResult FromRows<T, TRW>(IEnumerable<T>? rows)
        where TRW : struct, IReadWrite<T>
    {
        var list = new List<byte[]>();
        if (rows is not null)
        {
            var w = new Meridian.Sats.Bsatn.BsatnWriter(64);
            foreach (var row in rows)
            {
                w.Reset();
                default(TRW).Write(w, row);
                list.Add(w.ToArray());
            }
        }
        return new ViewResult(list, null);
    }

    /// <summary>Zero or one row from a value-type option.</summary>
    public static ViewResult FromValue<T, TRW>(T? row)
        where T : struct
        where TRW : struct, IReadWrite<T> =>
        row is { } r ? FromRows<T, TRW>([r]) : FromRows<T, TRW>(null);

    /// <summary>Zero or one row from a reference-type option.</summary>
    public static ViewResult FromReference<T, TRW>(T? row)
        where T : class
        where TRW : struct, IReadWrite<T> =>
        row is not null ? FromRows<T, TRW>([row]) : FromRows<T, TRW>(null);
}

/// <summary>Runs a view for a caller (null for an anonymous view) against the bound host.</summary>
public delegate ViewResult ViewInvoker(Identity? sender);

/// <summary>One view of a module.</summary>
/// <param name="Id">Its position among the module's views.</param>
/// <param name="Name">Its source name.</param>
/// <param name="IsAnonymous">True when it takes an <c>AnonymousViewContext</c> (one result for everyone).</param>
/// <param name="Invoker">Runs it.</param>
public sealed record ViewDescriptor(int Id, string Name, bool IsAnonymous, ViewInvoker Invoker);
