using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Server;
using Meridian.Server.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.IntegrationTests;

/// <summary>The instruments and the operator log come out through the factories the host passes in.</summary>
public sealed class ObservabilityTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly CapturingLoggerProvider _logged = new();
    private ILoggerFactory _loggerFactory = null!;
    private string _dataDir = null!;
    private MeridianServer _server = null!;

    public async Task InitializeAsync()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        // Only this test's server: its meters come from this test's factory.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logged).SetMinimumLevel(LogLevel.Information));
        _dataDir = Directory.CreateTempSubdirectory("meridian-test-").FullName;
        _server = await StartAsync();
    }

    private Task<MeridianServer> StartAsync() => MeridianServer.StartAsync(new MeridianServerOptions
    {
        ListenAddress = "127.0.0.1:0",
        DataDirectory = _dataDir,
        LoggerFactory = _loggerFactory,
        MeterFactory = _services.GetRequiredService<IMeterFactory>(),
    });

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var t in tags)
            copy[t.Key] = t.Value;
        lock (_measurements)
            _measurements.Add((instrument.Name, value, copy));
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measured(string instrument)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Instrument == instrument).ToList();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _listener.Dispose();
        _loggerFactory.Dispose();
        await _services.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    [Fact]
    public async Task Reducers_commits_fsyncs_subscriptions_and_connections_are_measured()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        var publish = await http.PutAsync("/v1/database/chat", new ByteArrayContent(TestModules.Chat()));
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());

        var client = await _server.ConnectInProcessAsync("chat", batched: false);
        var buffer = new ArrayBufferWriter<byte>();
        await client.ReceiveAsync(buffer, int.MaxValue, default); // InitialConnection
        var w = new BsatnWriter();
        new ClientMessage.Subscribe(1, 1, ["SELECT * FROM message"]).Write(w);
        await client.SendAsync(w.ToArray(), default);
        buffer.ResetWrittenCount();
        await client.ReceiveAsync(buffer, int.MaxValue, default); // SubscribeApplied

        var call = await http.PostAsync("/v1/database/chat/call/send_message", JsonContent.Create(new[] { "hello" }));
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync());
        buffer.ResetWrittenCount();
        await client.ReceiveAsync(buffer, int.MaxValue, default); // the update
        await client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "");
        buffer.ResetWrittenCount();
        await client.ReceiveAsync(buffer, int.MaxValue, default);

        Assert.Contains(Measured("meridian.reducer.calls"), m => Equals(m.Tags["reducer"], "send_message") && Equals(m.Tags["outcome"], "committed") && Equals(m.Tags["database"], "chat"));
        Assert.Contains(Measured("meridian.reducer.duration"), m => Equals(m.Tags["reducer"], "send_message") && m.Value > 0);
        Assert.NotEmpty(Measured("meridian.transaction.commits"));
        Assert.Contains(Measured("meridian.transaction.rows"), m => Equals(m.Tags["kind"], "insert"));
        Assert.Contains(Measured("meridian.storage.fsync.duration"), m => Equals(m.Tags["database"], "chat") && m.Value > 0);
        Assert.Contains(Measured("meridian.storage.log.bytes"), m => m.Value > 0);
        Assert.Contains(Measured("meridian.subscription.evaluation.duration"), m => Equals(m.Tags["kind"], "initial"));
        Assert.Contains(Measured("meridian.subscription.evaluation.duration"), m => Equals(m.Tags["kind"], "delta"));
        await WaitUntil(() => Measured("meridian.server.connections").Sum(m => m.Value) == 0 && Measured("meridian.server.connections").Count >= 2);
        Assert.Contains(Measured("meridian.server.connections"), m => m.Value == 1);
        Assert.True(Measured("meridian.server.send_queue.messages").Count(m => m.Value > 0) >= 3);
        await WaitUntil(() => Measured("meridian.server.send_queue.messages").Sum(m => m.Value) == 0);
    }

    [Fact]
    public async Task A_database_that_cannot_be_reopened_is_logged()
    {
        using (var http = new HttpClient { BaseAddress = _server.BaseAddress })
        {
            var publish = await http.PutAsync("/v1/database/broken", new ByteArrayContent(TestModules.Chat()));
            Assert.True(publish.IsSuccessStatusCode);
        }
        await _server.DisposeAsync();
        File.WriteAllText(Path.Combine(_dataDir, "databases", "broken", "database.json"), "not json");
        _server = await StartAsync();
        var entry = Assert.Single(_logged.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("broken", StringComparison.Ordinal));
        Assert.NotNull(entry.Exception);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not become true in time");
            await Task.Delay(20);
        }
    }
}
