namespace Meridian.Sats.Bsatn;

/// <summary>
/// Input that is not valid BSATN for the expected type: truncated, a bad bool byte, an unknown
/// sum tag, a length beyond the remaining bytes, invalid UTF-8. The message names what was being
/// read, where, and (for schema-driven decoding) the path to it, e.g. <c>row.name</c>.
/// </summary>
public sealed class BsatnDecodeException : FormatException
{
    private readonly List<string> _path = [];

    /// <summary>Byte offset into the input where the problem was found.</summary>
    public int Offset { get; }

    /// <summary>The problem, without the path.</summary>
    public string Problem { get; }

    /// <summary>Path from the outermost value to the failing one (field names, <c>[i]</c> for array elements).</summary>
    public string Path => string.Join("", _path);

    /// <summary>Creates a decode error at an offset.</summary>
    public BsatnDecodeException(string message, int offset)
        : base(message)
    {
        Problem = message;
        Offset = offset;
    }

    /// <inheritdoc />
    public override string Message => _path.Count == 0 ? Problem : $"{Problem} (in {Path.TrimStart('.')})";

    /// <summary>Records that the failure happened inside <paramref name="segment"/> (added outermost-last).</summary>
    internal BsatnDecodeException Within(string segment)
    {
        _path.Insert(0, segment);
        return this;
    }
}
