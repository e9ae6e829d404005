namespace Meridian.Client;

/// <summary>
/// A typed subscription query over rows of <typeparamref name="TRow"/>, built from the generated
/// <c>QueryBuilder</c> (<c>qb.From.Player().Where(c => c.Score.Gt(100))</c>) and sent as SQL.
/// </summary>
/// <typeparam name="TRow">The row type the query returns.</typeparam>
public interface IQuery<TRow>
{
    /// <summary>The query as the SQL <c>SELECT</c> the server runs.</summary>
    string ToSql();
}
