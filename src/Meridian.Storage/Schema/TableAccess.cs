namespace Meridian.Storage.Schema;

/// <summary>Who may read a table from outside the module. Persisted: values may only grow.</summary>
public enum TableAccess : byte
{
    /// <summary>Any client may query and subscribe to the table.</summary>
    Public = 0,

    /// <summary>Only the module (and the database owner) may read the table.</summary>
    Private = 1,
}
