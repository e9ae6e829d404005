using System.Net.WebSockets;
using Meridian.Protocol.Framing;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Server.Auth;
using Meridian.Server.Diagnostics;
using Meridian.Server.Http;
using Meridian.Server.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Server.WebSockets;

/// <summary><c>GET /v1/database/{db}/subscribe</c>: the WebSocket endpoint the SDKs connect to (protocol.md §2).</summary>
public static class SubscribeEndpoint
{
    /// <summary>One message per frame.</summary>
    public const string V2Protocol = "v2.bsatn.spacetimedb";

    /// <summary>The v2 messages, several per frame both ways (preferred when offered, as upstream).</summary>
    public const string V3Protocol = "v3.bsatn.spacetimedb";

    /// <summary>The log category of sessions (a session that fails with an internal error is logged there).</summary>
    public const string SessionLogCategory = "Meridian.Server.Sessions";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapSubscribeEndpoint(
        this IEndpointRouteBuilder app,
        DatabaseRegistry registry,
        TokenService tokens,
        ServerMetrics metrics,
        int maxQueuedMessages = ClientSession.DefaultMaxQueuedMessages,
        CompressionOptions? compressionOptions = null,
        Limits.IdentityLimiter? limiter = null)
    {
        compressionOptions ??= new CompressionOptions();
        var sessionLogger = app.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(SessionLogCategory) ?? NullLogger.Instance;
        app.MapGet("/v1/database/{db}/subscribe", async (HttpContext http, string db, IHostApplicationLifetime lifetime) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                return ErrorResults.Text(StatusCodes.Status400BadRequest, "This endpoint expects a WebSocket upgrade.");
            var database = registry.Find(db);
            if (database is null)
                return ErrorResults.NoSuchDatabase(db);
            Caller caller;
            try
            {
                caller = (await Caller.ResolveAsync(http, tokens, mintWhenMissing: true).ConfigureAwait(false))!;
            }
            catch (TokenException e)
            {
                return ErrorResults.FromToken(e);
            }

            var query = http.Request.Query;
            ConnectionId connectionId;
            if (query.TryGetValue("connection_id", out var cid) && !string.IsNullOrEmpty(cid))
            {
                if (!ConnectionId.TryParse(cid.ToString(), out connectionId))
                    return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'{cid}' is not a connection id: expected 32 hex digits.");
                if (connectionId.IsZero)
                    return ErrorResults.Text(StatusCodes.Status400BadRequest, "The connection id must not be zero.");
            }
            else
            {
                connectionId = ConnectionId.Random();
            }
            // Absent means Brotli, as upstream.
            var requested = Compression.Brotli;
            if (query.TryGetValue("compression", out var compression))
            {
                // The exact variant names only (case-sensitive, as upstream; no numbers).
                requested = compression.ToString() switch
                {
                    "None" => Compression.None,
                    "Brotli" => Compression.Brotli,
                    "Gzip" => Compression.Gzip,
                    _ => (Compression)255,
                };
                if (requested == (Compression)255)
                    return ErrorResults.Text(StatusCodes.Status400BadRequest, $"Unknown compression '{compression}': use None, Brotli or Gzip.");
            }
            var confirmed = true;
            if (query.TryGetValue("confirmed", out var confirmedText) && !bool.TryParse(confirmedText, out confirmed))
                return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'{confirmedText}' is not a boolean for 'confirmed'.");
            var offered = http.WebSockets.WebSocketRequestedProtocols;
            var protocol = offered.Contains(V3Protocol) ? V3Protocol : offered.Contains(V2Protocol) ? V2Protocol : null;
            if (protocol is null)
                return ErrorResults.Text(StatusCodes.Status400BadRequest, $"no valid protocol selected: Meridian speaks {V3Protocol} and {V2Protocol}.");

            try
            {
                await database.ConnectAsync(caller.Identity, connectionId, caller.JwtPayload).ConfigureAwait(false);
            }
            catch (ConnectionRejectedException e)
            {
                return ErrorResults.Text(StatusCodes.Status403Forbidden, e.Message);
            }
            catch (DatabaseClosedException e)
            {
                return ErrorResults.Text(StatusCodes.Status404NotFound, e.Message);
            }

            WebSocket socket;
            try
            {
                socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    SubProtocol = protocol,
                    KeepAliveInterval = TimeSpan.FromSeconds(15),
                    KeepAliveTimeout = TimeSpan.FromSeconds(30),
                }).ConfigureAwait(false);
            }
            catch
            {
                await database.DisconnectAsync(caller.Identity, connectionId).ConfigureAwait(false);
                throw;
            }
            using (socket)
            {
                var session = new ClientSession(
                    new WebSocketTransport(socket),
                    database,
                    caller.Identity,
                    connectionId,
                    confirmed,
                    batched: protocol == V3Protocol,
                    metrics,
                    maxQueuedMessages,
                    compressionOptions.ForConnection(requested, batched: protocol == V3Protocol),
                    compressionOptions.ThresholdBytes,
                    limiter,
                    sessionLogger)
                {
                    JwtPayload = caller.JwtPayload,
                };
                await session.RunAsync(caller.Token, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            return Results.Empty;
        });
        return app;
    }
}
