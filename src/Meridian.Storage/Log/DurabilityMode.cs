namespace Meridian.Storage.Log;

/// <summary>When the commit log fsyncs. Both modes are write-behind: commits are visible before they are durable.</summary>
public enum DurabilityMode
{
    /// <summary>Group commit: the log drains its queue, writes the batch, fsyncs once, then publishes the durable offset.</summary>
    Sync = 0,

    /// <summary>The log writes as commits arrive and fsyncs periodically (see <see cref="DatastoreOptions.AsyncSyncInterval"/>).</summary>
    Async = 1,
}
