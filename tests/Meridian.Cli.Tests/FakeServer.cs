using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Cli.Tests;

/// <summary>A request as the fake server saw it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A stand-in for a Meridian server on a free port: records every request and answers with
/// handlers the test registers per "METHOD /path". It mints tokens <c>token-1</c>, <c>token-2</c>, …
/// on <c>POST /v1/identity</c> and, like a real server, answers 401 to any bearer token it did not mint.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    public const string AnotherServersToken = "token-from-another-server";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, RecordedRequest, Task>> _handlers = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _issuedTokens = new();
    private int _tokenCount;

    private FakeServer(WebApplication app)
    {
        _app = app;
        _app.Run(HandleAsync);
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Requests other than <c>POST /v1/identity</c>.</summary>
    public IReadOnlyList<RecordedRequest> ApiRequests => [.. _requests.Where(r => r.Path != "/v1/identity")];

    /// <summary>When set, <c>POST /v1/identity</c> fails with this status and body.</summary>
    public (int Status, string Body)? IdentityFailure { get; set; }

    public int IdentityRequests => _requests.Count(r => r.Path == "/v1/identity");

    public static async Task<FakeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new FakeServer(builder.Build());
        await server._app.StartAsync();
        server.Url = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> with a fixed status and body.</summary>
    public void On(string method, string path, int status, string body = "", string contentType = "text/plain; charset=utf-8") =>
        On(method, path, async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> with <paramref name="handler"/>.</summary>
    public void On(string method, string path, Func<HttpContext, RecordedRequest, Task> handler) => _handlers[$"{method} {path}"] = handler;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.ContentType,
            body.ToArray());
        _requests.Enqueue(request);

        if (request is { Method: "POST", Path: "/v1/identity" })
        {
            if (IdentityFailure is { } failure)
            {
                context.Response.StatusCode = failure.Status;
                await context.Response.WriteAsync(failure.Body);
                return;
            }
            var token = $"token-{Interlocked.Increment(ref _tokenCount)}";
            _issuedTokens[token] = true;
            await context.Response.WriteAsJsonAsync(new { identity = "c200" + new string('a', 60), token });
            return;
        }
        if (request.Authorization is not { } authorization || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            || !_issuedTokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("Authorization failed: token not signed by this instance");
            return;
        }
        if (_handlers.TryGetValue($"{request.Method} {request.Path}", out var handler))
        {
            await handler(context, request);
            return;
        }
        context.Response.StatusCode = 404;
    }
}
