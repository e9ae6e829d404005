namespace Meridian.Client.Http;

/// <summary>What a dump, restore or publish is doing (<see cref="TransferProgress.Stage"/>).</summary>
public enum TransferStage
{
    /// <summary>The server is working and nothing moves on the wire yet: staging a dump, applying an uploaded restore, planning or loading a module.</summary>
    WaitingForServer = 0,

    /// <summary>The dump is coming down.</summary>
    Downloading = 1,

    /// <summary>The dump or the module is going up.</summary>
    Uploading = 2,
}
