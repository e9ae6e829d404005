namespace Meridian.Client.Http;

/// <summary>What went wrong with a request to a server's HTTP API (<see cref="MeridianHttpException.Error"/>).</summary>
public enum MeridianHttpError
{
    /// <summary>The server could not be reached: connection refused, unknown host, TLS failure.</summary>
    Unreachable = 0,

    /// <summary>The server did not answer within <see cref="MeridianHttpClientOptions.RequestTimeout"/>.</summary>
    Timeout = 1,

    /// <summary>401 without a permission answer: the server does not accept the token (issued elsewhere, or its keys changed).</summary>
    TokenRejected = 2,

    /// <summary>The identity may not do this: 403, or a <c>{"PermissionDenied": …}</c> answer (a name that belongs to another identity).</summary>
    PermissionDenied = 3,

    /// <summary>404: no such database, reducer or procedure.</summary>
    NotFound = 4,

    /// <summary>530: the reducer or procedure ran and failed; <see cref="MeridianHttpException.ServerMessage"/> is its error.</summary>
    CallFailed = 5,

    /// <summary>400: the request is wrong (bad SQL, bad arguments, a refused migration, ...).</summary>
    BadRequest = 6,

    /// <summary>409: the request conflicts with what is there (a restore over an existing database without replace, ...).</summary>
    Conflict = 7,

    /// <summary>429: over the server's per-identity rate limits.</summary>
    TooManyRequests = 8,

    /// <summary>Any other unsuccessful status.</summary>
    Other = 9,

    /// <summary>A successful status whose body is not what the API promises.</summary>
    InvalidAnswer = 10,
}
