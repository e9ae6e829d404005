using Meridian.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Tests;

public sealed class ErrorLoggingTests
{
    [Fact]
    public async Task An_unhandled_request_error_is_logged_and_answered_with_500()
    {
        var logged = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logged));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.UseMeridianErrorLogging();
        app.MapGet("/boom", (Func<string>)(() => throw new InvalidOperationException("the handler broke")));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var response = await http.GetAsync("/boom");
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("the handler broke", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var entry = Assert.Single(logged.Entries, e => e.Level == LogLevel.Error && e.Category == "Meridian.Server.Http");
        Assert.Contains("GET /boom", entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        await app.StopAsync();
    }
}
