namespace Meridian.Server.Auth;

/// <summary>A token that cannot be accepted. <see cref="Malformed"/> tokens get 400, others 401.</summary>
public sealed class TokenException : Exception
{
    /// <summary>Creates the error.</summary>
    public TokenException(string message, bool malformed)
        : base(message)
    {
        Malformed = malformed;
    }

    /// <summary>True when the token is not even a well-formed JWT (HTTP 400), false when it is well-formed but not valid (401).</summary>
    public bool Malformed { get; }

    /// <summary>True when the signature is not this server's (the token may come from a trusted external issuer).</summary>
    internal bool NotSignedHere { get; init; }
}
