namespace Meridian.Client.Http;

/// <summary>How far a dump, restore or publish has got, reported about once per <see cref="MeridianHttpClient.ProgressInterval"/>.</summary>
/// <param name="Stage">What it is doing.</param>
/// <param name="Bytes">Bytes moved so far in this stage (0 while waiting for the server).</param>
/// <param name="TotalBytes">The bytes this stage moves in all, when known.</param>
/// <param name="Elapsed">Time since the stage began.</param>
public readonly record struct TransferProgress(TransferStage Stage, long Bytes, long? TotalBytes, TimeSpan Elapsed);
