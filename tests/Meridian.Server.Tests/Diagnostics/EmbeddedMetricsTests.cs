using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Meridian.Server.Tests.Diagnostics;

/// <summary>Two servers in one process, each with a database of the same name: each one's <c>/v1/metrics</c> shows only its own.</summary>
public sealed class EmbeddedMetricsTests : IAsyncLifetime
{
    private readonly List<(MeridianServer Server, HttpClient Http, string Dir, string Token)> _servers = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var dir = Directory.CreateTempSubdirectory("meridian-test-").FullName;
            var server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dir });
            var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var identity = await (await http.PostAsync("/v1/identity", null)).Content.ReadFromJsonAsync<JsonObject>();
            var token = identity!["token"]!.GetValue<string>();
            _servers.Add((server, http, dir, token));
            var publish = await Send(i, HttpMethod.Put, "/v1/database/metered", new ByteArrayContent(TestModules.Chat()));
            Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (server, http, dir, _) in _servers)
        {
            http.Dispose();
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<HttpResponseMessage> Send(int server, HttpMethod method, string path, HttpContent? content)
    {
        var (_, http, _, token) = _servers[server];
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    // The values of the lines of metric `name` whose labels include every one of `labels`.
    private async Task<List<double>> Values(int server, string name, params string[] labels)
    {
        var text = await _servers[server].Http.GetStringAsync("/v1/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(p => l.Contains(p, StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .ToList();
    }

    [Fact]
    public async Task Each_server_exports_only_its_own_measurements()
    {
        for (var i = 0; i < 3; i++)
        {
            var call = await Send(0, HttpMethod.Post, "/v1/database/metered/call/send_message", JsonContent.Create<string[]>([$"m{i}"]));
            Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync());
        }
        var send = new[] { "database=\"metered\"", "reducer=\"send_message\"", "outcome=\"committed\"" };
        Assert.Equal([3.0], await Values(0, "meridian_reducer_calls_total", send));
        Assert.Empty(await Values(1, "meridian_reducer_calls_total", send));

        // Gauges are read from each server's own databases: one series each, with that server's row count.
        var rows = new[] { "database=\"metered\"", "table=\"message\"" };
        Assert.Equal([3.0], await Values(0, "meridian_table_rows", rows));
        Assert.Equal([0.0], await Values(1, "meridian_table_rows", rows));
    }
}
