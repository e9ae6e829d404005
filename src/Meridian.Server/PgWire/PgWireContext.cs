using Meridian.Runtime.Hosting;
using Meridian.Server.Auth;
using Meridian.Server.Limits;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.PgWire;

/// <summary>What every PostgreSQL connection of a server shares.</summary>
internal sealed record PgWireContext(
    DatabaseRegistry Registry, TokenService Tokens, IdentityLimiter Limiter, ILogger Logger, string ServerVersion)
{
    /// <summary>Largest message body accepted (a query is at most as large as an HTTP <c>/sql</c> body).</summary>
    public int MaxMessageBytes { get; init; } = Http.DatabaseEndpoints.MaxRequestBytes;

    /// <summary>How long a new connection may take to authenticate.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
