namespace Meridian.Runtime.Sql;

/// <summary>What kind of statement produced a <see cref="SqlStatementResult"/> (wire protocols name it in their replies).</summary>
public enum SqlStatementKind
{
    /// <summary>A SELECT (also of a view or of the past).</summary>
    Select = 0,
    /// <summary>An INSERT.</summary>
    Insert = 1,
    /// <summary>An UPDATE.</summary>
    Update = 2,
    /// <summary>A DELETE.</summary>
    Delete = 3,
    /// <summary>A SET of a database variable.</summary>
    Set = 4,
    /// <summary>A SHOW of a database variable.</summary>
    Show = 5,
    /// <summary>An EXPLAIN of a SELECT.</summary>
    Explain = 6,
}
