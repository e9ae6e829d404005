using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace SpacetimeDB;

/// <summary>An HTTP protocol version.</summary>
public enum HttpVersion : byte
{
    /// <summary>HTTP/0.9.</summary>
    Http09,
    /// <summary>HTTP/1.0.</summary>
    Http10,
    /// <summary>HTTP/1.1.</summary>
    Http11,
    /// <summary>HTTP/2.</summary>
    Http2,
    /// <summary>HTTP/3.</summary>
    Http3,
}

/// <summary>An HTTP method.</summary>
/// <param name="Value">Its name, e.g. <c>GET</c>.</param>
public readonly record struct HttpMethod(string Value)
{
    /// <summary>GET.</summary>
    public static readonly HttpMethod Get = new("GET");
    /// <summary>HEAD.</summary>
    public static readonly HttpMethod Head = new("HEAD");
    /// <summary>POST.</summary>
    public static readonly HttpMethod Post = new("POST");
    /// <summary>PUT.</summary>
    public static readonly HttpMethod Put = new("PUT");
    /// <summary>DELETE.</summary>
    public static readonly HttpMethod Delete = new("DELETE");
    /// <summary>CONNECT.</summary>
    public static readonly HttpMethod Connect = new("CONNECT");
    /// <summary>OPTIONS.</summary>
    public static readonly HttpMethod Options = new("OPTIONS");
    /// <summary>TRACE.</summary>
    public static readonly HttpMethod Trace = new("TRACE");
    /// <summary>PATCH.</summary>
    public static readonly HttpMethod Patch = new("PATCH");
}

/// <summary>An HTTP header.</summary>
/// <param name="Name">The name.</param>
/// <param name="Value">The value's bytes.</param>
/// <param name="IsSensitive">Whether to keep it out of logs.</param>
[SuppressMessage("Performance", "CA1819", Justification = "Upstream's shape.")]
public readonly record struct HttpHeader(string Name, byte[] Value, bool IsSensitive = false)
{
    /// <summary>A header with a UTF-8 text value.</summary>
    public HttpHeader(string name, string value)
        : this(name, Encoding.UTF8.GetBytes(value))
    {
    }
}

/// <summary>An HTTP body.</summary>
/// <param name="Bytes">Its bytes.</param>
[SuppressMessage("Performance", "CA1819", Justification = "Upstream's shape.")]
public readonly record struct HttpBody(byte[] Bytes)
{
    /// <summary>No body.</summary>
    public static HttpBody Empty => new([]);

    /// <summary>The bytes.</summary>
    public byte[] ToBytes() => Bytes;

    /// <summary>The bytes as UTF-8 text (invalid sequences replaced).</summary>
    public string ToStringUtf8Lossy() => Encoding.UTF8.GetString(Bytes ?? []);

    /// <summary>A UTF-8 text body.</summary>
    public static HttpBody FromString(string s) => new(Encoding.UTF8.GetBytes(s));
}

/// <summary>An HTTP request a procedure sends.</summary>
public sealed class HttpRequest
{
    /// <summary>The absolute URI.</summary>
    [SuppressMessage("Design", "CA1056", Justification = "Upstream's shape: a string.")]
    public required string Uri { get; init; }

    /// <summary>The method (GET by default).</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>The headers.</summary>
    [SuppressMessage("Usage", "CA2227", Justification = "Upstream's shape.")]
    [SuppressMessage("Design", "CA1002", Justification = "Upstream's shape.")]
    public List<HttpHeader> Headers { get; init; } = [];

    /// <summary>The body.</summary>
    public HttpBody Body { get; init; } = HttpBody.Empty;

    /// <summary>The HTTP version.</summary>
    public HttpVersion Version { get; init; } = HttpVersion.Http11;

    /// <summary>The timeout (default 30 s, at most 180 s).</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>An HTTP response.</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="Version">The HTTP version.</param>
/// <param name="Headers">The headers.</param>
/// <param name="Body">The body.</param>
[SuppressMessage("Design", "CA1002", Justification = "Upstream's shape.")]
public readonly record struct HttpResponse(ushort StatusCode, HttpVersion Version, List<HttpHeader> Headers, HttpBody Body);

/// <summary>The request could not be sent or answered (bad URI, refused connection, timeout, inside a transaction).</summary>
/// <param name="message">What went wrong.</param>
[SuppressMessage("Design", "CA1032", Justification = "Upstream's shape: one constructor.")]
[SuppressMessage("Naming", "CA1710", Justification = "Upstream's name.")]
public sealed class HttpError(string message) : Exception(message);

/// <summary>
/// Sends HTTP requests from a procedure: real requests, with a timeout (default 30 s, at most 180 s).
/// Not allowed inside a transaction (<c>WithTx</c>), which must not wait on the network.
/// </summary>
public sealed class HttpClient
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(180);
    private static readonly System.Net.Http.HttpClient Shared = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>A GET request.</summary>
    [SuppressMessage("Design", "CA1054", Justification = "Upstream's shape: a string.")]
    public Result<HttpResponse, HttpError> Get(string uri, TimeSpan? timeout = null) =>
        Send(new HttpRequest { Uri = uri, Timeout = timeout });

    /// <summary>Sends <paramref name="request"/> and waits for the whole response.</summary>
    [SuppressMessage("Design", "CA1031", Justification = "Every failure becomes an HttpError result, as upstream.")]
    [SuppressMessage("Performance", "CA1822", Justification = "Upstream's shape: an instance method on ctx.Http.")]
    public Result<HttpResponse, HttpError> Send(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Internal.ModuleHost.IsBound)
            return new HttpError("HTTP requests are not allowed inside a transaction.");
        if (!System.Uri.TryCreate(request.Uri, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            return new HttpError($"Invalid URI '{request.Uri}': an absolute http or https URI is required.");
        var timeout = request.Timeout ?? DefaultTimeout;
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
            timeout = timeout <= TimeSpan.Zero ? DefaultTimeout : MaxTimeout;
        using var message = new HttpRequestMessage(new System.Net.Http.HttpMethod(request.Method.Value), uri)
        {
            Version = request.Version switch
            {
                HttpVersion.Http10 => System.Net.HttpVersion.Version10,
                HttpVersion.Http2 => System.Net.HttpVersion.Version20,
                HttpVersion.Http3 => System.Net.HttpVersion.Version30,
                _ => System.Net.HttpVersion.Version11,
            },
        };
        var body = request.Body.Bytes ?? [];
        if (body.Length > 0 || request.Method != HttpMethod.Get)
            message.Content = new ByteArrayContent(body);
        foreach (var h in request.Headers)
        {
            var value = Encoding.UTF8.GetString(h.Value ?? []);
            if (!message.Headers.TryAddWithoutValidation(h.Name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(h.Name, value);
            }
        }
        // Other procedures of the database may run while this one waits (as upstream's do at an HTTP await).
        using var aside = Internal.ModuleHost.CurrentProcedure?.StepAside();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var response = Shared.Send(message, HttpCompletionOption.ResponseContentRead, cts.Token);
            using var stream = response.Content.ReadAsStream(cts.Token);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var headers = response.Headers.Concat(response.Content.Headers)
                .SelectMany(h => h.Value.Select(v => new HttpHeader(h.Key, v)))
                .ToList();
            var version = response.Version.Major switch
            {
                2 => HttpVersion.Http2,
                3 => HttpVersion.Http3,
                _ => response.Version.Minor == 0 ? HttpVersion.Http10 : HttpVersion.Http11,
            };
            return new HttpResponse((ushort)response.StatusCode, version, headers, new HttpBody(buffer.ToArray()));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return new HttpError($"The request to {uri} timed out after {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e)
        {
            return new HttpError($"The request to {uri} failed: {e.Message}");
        }
    }
}
