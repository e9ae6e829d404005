namespace Meridian.Client.Http;

/// <summary>A dump written by <see cref="MeridianHttpClient.DumpAsync"/>.</summary>
/// <param name="Offset">The transaction offset the dump holds the database at.</param>
/// <param name="Tables">How many tables it holds.</param>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="Bytes">Its size.</param>
public sealed record DumpInfo(ulong? Offset, long? Tables, long? Rows, long Bytes);
