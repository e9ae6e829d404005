using System.Net;
using System.Text;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Server;
using Meridian.Server.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.IntegrationTests;

/// <summary>
/// Per-identity limits: calls over them get an error answer in order, the connection stays open, and other
/// identities are not affected.
/// </summary>
public sealed class RateLimitTests
{
    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private static async Task<(TestServer Server, string OwnerToken)> StartAsync(RateLimitOptions limits, TimeProvider clock, byte[] module, string name)
    {
        var server = await TestServer.StartAsync(options: dir => new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = dir,
            RateLimits = limits,
            Clock = clock,
        });
        var (_, token) = await server.NewIdentityAsync();
        var response = await server.SendAsync(HttpMethod.Put, $"/v1/database/{name}", token, new ByteArrayContent(module));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (server, token);
    }

    [Fact]
    public async Task Requests_over_the_rate_are_answered_with_an_error_and_the_connection_and_other_clients_carry_on()
    {
        // The clock stands still until the test moves it, so exactly the burst gets through.
        var clock = new ManualClock();
        var (server, _) = await StartAsync(new RateLimitOptions { RequestsPerSecond = 5, Burst = 5 }, clock, TestModules.Chat(), "chat");
        await using var _ = server;
        var (_, token) = await server.NewIdentityAsync();
        await using var busy = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", token);
        await using var other = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat");

        for (uint i = 0; i < 8; i++)
            await busy.SendAsync(new ClientMessage.CallReducer(i, 0, "send_message", StringArg($"message {i}")));
        for (uint i = 0; i < 8; i++)
        {
            var result = Assert.IsType<ServerMessage.ReducerResult>(await busy.ReceiveAsync());
            Assert.Equal(i, result.RequestId);
            if (i < 5)
                Assert.IsType<ReducerOutcome.Ok>(result.Outcome);
            else
                Assert.Contains("Rate limit exceeded", Assert.IsType<ReducerOutcome.InternalError>(result.Outcome).Message, StringComparison.Ordinal);
        }

        // Queries and subscriptions over the limit fail the same way; the HTTP API answers 429.
        await busy.SendAsync(new ClientMessage.OneOffQuery(20, "SELECT * FROM message"));
        Assert.Contains("Rate limit exceeded", Assert.IsType<ServerMessage.OneOffQueryResult>(await busy.ReceiveAsync()).Error, StringComparison.Ordinal);
        await busy.SendAsync(new ClientMessage.Subscribe(21, 1, ["SELECT * FROM message"]));
        var refused = Assert.IsType<ServerMessage.SubscriptionError>(await busy.ReceiveAsync());
        Assert.Equal(21u, refused.RequestId);
        Assert.Contains("Rate limit exceeded", refused.Error, StringComparison.Ordinal);
        var sql = await server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql", token, new StringContent("SELECT * FROM message"));
        Assert.Equal(HttpStatusCode.TooManyRequests, sql.StatusCode);
        Assert.Contains("Rate limit exceeded", await sql.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another identity has a budget of its own.
        for (uint i = 0; i < 5; i++)
            await other.SendAsync(new ClientMessage.CallReducer(i, 0, "send_message", StringArg($"other {i}")));
        for (uint i = 0; i < 5; i++)
            Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await other.ReceiveAsync()).Outcome);

        // A second later the same connection may call again: it was never dropped.
        clock.Advance(TimeSpan.FromSeconds(1));
        await busy.SendAsync(new ClientMessage.CallReducer(30, 0, "send_message", StringArg("after a pause")));
        Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await busy.ReceiveAsync()).Outcome);
    }

    [Fact]
    public async Task Calls_over_the_in_flight_limit_are_refused_until_earlier_ones_finish()
    {
        await using var hold = await HoldingServer.StartAsync();
        var (server, _) = await StartAsync(new RateLimitOptions { MaxInFlightCalls = 2 }, TimeProvider.System, TestModules.Procedures(), "procs");
        await using var _ = server;
        var (_, token) = await server.NewIdentityAsync();
        await using var first = await WsClient.ConnectAsync(server.Server.BaseAddress, "procs", token);
        await using var second = await WsClient.ConnectAsync(server.Server.BaseAddress, "procs", token);
        await using var other = await WsClient.ConnectAsync(server.Server.BaseAddress, "procs");

        // Two procedures wait on an HTTP request the test holds open: the identity's two calls are in flight.
        await first.SendAsync(new ClientMessage.CallProcedure(1, 0, "fetch", FetchArgs(hold.Url)));
        await first.SendAsync(new ClientMessage.CallProcedure(2, 0, "fetch", FetchArgs(hold.Url)));
        await hold.WaitForRequestsAsync(2);

        await first.SendAsync(new ClientMessage.CallProcedure(3, 0, "add", AddArgs(1, 2)));
        var refused = Assert.IsType<ServerMessage.ProcedureResult>(await first.ReceiveAsync());
        Assert.Equal(3u, refused.RequestId);
        Assert.Contains("Too many calls in flight", Assert.IsType<ProcedureStatus.InternalError>(refused.Status).Message, StringComparison.Ordinal);
        // The limit is the identity's, across its connections and HTTP.
        await second.SendAsync(new ClientMessage.CallReducer(4, 0, "schedule_proc", ScheduleArgs()));
        var reducer = Assert.IsType<ServerMessage.ReducerResult>(await second.ReceiveAsync());
        Assert.Contains("Too many calls in flight", Assert.IsType<ReducerOutcome.InternalError>(reducer.Outcome).Message, StringComparison.Ordinal);
        var http = await server.SendAsync(
            HttpMethod.Post, "/v1/database/procs/call/add", token, new StringContent("[1, 2]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, http.StatusCode);

        // Someone else is not held up.
        await other.SendAsync(new ClientMessage.CallProcedure(5, 0, "add", AddArgs(2, 3)));
        Assert.IsType<ProcedureStatus.Returned>(Assert.IsType<ServerMessage.ProcedureResult>(await other.ReceiveAsync()).Status);

        hold.Release();
        for (var i = 0; i < 2; i++)
            Assert.IsType<ProcedureStatus.Returned>(Assert.IsType<ServerMessage.ProcedureResult>(await first.ReceiveAsync()).Status);
        await second.SendAsync(new ClientMessage.CallReducer(6, 0, "schedule_proc", ScheduleArgs()));
        Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await second.ReceiveAsync()).Outcome);
    }

    private static byte[] FetchArgs(string url)
    {
        var w = new BsatnWriter();
        w.WriteString(url);
        w.WriteU64(0);
        return w.ToArray();
    }

    private static byte[] AddArgs(uint a, uint b)
    {
        var w = new BsatnWriter();
        w.WriteU32(a);
        w.WriteU32(b);
        return w.ToArray();
    }

    private static byte[] ScheduleArgs()
    {
        var w = new BsatnWriter();
        w.WriteString("later");
        w.WriteU64(3_600_000);
        return w.ToArray();
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
        private long _ticks;

        public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(Volatile.Read(ref _ticks));

        public override long GetTimestamp() => Volatile.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>An HTTP server on loopback whose every request waits until <see cref="Release"/>.</summary>
    private sealed class HoldingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        private HoldingServer(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public static async Task<HoldingServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new HoldingServer(app);
            app.MapGet("/hold", async (HttpContext _) =>
            {
                Interlocked.Increment(ref server._requests);
                await server._release.Task;
                return Results.Text("released");
            });
            await app.StartAsync();
            server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hold";
            return server;
        }

        public async Task WaitForRequestsAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (Volatile.Read(ref _requests) < count)
                await Task.Delay(10, timeout.Token);
        }

        public void Release() => _release.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            await _app.DisposeAsync();
        }
    }
}
