using System.Diagnostics.CodeAnalysis;

namespace SpacetimeDB;

/// <summary>
/// Marks a <c>public static readonly Filter</c> field as a client visibility filter (row-level
/// security): clients other than the owner see only the rows of the filter's table that its SQL
/// selects. Experimental, as upstream: modules write <c>#pragma warning disable STDB_UNSTABLE</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
[Experimental("STDB_UNSTABLE")]
public sealed class ClientVisibilityFilterAttribute : Attribute;

/// <summary>
/// A client visibility filter: <c>new Filter.Sql("SELECT * FROM t WHERE t.owner = :sender")</c>.
/// The SQL selects whole rows of one table (joins allowed); <c>:sender</c> is the reading client.
/// </summary>
public abstract record Filter : TaggedEnum<(string Sql, Unit _Unused)>
{
    private Filter()
    {
    }

    /// <summary>A filter written in SQL.</summary>
    /// <param name="Sql_">The query selecting the visible rows.</param>
    [SuppressMessage("Naming", "CA1707", Justification = "Upstream's payload name.")]
    public sealed record Sql(string Sql_) : Filter;

    /// <summary>Reserved by upstream; never a valid filter.</summary>
    /// <param name="_Unused_">Nothing.</param>
    [SuppressMessage("Naming", "CA1707", Justification = "Upstream's variant name.")]
    public sealed record _Unused(Unit _Unused_) : Filter;
}

/// <summary>
/// Marks a static method taking a <c>ProcedureContext</c> as a procedure: a function clients call
/// that runs outside any transaction and returns a value; it opens transactions with <c>ctx.WithTx</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProcedureAttribute : Attribute
{
    /// <summary>An explicit canonical name.</summary>
    public string? Name { get; init; }
}
