namespace Meridian.Protocol.Framing;

/// <summary>
/// The compression a client asked for (<c>?compression=</c>) and the tag byte that starts every
/// server frame. Tag values are on the wire: None 0, Brotli 1, Gzip 2.
/// </summary>
public enum Compression : byte
{
    /// <summary>Plain BSATN.</summary>
    None = 0,
    /// <summary>A brotli stream.</summary>
    Brotli = 1,
    /// <summary>A gzip stream.</summary>
    Gzip = 2,
}
