namespace Meridian.Client.Http;

/// <summary>How a <see cref="MeridianHttpClient"/> reaches its server.</summary>
public sealed class MeridianHttpClientOptions
{
    /// <summary>The server: a URL (<c>https://db.example.com</c>) or <c>host:port</c>, normalised by <see cref="ServerAddress.Normalize"/>.</summary>
    public string Server { get; set; } = ServerAddress.Default;

    /// <summary>
    /// The token sent as <c>Authorization: Bearer</c>, or null to send none (the server then treats
    /// each request as a new anonymous identity). <see cref="MeridianHttpClient.CreateIdentityAsync"/> gets one.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How long one request may take before it fails with <see cref="MeridianHttpError.Timeout"/> (default 100 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The product named in the <c>User-Agent</c> header (default <c>meridian-client</c>).</summary>
    public string UserAgent { get; set; } = "meridian-client";

    /// <summary>The handler requests go through (null: a new <see cref="HttpClientHandler"/>); it is not disposed with the client.</summary>
    public HttpMessageHandler? Handler { get; set; }
}
