using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Meridian.Server;

/// <summary>
/// The ASP.NET Core server of a <see cref="MeridianServer"/> started without a listen address: it opens nothing and
/// accepts nothing, so the only way in is <see cref="MeridianServer.ConnectInProcessAsync"/>.
/// </summary>
internal sealed class NoNetworkServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
