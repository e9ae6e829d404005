using Meridian.Client.Http;

namespace Meridian.Cli.Tests;

/// <summary>Byte progress of a publish's upload: reported by the client library, redrawn by the CLI at a terminal, plain lines elsewhere.</summary>
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
        // The upload first, then (if the answer takes a while) the server's work.
        var all = reports.Values;
        var seen = all.TakeWhile(r => r.Stage == TransferStage.Uploading).ToList();
        Assert.All(all.Skip(seen.Count), r => Assert.Equal(TransferStage.WaitingForServer, r.Stage));
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
    public async Task Cli_redraws_the_upload_at_a_terminal()
    {
        _cli.RedrawsProgress = true;

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "--bin-path", _assembly, "big");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"\rUploaded 1\.0 MiB in \d+\.\d s *\n", result.Error);
    }

    [Fact]
    public async Task Cli_prints_plain_progress_lines_when_stderr_is_not_a_terminal()
    {
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "--bin-path", _assembly, "big");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("\r", result.Error, StringComparison.Ordinal);
        var lines = result.Error.Split('\n');
        Assert.Contains($"Uploading 1.0 MiB to {_server.Url.TrimEnd('/')}…", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Uploaded 1\.0 MiB in \d+\.\d s$"));
        // A few lines, not one per report: the 1 MiB goes up in well under the 5 s between plain lines.
        Assert.InRange(lines.Count(l => l.StartsWith("Upload", StringComparison.Ordinal)), 2, 40);
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
