using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Rows;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// The WHERE of a subscription over one table's rows, tested on row bytes one row at a time. For live
/// results whose rows come from elsewhere (a view's rows): the condition is applied to the rows that
/// enter and leave as they come, since a row's membership depends on that row alone.
/// </summary>
public sealed class RowCondition
{
    private readonly Predicate? _predicate;

    private RowCondition(Predicate? predicate, string signature)
    {
        _predicate = predicate;
        Signature = signature;
    }

    /// <summary>The condition in canonical form: equal signatures select the same rows of the same table.</summary>
    public string Signature { get; }

    /// <summary>
    /// Binds the WHERE of <paramref name="select"/> (a subscription of whole rows of <paramref name="table"/>, no
    /// join, order or limit) against the table's columns; <paramref name="sender"/> is the value of <c>:sender</c>.
    /// </summary>
    /// <exception cref="SqlException">The SELECT reads another shape, or a column or type does not fit.</exception>
    public static RowCondition Compile(SelectStatement select, SqlTable table, Identity sender)
    {
        if (select.Joins.Count > 0 || select.OrderBy.Count > 0 || select.Limit is not null || select.Offset is not null
            || select.Projection is not SqlProjection.Star)
            throw new SqlException($"A live read of '{table.Name}' may only filter its whole rows (WHERE); it cannot join, order or limit them.");
        var block = QueryBlock.From(Binder.BindSelect(select, new SqlCatalog([table]), sender, isOwner: true));
        return new RowCondition(Predicate.CompileAll(block.Conjuncts, block.Sources), block.Signature);
    }

    /// <summary>Whether <paramref name="row"/> (BSATN of the table's row type) meets the condition.</summary>
    public bool Matches(ReadOnlyMemory<byte> row) => _predicate is null || _predicate.Test([row]);

    /// <summary>The rows of <paramref name="rows"/> that meet the condition, in order (the list itself when all do).</summary>
    public RowList Filter(RowList rows)
    {
        if (_predicate is null || rows.Count == 0)
            return rows;
        // One tuple per call, not per instance: initial evaluation may run on another thread than deltas.
        var tuple = new ReadOnlyMemory<byte>[1];
        var kept = new RowList.Builder();
        var all = true;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            tuple[0] = row;
            if (_predicate.Test(tuple))
                kept.Add(row.Span);
            else
                all = false;
        }
        return all ? rows : kept.Build();
    }
}
