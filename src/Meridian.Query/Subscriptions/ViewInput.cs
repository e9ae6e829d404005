using Meridian.Sats.Rows;
using Meridian.Storage;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// Where a query reads a view (a source whose <see cref="Catalog.SqlTable.IsView"/> is set): the view's rows,
/// held in a store of its own under the view's table id, before and after one commit, and the rows that
/// entered and left it then. For a full evaluation only <see cref="After"/> is read.
/// </summary>
/// <param name="Before">The view's rows before the commit.</param>
/// <param name="After">The view's rows after the commit (or now, for a full evaluation).</param>
/// <param name="Inserts">Rows that entered the view.</param>
/// <param name="Deletes">Rows that left the view.</param>
public sealed record ViewInput(StateReader Before, StateReader After, RowList Inserts, RowList Deletes)
{
    /// <summary>The view's rows in <paramref name="state"/>, unchanged (a full evaluation, or a commit that did not move the view).</summary>
    public static ViewInput At(StateReader state) => new(state, state, RowList.Empty, RowList.Empty);
}
