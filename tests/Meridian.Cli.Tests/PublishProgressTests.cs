using Meridian.Client.Http;

namespace Meridian.Cli.Tests;

/// <summary>Byte progress of a publish's upload: reported by the client library, printed by the CLI only when a person watches.</summary>
public sealed class PublishProgressTests : IAsyncLifetime, IDisposable
{
    private const string SuccessBody =
        """{"Success": {"domain": "big", "database_identity": "c200aaaabbbbccccddddeeeeffff000011112222333344445555666677778888", "op": "created"}}""";

    // Large enough for several 64 KiB chunks, so there are reports between the first and the last.
    private const int ModuleBytes = 1024 * 1024 + 1234;

    private readonly CliRun _cli = new();
    private readonly string _assembly = Path.Combine(Path.GetTempPath(), $"meridian-cli-progress-{Guid.NewGuid():N}.dll");
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _server.On("PUT", "/v1/database/big", 200, SuccessBody, "application/json");
        await File.WriteAllBytesAsync(_assembly, Module());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        File.Delete(_assembly);
    }

    [Fact]
    public async Task Publish_progress_counts_up_to_the_module_size()
    {
        using var api = new MeridianHttpClient(_server.Url) { ProgressInterval = TimeSpan.Zero };
        api.Token = (await api.CreateIdentityAsync()).Token;
        var reports = new RecordingProgress();

        var result = await api.PublishAsync("big", Module(), new PublishOptions { Progress = reports });

        Assert.True(result.Created);
        Assert.Equal(Module(), _server.ApiRequests[^1].Body);
        var seen = reports.Values;
        Assert.All(seen, r => Assert.Equal(TransferStage.Uploading, r.Stage));
        Assert.All(seen, r => Assert.Equal(ModuleBytes, r.TotalBytes));
        for (var i = 1; i < seen.Count; i++)
            Assert.True(seen[i].Bytes >= seen[i - 1].Bytes, $"report {i} went back from {seen[i - 1].Bytes} to {seen[i].Bytes}");
        // One report per 64 KiB chunk (interval zero), so the count climbs through every chunk to the total.
        var distinct = seen.Select(r => r.Bytes).Distinct().ToList();
        Assert.Equal((ModuleBytes + 65535) / 65536, distinct.Count);
        Assert.True(distinct[0] > 0 && distinct[0] < ModuleBytes);
        Assert.Equal(ModuleBytes, seen[^1].Bytes);
    }

    [Fact]
    public async Task Publish_without_progress_reports_nothing_and_sends_the_same_bytes()
    {
        using var api = new MeridianHttpClient(_server.Url) { ProgressInterval = TimeSpan.Zero };
        api.Token = (await api.CreateIdentityAsync()).Token;

        await api.PublishAsync("big", Module());

        Assert.Equal(Module(), _server.ApiRequests[^1].Body);
        Assert.Equal("application/octet-stream", _server.ApiRequests[^1].ContentType);
    }

    [Fact]
    public async Task Cli_prints_the_upload_when_a_person_watches()
    {
        _cli.ShowsProgress = true;

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "--bin-path", _assembly, "big");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Uploading: 1.0 MiB of 1.0 MiB (100%)\n", result.Error);
    }

    [Fact]
    public async Task Cli_keeps_quiet_about_bytes_in_scripts_and_ci()
    {
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "--bin-path", _assembly, "big");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Uploading:", result.Error);
        Assert.Contains("Uploading to ", result.Error);
    }

    private static byte[] Module()
    {
        var bytes = new byte[ModuleBytes];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 31 + 7);
        return bytes;
    }

    // Records synchronously (Progress<T> would post to the thread pool and race the assertions).
    private sealed class RecordingProgress : IProgress<TransferProgress>
    {
        private readonly List<TransferProgress> _values = [];

        public IReadOnlyList<TransferProgress> Values
        {
            get
            {
                lock (_values)
                    return [.. _values];
            }
        }

        public void Report(TransferProgress value)
        {
            lock (_values)
                _values.Add(value);
        }
    }
}
