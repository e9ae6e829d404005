using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Client;
using VoiceApp.Data;
using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>A temp app directory (deleted afterwards), the app started in it, and what the scenarios need around it.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Reconnects quickly, so the tests do not wait out the app's production back-off.</summary>
    public static readonly ReconnectPolicy FastReconnect = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), MaxAttempts = 100, Seed = 1,
    };

    private readonly List<HeycatDataLayer> _started = [];

    public Harness(HostingMode mode)
    {
        Mode = mode;
        AppDirectory = Directory.CreateTempSubdirectory("voice-app-test-").FullName;
    }

    public HostingMode Mode { get; }

    /// <summary>Embedded mode: where the server also listens, for the scenarios that call it over HTTP (none by default).</summary>
    public string? EmbeddedListenAddress { get; init; }

    public string AppDirectory { get; }

    public string LegacyDirectory => Path.Combine(AppDirectory, "legacy");

    public string RecordingsDirectory => Directory.CreateDirectory(Path.Combine(AppDirectory, "recordings")).FullName;

    public AppOptions Options() => new()
    {
        AppDirectory = AppDirectory,
        Mode = Mode,
        EmbeddedListenAddress = EmbeddedListenAddress,
        LegacyDirectory = Directory.Exists(LegacyDirectory) ? LegacyDirectory : null,
        Reconnect = FastReconnect,
        SyncTimeout = Timeout,
        SidecarRestartDelay = TimeSpan.FromMilliseconds(200),
    };

    public async Task<HeycatDataLayer> StartAsync(AppOptions? options = null)
    {
        var layer = await HeycatDataLayer.StartAsync(options ?? Options());
        _started.Add(layer);
        return layer;
    }

    /// <summary>Copies heycat 0.9's files (samples/voice-app/fixtures/heycat-0.9) where the app imports from.</summary>
    public void CopyLegacyFixtures()
    {
        var source = Path.Combine(SampleDirectory(), "fixtures", "heycat-0.9");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(LegacyDirectory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>A WAV file of <paramref name="durationMs"/> (16 kHz, 16-bit mono: 32,000 bytes a second plus 44).</summary>
    public string NewRecording(ulong durationMs, string? name = null)
    {
        var path = Path.Combine(RecordingsDirectory, name ?? $"recording-{Guid.NewGuid():N}.wav");
        Import.WavInfo.WriteSilence(path, 16_000, durationMs);
        return path;
    }

    /// <summary>Another device of the same user: a second connection with the app's identity.</summary>
    public static DbConnection OtherDevice(HeycatDataLayer layer, string? database = null)
    {
        var token = File.ReadAllText(Path.Combine(layer.ServerDataDirectory, "..", "identity.token"));
        var conn = layer.Host.Connect(DbConnection.Builder(), database ?? "heycat-data").WithToken(token).WithBackgroundProcessing().Build();
        Until(() => conn.IsActive, "the other device connects");
        return conn;
    }

    /// <summary>The server's HTTP address (an embedded server listens only when the harness asks: <see cref="EmbeddedListenAddress"/>).</summary>
    public static Uri HttpAddress(IDatabaseHost host) => host switch
    {
        SidecarHost sidecar => sidecar.BaseAddress,
        EmbeddedHost embedded => embedded.Server!.BaseAddress,
        _ => throw new ArgumentOutOfRangeException(nameof(host)),
    };

    /// <summary>Runs SQL over HTTP as the app's identity (the owner): what `meridian sql` does.</summary>
    public static async Task<JsonArray> SqlAsync(Uri server, string token, string sql)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/database/heycat-data/sql", UriKind.Relative))
        {
            Content = new StringContent(sql, Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{sql}: {body}");
        return JsonNode.Parse(body)!.AsArray();
    }

    /// <summary>Calls a reducer over HTTP with JSON arguments, as the owner.</summary>
    public static async Task CallAsync(Uri server, string token, string reducer, string jsonArgs)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/database/heycat-data/call/{reducer}", UriKind.Relative))
        {
            Content = new StringContent(jsonArgs, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{reducer}({jsonArgs}): {await response.Content.ReadAsStringAsync()}");
    }

    public static void Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting until {what}.");
            Thread.Sleep(20);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what) => Task.Run(() => Until(condition, what));

    public static string SampleDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "voice-app");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("samples/voice-app not found above the test directory.");
    }

    /// <summary>module/v1 as built (the test project references it).</summary>
    public static byte[] ModuleV1()
    {
        var bin = Path.Combine(SampleDirectory(), "module", "v1", "bin");
        var dll = Directory.EnumerateFiles(bin, "HeycatDataV1.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
        return File.ReadAllBytes(dll);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var layer in _started)
            await layer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(AppDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
