using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Meridian.Cli.Config;

namespace Meridian.Cli.Http;

/// <summary>
/// Talks to one server's HTTP API (protocol.md §8) as the identity saved for it, creating and
/// saving one with <c>POST /v1/identity</c> the first time. Every request carries
/// <c>Authorization: Bearer</c>. A 401 that is not a permission answer means the server does not
/// accept the token, which the user learns how to fix.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly CliConfig _config;
    private readonly TextWriter _log;
    private ServerCredentials? _credentials;
    private bool _credentialsAreNew;

    public ServerClient(string server, CliConfig config, TextWriter log)
    {
        Server = server;
        _config = config;
        _log = log;
        _http = new HttpClient { BaseAddress = new Uri(server + "/"), Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("meridian-cli", typeof(ServerClient).Assembly.GetName().Version?.ToString(3)));
    }

    /// <summary>The normalised server URL, also the key of its token in the configuration.</summary>
    public string Server { get; }

    /// <summary>Sends a request and reads the whole answer.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUrl">The path and query after the server URL, e.g. <c>v1/database/chat/sql</c>.</param>
    /// <param name="content">The body, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string relativeUrl, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await SendCoreAsync(method, relativeUrl, content, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var answer = new ApiResponse(response.StatusCode, response.ReasonPhrase, body, response.Content.Headers.ContentType?.MediaType);
            ThrowIfTokenRejected(answer);
            return answer;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{Server} did not answer within {RequestTimeout.TotalMinutes:0} minutes.");
        }
    }

    /// <summary>
    /// Sends a request and returns as soon as the headers arrive, for answers read as a stream
    /// (<c>logs --follow</c>). Error answers are read whole and thrown as <see cref="CliException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendStreamingAsync(HttpMethod method, string relativeUrl, CancellationToken cancellationToken)
    {
        var response = await SendCoreAsync(method, relativeUrl, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var answer = new ApiResponse(response.StatusCode, response.ReasonPhrase, body, response.Content.Headers.ContentType?.MediaType);
            ThrowIfTokenRejected(answer);
            throw answer.ToError();
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method, string relativeUrl, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var credentials = await GetCredentialsAsync(cancellationToken);
        using var request = new HttpRequestMessage(method, relativeUrl) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Token);
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>The identity and token this CLI uses on the server, created there on first use.</summary>
    public async Task<ServerCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (_credentials is not null)
            return _credentials;
        _credentials = _config.Find(Server);
        if (_credentials is not null)
            return _credentials;

        _credentials = await CreateIdentityAsync(cancellationToken);
        _credentialsAreNew = true;
        _config.Set(Server, _credentials);
        _log.WriteLine($"Created identity {_credentials.Identity ?? "(unknown)"} on {Server}; its token is saved in {_config.Path}.");
        return _credentials;
    }

    /// <summary>Asks the server for a new identity (<c>POST /v1/identity</c>); saves nothing.</summary>
    public async Task<ServerCredentials> CreateIdentityAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync("v1/identity", null, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new CliException($"{Server} did not give this CLI an identity: {ApiResponse.Describe(response.StatusCode, response.ReasonPhrase, body)}");
            return ParseIdentity(body);
        }
    }

    /// <summary>
    /// Sends a GET with <paramref name="token"/> instead of the saved credentials (none when null), for
    /// <c>server ping</c> and checking a token before it is saved.
    /// </summary>
    public async Task<ApiResponse> GetWithTokenAsync(string relativeUrl, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, relativeUrl);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return new ApiResponse(response.StatusCode, response.ReasonPhrase, body, response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{Server} did not answer within 30 seconds.");
        }
    }

    private ServerCredentials ParseIdentity(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
                && !string.IsNullOrEmpty(token.GetString()))
            {
                var identity = root.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                return new ServerCredentials(identity, token.GetString()!);
            }
        }
        catch (JsonException)
        {
        }
        throw new CliException($"{Server} answered POST /v1/identity with something other than {{\"identity\", \"token\"}}: {ApiResponse.Shorten(body)}");
    }

    private void ThrowIfTokenRejected(ApiResponse answer)
    {
        if (answer.Status != HttpStatusCode.Unauthorized || answer.DeniedDatabaseName is not null)
            return;
        var message = $"{Server} rejected this CLI's token: {answer.Message}";
        if (_credentialsAreNew)
            throw new CliException(message);
        throw new CliException(
            message,
            $"The token saved for {Server} in {_config.Path} was probably issued by another server (or this server's keys changed). "
            + $"Run `meridian logout -s {Server}` to forget it; the next command creates a new identity.");
    }

    private CliException Unreachable(HttpRequestException e) =>
        new($"could not reach {Server}: {e.Message}", "Is a Meridian server running there? Start one with `meridian start`, or pass another with -s URL.");
}
