namespace Meridian.Client.Http;

/// <summary>How <see cref="MeridianHttpClient.PublishAsync"/> publishes.</summary>
public sealed class PublishOptions
{
    /// <summary>Delete the database's data and start afresh with the module (<c>?clear=true</c>).</summary>
    public bool ClearData { get; set; }

    /// <summary>
    /// Accept a migration that disconnects every client: the <see cref="MigrationPlan.Token"/> that
    /// <see cref="MeridianHttpClient.PlanPublishAsync(string, byte[], IProgress{TransferProgress}?, CancellationToken)"/>
    /// returned for this very module (<c>?policy=BreakClients&amp;token=…</c>).
    /// </summary>
    public string? BreakClientsToken { get; set; }

    /// <summary>
    /// Told how much of the module has gone up (<see cref="TransferStage.Uploading"/>) about once per
    /// <see cref="MeridianHttpClient.ProgressInterval"/> and once at the end, then how long the server has been loading
    /// it (<see cref="TransferStage.WaitingForServer"/>); null for silence.
    /// </summary>
    public IProgress<TransferProgress>? Progress { get; set; }
}
