namespace Meridian.Server.PgWire;

/// <summary>A client broke the protocol (or was refused at start-up): it gets a FATAL ErrorResponse and the connection is closed.</summary>
internal sealed class PgProtocolException(string sqlState, string message) : Exception(message)
{
    /// <summary>The SQLSTATE sent with the error.</summary>
    public string SqlState { get; } = sqlState;
}
