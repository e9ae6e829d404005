namespace Meridian.Cli.Http;

/// <summary>Turns what the user typed after <c>-s</c> into the base URL the CLI keys tokens by.</summary>
internal static class ServerAddress
{
    /// <summary>The server used when <c>-s</c> is not given.</summary>
    public const string Default = "http://127.0.0.1:3000";

    /// <summary>
    /// <c>host:port</c> gets <c>http://</c>; a trailing slash goes; anything but an absolute
    /// http(s) URL without a query is refused.
    /// </summary>
    public static string Normalize(string server)
    {
        var text = server.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
            text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new CliException($"'{server}' is not a server URL.", "Give one like http://127.0.0.1:3000.");
        }
        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}
