using System.Net;

namespace Meridian.Client.Http;

/// <summary>A request to a server's HTTP API that failed; <see cref="Error"/> says how.</summary>
public sealed class MeridianHttpException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="message">The whole message, naming the server where that helps.</param>
    /// <param name="server">The server's URL.</param>
    /// <param name="status">The HTTP status, when the server answered.</param>
    /// <param name="serverMessage">What the server said (its error text), when it answered.</param>
    /// <param name="innerException">The transport's exception, if any.</param>
    public MeridianHttpException(
        MeridianHttpError error, string message, string server, HttpStatusCode? status = null, string? serverMessage = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Server = server;
        Status = status;
        ServerMessage = serverMessage;
    }

    /// <summary>Creates an <see cref="MeridianHttpError.Other"/> exception (for serializers and tests).</summary>
    public MeridianHttpException()
        : this(MeridianHttpError.Other, "The request failed.", "")
    {
    }

    /// <summary>Creates an <see cref="MeridianHttpError.Other"/> exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MeridianHttpException(string message)
        : this(MeridianHttpError.Other, message, "")
    {
    }

    /// <summary>Creates an <see cref="MeridianHttpError.Other"/> exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MeridianHttpException(string message, Exception innerException)
        : this(MeridianHttpError.Other, message, "", null, null, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public MeridianHttpError Error { get; }

    /// <summary>The server's URL (no trailing slash).</summary>
    public string Server { get; }

    /// <summary>The HTTP status, or null when the server did not answer.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The server's own error text (shortened when very long), or null when it did not answer.</summary>
    public string? ServerMessage { get; }
}
