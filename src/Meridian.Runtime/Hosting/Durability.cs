namespace Meridian.Runtime.Hosting;

/// <summary>When a commit counts as done.</summary>
public enum Durability
{
    /// <summary>Once it is on disk: group commit, one fsync per batch (the default).</summary>
    Sync = 0,

    /// <summary>Once it is written; fsync runs periodically, so a crash may lose the last few milliseconds.</summary>
    Async = 1,
}
