namespace Meridian.Server.Limits;

/// <summary>
/// Per-identity limits, shared by all of an identity's connections and HTTP requests. A request over a limit
/// is answered with an error (the reducer, procedure, query or subscription fails with a message saying which
/// limit); the connection stays open and other identities are not affected. 0 turns a limit off (the default).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second per identity (WebSocket messages other than Unsubscribe, HTTP calls and SQL).</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Requests an idle identity may make at once before the per-second rate applies (0: one second's worth).</summary>
    public int Burst { get; init; }

    /// <summary>Reducer and procedure calls one identity may have running or waiting at the same time.</summary>
    public int MaxInFlightCalls { get; init; }

    /// <summary>True when any limit is on.</summary>
    public bool Enabled => RequestsPerSecond > 0 || MaxInFlightCalls > 0;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is negative or not a number.</exception>
    public void Validate()
    {
        if (double.IsNaN(RequestsPerSecond) || RequestsPerSecond < 0)
            throw new ArgumentException("The requests-per-second limit must be 0 (off) or positive.");
        if (Burst < 0)
            throw new ArgumentException("The burst must be 0 (one second's worth) or positive.");
        if (MaxInFlightCalls < 0)
            throw new ArgumentException("The in-flight calls limit must be 0 (off) or positive.");
    }
}
