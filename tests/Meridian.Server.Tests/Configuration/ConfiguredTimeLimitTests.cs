using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Meridian.Server.Configuration;
using Meridian.Tests.Shared;

namespace Meridian.Server.Tests.Configuration;

/// <summary>
/// The reducer time limit from the configuration file all the way down: a server started from a file that sets
/// <c>reducer_time_limit_ms</c> stops a reducer that never returns, tells the HTTP caller why, and keeps serving.
/// </summary>
public sealed class ConfiguredTimeLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-timelimit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_reducer_past_the_configured_limit_fails_clearly_and_the_database_keeps_serving()
    {
        var path = Path.Combine(_dir, "meridian.json");
        await File.WriteAllTextAsync(path, """
            {
              "listen_addr": "127.0.0.1:0",
              "data_dir": "data",
              "durability": "async",
              "reducer_time_limit_ms": 200
            }
            """);
        var options = ServerConfigFile.Load(path).ToOptions(new MeridianServerOptions());
        await using var server = await MeridianServer.StartAsync(options);
        var (claims, token) = server.Tokens.MintAnonymous();
        await server.Registry.PublishAsync("bank", TestModules.Bank(), claims.Identity, clear: false);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        async Task<(HttpStatusCode Status, string Body)> Call(string reducer, string args)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/database/bank/call/{reducer}")
            {
                Content = new StringContent(args, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await Call("open_accounts", "[2, 100]")).Status);

        var started = Stopwatch.GetTimestamp();
        var (status, body) = await Call("spin", "[]");
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal((HttpStatusCode)530, status);
        Assert.Contains("'spin' ran past the time limit of 200 ms", body, StringComparison.Ordinal);
        Assert.Contains("rolled back", body, StringComparison.Ordinal);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(200), $"answered after {elapsed}");

        // The writer is free again: ordinary calls commit, and what they wrote is there.
        Assert.Equal(HttpStatusCode.OK, (await Call("transfer", "[1, 2, 30]")).Status);
        var (failed, why) = await Call("transfer", "[1, 2, 71]");
        Assert.Equal((HttpStatusCode)530, failed);
        Assert.Contains("Account 1 has 70, less than 71", why, StringComparison.Ordinal);
    }
}
