using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Meridian.Client.Http;

/// <summary>
/// A client of one server's HTTP API (the <c>/v1</c> routes SpacetimeDB defines, plus Meridian's own
/// dump, restore and history): identities, publishing, reducer and procedure calls, SQL, schemas,
/// logs and backups. Every request carries <see cref="Token"/> as <c>Authorization: Bearer</c> when
/// there is one. Failures throw <see cref="MeridianHttpException"/>, whose
/// <see cref="MeridianHttpException.Error"/> says what went wrong. The <c>meridian</c> command speaks
/// to servers through this class. Thread-safe for concurrent requests.
/// </summary>
public sealed partial class MeridianHttpClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of <paramref name="server"/> using <paramref name="token"/> (none when null).</summary>
    /// <param name="server">A URL or <c>host:port</c>.</param>
    /// <param name="token">The bearer token, or null.</param>
    /// <exception cref="FormatException"><paramref name="server"/> is not a server URL.</exception>
    public MeridianHttpClient(string server, string? token = null)
        : this(new MeridianHttpClientOptions { Server = server, Token = token })
    {
    }

    /// <summary>A client as <paramref name="options"/> describe.</summary>
    /// <param name="options">The server, token, timeout and handler.</param>
    /// <exception cref="FormatException">The server is not a server URL.</exception>
    public MeridianHttpClient(MeridianHttpClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), "RequestTimeout must be positive (or infinite).");
        Server = ServerAddress.Normalize(options.Server);
        Token = options.Token;
        RequestTimeout = options.RequestTimeout;
        _http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _http.BaseAddress = new Uri(Server + "/");
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(options.UserAgent, ClientVersion));
    }

    /// <summary>The server's normalised URL, without a trailing slash.</summary>
    public string Server { get; }

    /// <summary>The bearer token sent with each request, or null for none. May be changed between requests.</summary>
    public string? Token { get; set; }

    /// <summary>How long one request may take.</summary>
    public TimeSpan RequestTimeout { get; }

    private static string? ClientVersion => typeof(MeridianHttpClient).Assembly.GetName().Version?.ToString(3);

    /// <summary>
    /// Sends any request of the API and reads the whole answer, successful or not; throws only when
    /// the server cannot be reached or does not answer in time. The typed methods are built on it.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUrl">The path and query after the server URL, e.g. <c>v1/database/chat/sql</c>.</param>
    /// <param name="content">The body, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException"><see cref="MeridianHttpError.Unreachable"/> or <see cref="MeridianHttpError.Timeout"/>.</exception>
    public Task<HttpApiResponse> SendAsync(HttpMethod method, string relativeUrl, HttpContent? content = null, CancellationToken cancellationToken = default) =>
        SendAsync(method, relativeUrl, content, Token, cancellationToken);

    /// <summary>
    /// Sends a request and returns as soon as the headers of a successful answer arrive, for bodies
    /// read as a stream (followed logs, dumps). An unsuccessful answer is read whole and thrown.
    /// The caller disposes the response.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUrl">The path and query after the server URL.</param>
    /// <param name="content">The body, or null.</param>
    /// <param name="cancellationToken">Cancels the request (and reading its body).</param>
    /// <exception cref="MeridianHttpException">The request failed or the server answered with an error.</exception>
    public async Task<HttpResponseMessage> SendStreamingAsync(
        HttpMethod method, string relativeUrl, HttpContent? content = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var response = await SendCoreAsync(method, relativeUrl, content, Token, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return response;
            using (response)
                throw (await ReadAsync(response, timeout.Token).ConfigureAwait(false)).ToException(Server);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    /// <summary>Disposes the underlying <see cref="HttpClient"/>.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>One database's path segment: <c>v1/database/NAME</c>, escaped.</summary>
    /// <param name="database">A database name or identity.</param>
    public static string DatabasePath(string database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return "v1/database/" + Uri.EscapeDataString(database);
    }

    private async Task<HttpApiResponse> SendAsync(
        HttpMethod method, string relativeUrl, HttpContent? content, string? token, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await SendCoreAsync(method, relativeUrl, content, token, HttpCompletionOption.ResponseContentRead, timeout.Token)
                .ConfigureAwait(false);
            return await ReadAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    // Sends a request and throws its error answer; returns the successful one.
    private async Task<HttpApiResponse> RequestAsync(HttpMethod method, string relativeUrl, HttpContent? content, CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, relativeUrl, content, Token, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw response.ToException(Server);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method, string relativeUrl, HttpContent? content, string? token, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, relativeUrl) { Content = content };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new MeridianHttpException(MeridianHttpError.Unreachable, $"could not reach {Server}: {e.Message}", Server, innerException: e);
        }
    }

    private static async Task<HttpApiResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
#if NET
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
#else
        cancellationToken.ThrowIfCancellationRequested();
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
            headers[header.Key] = string.Join(",", header.Value);
        foreach (var header in response.Content.Headers)
            headers[header.Key] = string.Join(",", header.Value);
        return new HttpApiResponse(response.StatusCode, response.ReasonPhrase, body, response.Content.Headers.ContentType?.MediaType, headers);
    }

    private MeridianHttpException TimedOut() => new(MeridianHttpError.Timeout, $"{Server} did not answer within {Describe(RequestTimeout)}.", Server);

    private static string Describe(TimeSpan time) => time.TotalSeconds >= 120 && time.Seconds == 0
        ? $"{(int)time.TotalMinutes} minutes"
        : $"{(int)time.TotalSeconds} seconds";

    private MeridianHttpException Invalid(string what, string body) =>
        new(MeridianHttpError.InvalidAnswer, $"{Server} answered {what} with something the API does not define: {HttpApiResponse.Shorten(body)}", Server);

    // Parses a JSON answer; a body that is not JSON is an InvalidAnswer naming the request.
    private T ParseJson<T>(HttpApiResponse response, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            return read(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid(what, response.Body);
        }
    }
}
