using System.Net;
using Meridian.Server;
using Meridian.Server.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.IntegrationTests;

/// <summary>With an OTLP endpoint configured, the server pushes its instruments there.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_are_pushed_to_an_otlp_http_collector()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            // The protobuf carries instrument names as plain UTF-8 strings; early pushes may predate the first measurement.
            // Other tests' servers in this process share the meter names, so wait for this test's database.
            var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
            if (text.Contains("meridian.table.rows", StringComparison.Ordinal) && text.Contains("otlp_export_check", StringComparison.Ordinal))
                received.TrySetResult(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var dataDir = Directory.CreateTempSubdirectory("meridian-test-").FullName;
        try
        {
            await using var server = await MeridianServer.StartAsync(new MeridianServerOptions
            {
                ListenAddress = "127.0.0.1:0",
                DataDirectory = dataDir,
                Metrics = new MetricsOptions
                {
                    Prometheus = false,
                    OtlpEndpoint = new Uri(address.TrimEnd('/') + "/v1/metrics"),
                    OtlpProtocol = "http/protobuf",
                    OtlpExportInterval = TimeSpan.FromMilliseconds(200),
                },
            });
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            var publish = await http.PutAsync("/v1/database/otlp_export_check", new ByteArrayContent(TestModules.Chat()));
            Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
            var body = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("meridian.table.size", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
            using var scrape = await http.GetAsync("/v1/metrics");
            Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
