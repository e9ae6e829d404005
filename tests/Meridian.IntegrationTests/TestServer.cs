using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Meridian.Server;

namespace Meridian.IntegrationTests;

/// <summary>A real server on port 0 with a temp data dir, plus an HTTP client; deletes the dir on dispose.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(MeridianServer server, string dataDir, bool ownsDir, Func<string, MeridianServerOptions>? options)
    {
        _options = options;
        Server = server;
        DataDir = dataDir;
        _ownsDir = ownsDir;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    private readonly bool _ownsDir;
    private readonly Func<string, MeridianServerOptions>? _options;

    public MeridianServer Server { get; private set; }

    public string DataDir { get; }

    public HttpClient Http { get; private set; }

    /// <param name="dataDir">The data directory (a new temp dir, deleted on dispose, when null).</param>
    /// <param name="maxQueuedMessagesPerClient">The per-client queue bound.</param>
    /// <param name="options">Builds the options from the data directory instead (listening on port 0 is up to it); used again on restart.</param>
    public static async Task<TestServer> StartAsync(
        string? dataDir = null, int maxQueuedMessagesPerClient = 16_384, Func<string, MeridianServerOptions>? options = null)
    {
        var owns = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("meridian-test-").FullName;
        var server = await MeridianServer.StartAsync(options?.Invoke(dataDir)
            ?? new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dataDir, MaxQueuedMessagesPerClient = maxQueuedMessagesPerClient });
        return new TestServer(server, dataDir, owns, options);
    }

    /// <summary>Stops the server and starts a new one on the same data directory.</summary>
    public async Task RestartAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        Server = await MeridianServer.StartAsync(
            _options?.Invoke(DataDir) ?? new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = DataDir });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task<(string Identity, string Token)> NewIdentityAsync()
    {
        var response = await Http.PostAsync("/v1/identity", null);
        response.EnsureSuccessStatusCode();
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (json["identity"]!.GetValue<string>(), json["token"]!.GetValue<string>());
    }

    /// <summary>Sends a request, with <paramref name="token"/> as its bearer token when there is one.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null) =>
        Http.SendAsync(Request(method, path, token, content));

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public async Task PublishChatAsync(string name, string token)
    {
        var response = await SendAsync(HttpMethod.Put, $"/v1/database/{name}", token, new ByteArrayContent(TestModules.Chat()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        if (_ownsDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
