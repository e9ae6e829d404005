using System.Net;
using System.Net.Http.Headers;
using Meridian.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Tests;

/// <summary>What the server logs about its own life: start, databases served, publishes, stop; and the log level setting.</summary>
public sealed class ServerLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-server-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Start_recovery_publish_and_stop_are_logged_at_information()
    {
        using var logged = new CapturingLoggerProvider();
        using (var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logged)))
        {
            var options = new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dir, LoggerFactory = loggerFactory };
            await using (var server = await MeridianServer.StartAsync(options))
            {
                var (_, token) = server.Tokens.MintAnonymous();
                using var http = new HttpClient { BaseAddress = server.BaseAddress };
                using var publish = new HttpRequestMessage(HttpMethod.Put, "/v1/database/chat") { Content = new ByteArrayContent(TestModules.Chat()) };
                publish.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(publish)).StatusCode);
            }
            var first = Lines(logged);
            Assert.Contains(first, l => l.StartsWith("Meridian ", StringComparison.Ordinal) && l.Contains($"data directory {_dir}", StringComparison.Ordinal)
                && l.Contains("durability sync (group commit)", StringComparison.Ordinal));
            Assert.Contains(first, l => l.StartsWith("Meridian listening on http://127.0.0.1:", StringComparison.Ordinal));
            Assert.Contains(first, l => l.StartsWith("Database chat published by ", StringComparison.Ordinal)
                && l.EndsWith(": created.", StringComparison.Ordinal));
            Assert.Equal(["Meridian stopping.", "Meridian stopped."], first.TakeLast(2));

            // Started again on the same data directory, the database is recovered and says so.
            await using (await MeridianServer.StartAsync(options))
            {
            }
            Assert.Contains(Lines(logged), l => l.StartsWith("Database chat recovered and served", StringComparison.Ordinal));
        }
        // Nothing at Information comes from a request or a session: the hot path stays quiet.
        Assert.DoesNotContain(logged.Entries, e => e.Category == WebSockets.SubscribeEndpoint.SessionLogCategory);
    }

    private static List<string> Lines(CapturingLoggerProvider logged) =>
        logged.Entries.Where(e => e.Category == MeridianServer.LogCategory).Select(e => e.Message).ToList();

    [Theory]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("none", LogLevel.None)]
    [InlineData("trace", LogLevel.Trace)]
    public void The_log_level_is_read_from_the_configuration_file(string value, LogLevel expected)
    {
        var path = Path.Combine(_dir, "meridian.json");
        File.WriteAllText(path, $$"""{ "log_level": "{{value}}" }""");
        Assert.Equal(expected, ServerConfigFile.Load(path).MinimumLogLevel);
    }

    [Fact]
    public void A_file_without_a_log_level_leaves_it_to_the_command_and_a_bad_one_is_refused()
    {
        var path = Path.Combine(_dir, "meridian.json");
        File.WriteAllText(path, "{}");
        Assert.Null(ServerConfigFile.Load(path).MinimumLogLevel);
        File.WriteAllText(path, """{ "log_level": "loud" }""");
        var error = Assert.Throws<ArgumentException>(() => ServerConfigFile.Load(path));
        Assert.Contains("log_level must be one of trace, debug, information, warning, error, critical or none, not \"loud\"", error.Message,
            StringComparison.Ordinal);
    }
}
