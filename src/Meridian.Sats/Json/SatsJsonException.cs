namespace Meridian.Sats.Json;

/// <summary>JSON that does not describe a value of the expected type; the message names the path and what was expected.</summary>
public sealed class SatsJsonException : FormatException
{
    /// <summary>Creates the error.</summary>
    public SatsJsonException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public SatsJsonException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
