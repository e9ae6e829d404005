using System.Net;
using Meridian.Client.Http;

namespace Meridian.Client.Tests.Http;

/// <summary>Dumps and restores report the server's silent work (staging, applying) as well as the bytes moved.</summary>
public sealed class TransferProgressTests
{
    [Fact]
    public async Task A_dump_reports_the_wait_while_the_server_stages_it_then_the_download()
    {
        var body = new byte[100_000];
        using var handler = new SlowHandler(TimeSpan.FromMilliseconds(400), () =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
            response.Headers.Add("meridian-dump-offset", "41");
            response.Headers.Add("meridian-dump-tables", "2");
            response.Headers.Add("meridian-dump-rows", "7");
            return response;
        });
        using var client = new MeridianHttpClient(new MeridianHttpClientOptions { Server = "127.0.0.1:9", Handler = handler })
        {
            ProgressInterval = TimeSpan.FromMilliseconds(50),
        };
        var reports = new List<TransferProgress>();
        using var output = new MemoryStream();

        var dumped = await client.DumpAsync("chat", output, new Recorder(reports));

        Assert.Equal(new DumpInfo(41, 2, 7, body.Length), dumped);
        Assert.Equal("/v1/database/chat/dump", handler.LastPath);
        var waits = reports.TakeWhile(r => r.Stage == TransferStage.WaitingForServer).ToList();
        Assert.True(waits.Count >= 2, $"{waits.Count} waiting reports in 400 ms at one per 50 ms");
        Assert.True(waits[^1].Elapsed > waits[0].Elapsed);
        Assert.All(reports.Skip(waits.Count), r => Assert.Equal(TransferStage.Downloading, r.Stage));
        Assert.Equal(body.Length, reports[^1].Bytes);
        Assert.Equal(body.Length, reports[^1].TotalBytes);
    }

    [Fact]
    public async Task A_restore_reports_the_upload_then_the_wait_while_the_server_applies_it()
    {
        const string Answer = """
            {"database":"copy","database_identity":"c200ab","op":"created","source_database":"chat","offset":41,"tables":2,"rows":7}
            """;
        using var handler = new SlowHandler(TimeSpan.FromMilliseconds(400), () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(Answer, System.Text.Encoding.UTF8, "application/json"),
        });
        using var client = new MeridianHttpClient(new MeridianHttpClientOptions { Server = "127.0.0.1:9", Handler = handler })
        {
            ProgressInterval = TimeSpan.FromMilliseconds(50),
        };
        var reports = new List<TransferProgress>();
        using var dump = new MemoryStream(new byte[50_000]);

        var restored = await client.RestoreAsync("copy", dump, progress: new Recorder(reports));

        Assert.Equal(new RestoreResult("copy", "c200ab", false, "chat", 41, 2, 7), restored);
        Assert.Equal(50_000, handler.LastBodyLength);
        var upload = reports.FindLastIndex(r => r.Stage == TransferStage.Uploading);
        Assert.Equal(50_000, reports[upload].Bytes);
        Assert.True(reports.Skip(upload + 1).Count(r => r.Stage == TransferStage.WaitingForServer) >= 2, string.Join(", ", reports));
    }

    // Reads the request (so an upload completes), then answers after a delay, as a server busy staging or restoring does.
    private sealed class SlowHandler(TimeSpan delay, Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        public string? LastPath { get; private set; }

        public long LastBodyLength { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastPath = request.RequestUri!.AbsolutePath;
            if (request.Content is not null)
                LastBodyLength = (await request.Content.ReadAsByteArrayAsync(cancellationToken)).Length;
            await Task.Delay(delay, cancellationToken);
            return answer();
        }
    }

    private sealed class Recorder(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
