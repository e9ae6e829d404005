using Meridian.Runtime.Logging;
using Meridian.Sats;
using SpacetimeDB.Internal;

namespace Meridian.Runtime;

/// <summary>An HTTP request for one of a module's routes.</summary>
/// <param name="Method">The method, e.g. <c>GET</c>.</param>
/// <param name="Path">The path below the database's <c>/route</c> (empty for <c>/route</c> itself).</param>
/// <param name="Uri">The full URI the client requested.</param>
/// <param name="Headers">The headers, in order.</param>
/// <param name="Body">The body.</param>
/// <param name="Version">The protocol version as ASP.NET names it (<c>HTTP/1.1</c>).</param>
public sealed record ModuleHttpRequest(
    string Method, string Path, string Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body, string Version);

/// <summary>What a module's HTTP handler answered.</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="Headers">The headers, in order (values as bytes, as the module gave them).</param>
/// <param name="Body">The body.</param>
public sealed record ModuleHttpResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, byte[]>> Headers, byte[] Body);

public sealed partial class Database
{
    /// <summary>
    /// Serves <paramref name="request"/> with the module's HTTP handler for its method and path, or
    /// returns null when no route matches. The handler runs like a procedure: on a thread of its own,
    /// outside the writer, taking it only for the transactions it opens; it runs as the zero identity
    /// (handler routes are unauthenticated). A handler that throws answers 500 with its message.
    /// </summary>
    public Task<ModuleHttpResponse?> CallHttpHandlerAsync(ModuleHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        var active = _active;
        if (active.Module.Descriptor.MatchHttpRoute(request.Method, request.Path) is not { } handler)
            return Task.FromResult<ModuleHttpResponse?>(null);
        return Task.Run(() => (ModuleHttpResponse?)RunHttpHandler(active, handler, request));
    }

    private ModuleHttpResponse RunHttpHandler(Modules.ActiveModule active, HttpHandlerDescriptor handler, ModuleHttpRequest request)
    {
        var timestamp = Timestamp.Now(_clock);
        var call = new ProcedureCallInfo(default, null, new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch));
        var moduleRequest = new SpacetimeDB.HttpRequest
        {
            Uri = request.Uri,
            Method = new SpacetimeDB.HttpMethod(request.Method.ToUpperInvariant()),
            Headers = request.Headers.Select(h => new SpacetimeDB.HttpHeader(h.Key, h.Value)).ToList(),
            Body = new SpacetimeDB.HttpBody(request.Body.ToArray()),
            Version = request.Version switch
            {
                "HTTP/1.0" => SpacetimeDB.HttpVersion.Http10,
                "HTTP/2" or "HTTP/2.0" => SpacetimeDB.HttpVersion.Http2,
                "HTTP/3" or "HTTP/3.0" => SpacetimeDB.HttpVersion.Http3,
                _ => SpacetimeDB.HttpVersion.Http11,
            },
        };
        var host = new ProcedureHost(this, handler.Name, Identity.Zero, ConnectionId.Zero);
        try
        {
            var response = active.Module.Descriptor.CallHttpHandler(host, handler.Id, call, moduleRequest);
            return new ModuleHttpResponse(
                response.StatusCode,
                (response.Headers ?? []).Select(h => new KeyValuePair<string, byte[]>(h.Name, h.Value ?? [])).ToList(),
                response.Body.Bytes ?? []);
        }
#pragma warning disable CA1031 // Whatever the module throws is the requester's 500; the server keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = ModuleDescriptor.ErrorMessage(e);
            Log.Write(ModuleLogLevel.Error, handler.Name, $"HTTP handler '{handler.Name}' failed: {error}", _clock);
            return new ModuleHttpResponse(500, [], System.Text.Encoding.UTF8.GetBytes(error));
        }
    }
}
