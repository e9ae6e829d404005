namespace Meridian.Client.Http;

/// <summary>What a dump or restore is doing (<see cref="TransferProgress.Stage"/>).</summary>
public enum TransferStage
{
    /// <summary>The server is working and nothing moves on the wire yet: staging a dump, or applying an uploaded restore.</summary>
    WaitingForServer = 0,

    /// <summary>The dump is coming down.</summary>
    Downloading = 1,

    /// <summary>The dump is going up.</summary>
    Uploading = 2,
}
