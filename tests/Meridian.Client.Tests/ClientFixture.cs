using System.Diagnostics;
using Meridian.IntegrationTests;

namespace Meridian.Client.Tests;

/// <summary>One real server (port 0, temp data dir) with the chat, leaderboard and procedures modules published.</summary>
public sealed class ClientFixture : IAsyncLifetime
{
    private int _next;

    internal TestServer Server { get; private set; } = null!;

    internal string OwnerToken { get; private set; } = null!;

    public Uri Uri => Server.Server.BaseAddress;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        (_, OwnerToken) = await Server.NewIdentityAsync();
    }

    /// <summary>Publishes a module as a new database (one per test, so tests do not see each other's rows).</summary>
    public async Task<string> PublishAsync(byte[] module, string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _next)}";
        var response = await Server.SendAsync(HttpMethod.Put, $"/v1/database/{name}", OwnerToken, new ByteArrayContent(module));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class Ticks
{
    /// <summary>Calls FrameTick until <paramref name="done"/> holds, failing after 20 s.</summary>
    public static void Until(DbConnectionBase connection, Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            connection.FrameTick();
            if (done())
                return;
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
                Assert.Fail($"Timed out waiting for {what}.");
            Thread.Sleep(2);
        }
    }

    /// <summary>Ticks until <paramref name="task"/> completes and returns its result.</summary>
    public static T Await<T>(DbConnectionBase connection, Task<T> task, string what)
    {
        Until(connection, () => task.IsCompleted, what);
        return task.Result;
    }

    /// <summary>Waits (without ticking: the background mode ticks) until <paramref name="done"/> holds under the connection's lock.</summary>
    public static void Background(DbConnectionBase connection, Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (connection.SyncRoot)
            {
                if (done())
                    return;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                Assert.Fail($"Timed out waiting for {what}.");
            Thread.Sleep(5);
        }
    }
}
