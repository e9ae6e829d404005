using Meridian.Protocol.Framing;

namespace Meridian.Server.Sessions;

/// <summary>Which connections get the compression they ask for (<c>?compression=Gzip|Brotli|None</c>).</summary>
public enum CompressionPolicy
{
    /// <summary>
    /// Honour the request on v2 connections (one message per frame; the C# SDK decodes frames in arrival order);
    /// send v3 (batched) connections uncompressed. The one v3 client, the TypeScript SDK, decompresses frames
    /// asynchronously and handles each when its decompression finishes, so a compressed frame can be overtaken
    /// by a later, smaller one and the client cache ends up wrong (upstream #5730).
    /// </summary>
    Auto = 0,

    /// <summary>Honour the request on every connection (for clients that decode frames in order).</summary>
    Always = 1,

    /// <summary>Never compress.</summary>
    Never = 2,
}

/// <summary>Server-side compression of frames.</summary>
public sealed class CompressionOptions
{
    /// <summary>Which connections are compressed (default <see cref="CompressionPolicy.Auto"/>).</summary>
    public CompressionPolicy Policy { get; init; } = CompressionPolicy.Auto;

    /// <summary>Frame bodies up to this many bytes go uncompressed (default 1024, as upstream).</summary>
    public int ThresholdBytes { get; init; } = ServerFrame.CompressionThreshold;

    /// <summary>
    /// The compression for one connection, decided once when it opens: every frame of the connection is then
    /// compressed with it when over the threshold, in the session's one running flush, so frames leave in order.
    /// </summary>
    public Compression ForConnection(Compression requested, bool batched) => Policy switch
    {
        CompressionPolicy.Never => Compression.None,
        CompressionPolicy.Auto when batched => Compression.None,
        _ => requested,
    };
}
