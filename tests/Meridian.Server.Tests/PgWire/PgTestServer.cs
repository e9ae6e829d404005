using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Meridian.Server.Tests.PgWire;

/// <summary>
/// A server on port 0 with a temp data directory and the PostgreSQL protocol on a free port, with the chat sample
/// published as <c>chat</c> and the Everything module as <c>everything</c>, both owned by <see cref="OwnerToken"/>.
/// </summary>
public sealed class PgTestServer : IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentBag<NpgsqlDataSource> _sources = [];
    private string _dataDir = "";

    public MeridianServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string OwnerToken { get; private set; } = "";

    public string OwnerIdentity { get; private set; } = "";

    public int PgPort => Server.PgEndPoint!.Port;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("meridian-pg-").FullName;
        Server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDir, PgPort = 0 });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        (OwnerIdentity, OwnerToken) = await NewIdentityAsync();
        await PublishAsync("chat", TestModules.Chat());
        await PublishAsync("everything", TestModules.Everything());
    }

    public async Task<(string Identity, string Token)> NewIdentityAsync()
    {
        var response = await Http.PostAsync(new Uri("/v1/identity", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (json["identity"]!.GetValue<string>(), json["token"]!.GetValue<string>());
    }

    private async Task PublishAsync(string name, byte[] module)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/database/{name}") { Content = new ByteArrayContent(module) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OwnerToken);
        var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// An Npgsql data source (disposed with the server): the database name picks the database, the password carries the
    /// token. Npgsql must not load types from pg_catalog, which Meridian does not have (docs/postgres.md).
    /// </summary>
    public NpgsqlDataSource DataSource(string database, string token, bool pooling = false)
    {
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = PgPort,
            Database = database,
            Username = "any",
            Password = token,
            Pooling = pooling,
            Timeout = 15,
            CommandTimeout = 15,
        }.ConnectionString);
        builder.ConfigureTypeLoading(t => t.EnableTypeLoading(false));
        var source = builder.Build();
        _sources.Add(source);
        return source;
    }

    public async Task<NpgsqlConnection> OpenAsync(string database, string? token = null) =>
        await DataSource(database, token ?? OwnerToken).OpenConnectionAsync();

    public async Task DisposeAsync()
    {
        foreach (var source in _sources)
            await source.DisposeAsync();
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
