namespace Meridian.Storage.Schema;

/// <summary>How an index is organised. Persisted: values may only grow.</summary>
public enum IndexAlgorithm : byte
{
    /// <summary>An ordered index: point, prefix and range scans.</summary>
    BTree = 0,

    /// <summary>
    /// A point-lookup index. Meridian serves it with the same ordered structure as a btree (so it
    /// costs the same), but refuses range scans on it so that modules stay portable.
    /// </summary>
    Hash = 1,
}
