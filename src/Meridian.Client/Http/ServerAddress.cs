namespace Meridian.Client.Http;

/// <summary>Turns what a user typed as a server (<c>host:port</c>, a URL) into the base URL the HTTP client uses.</summary>
public static class ServerAddress
{
    /// <summary>The address <c>meridian start</c> listens on by default.</summary>
    public const string Default = "http://127.0.0.1:3000";

    /// <summary>
    /// <c>host:port</c> gets <c>http://</c>; a trailing slash goes; anything but an absolute
    /// http(s) URL without a query or fragment is refused.
    /// </summary>
    /// <param name="server">The server as typed.</param>
    /// <exception cref="FormatException">It is not a server URL.</exception>
    public static string Normalize(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var text = server.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
            text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new FormatException($"'{server}' is not a server URL.");
        }
        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}
