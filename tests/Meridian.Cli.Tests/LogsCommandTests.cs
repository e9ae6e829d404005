using Meridian.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Meridian.Cli.Tests;

public sealed class LogsCommandTests : IAsyncLifetime, IDisposable
{
    private const string Records = """
        {"level":"Info","ts":1795305600000000,"target":"chat","filename":"Lib.cs","line_number":42,"message":"Chat module initialised"}
        {"level":"Warn","ts":1795305600123456,"message":"no target"}
        {"level":"Error","ts":1795305601000000,"target":"chat::send_message","message":"Messages must not be empty"}
        {"level":"Panic","ts":1795305602000000,"message":"boom","trace":[{"module_name":"chat","func_name":"send_message"},{"func_name":"main"}]}

        """;

    private readonly CliRun _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Prints_each_record_as_a_line()
    {
        _server.On("GET", "/v1/database/chat/logs", 200, Records, "application/x-ndjson");

        var result = await _cli.RunAsync("logs", "-s", _server.Url, "chat");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(_server.ApiRequests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("?follow=false", request.Query);
        Assert.Equal("Bearer token-1", request.Authorization);
        Assert.Equal(
            """
            2026-11-22T00:00:00.000000Z  INFO chat: Lib.cs:42: Chat module initialised
            2026-11-22T00:00:00.123456Z  WARN no target
            2026-11-22T00:00:01.000000Z ERROR chat::send_message: Messages must not be empty
            2026-11-22T00:00:02.000000Z PANIC boom
                in chat :: send_message
                in main

            """,
            result.Out);
    }

    [Fact]
    public async Task Level_leaves_out_less_severe_records_and_json_prints_them_as_they_are()
    {
        _server.On("GET", "/v1/database/chat/logs", 200, Records, "application/x-ndjson");

        var errors = await _cli.RunAsync("logs", "-s", _server.Url, "--level", "error", "chat");
        Assert.Equal(0, errors.ExitCode);
        Assert.Equal(
            """
            2026-11-22T00:00:01.000000Z ERROR chat::send_message: Messages must not be empty
            2026-11-22T00:00:02.000000Z PANIC boom
                in chat :: send_message
                in main

            """,
            errors.Out);

        var json = await _cli.RunAsync("logs", "-s", _server.Url, "--level", "warn", "--format", "json", "chat");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(string.Join("\n", Records.Split('\n').Where(l => l.Length > 0).Skip(1)) + "\n", json.Out);

        var bad = await _cli.RunAsync("logs", "-s", _server.Url, "--level", "loud", "chat");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("loud", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Num_lines_and_follow_go_in_the_query()
    {
        _server.On("GET", "/v1/database/chat/logs", 200, "", "application/x-ndjson");

        Assert.Equal(0, (await _cli.RunAsync("logs", "-s", _server.Url, "-n", "5", "chat")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("logs", "-s", _server.Url, "--num-lines", "3", "--follow", "chat")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("logs", "-s", _server.Url, "-f", "chat")).ExitCode);

        Assert.Equal(["?num_lines=5&follow=false", "?num_lines=3&follow=true", "?num_lines=10&follow=true"], _server.ApiRequests.Select(r => r.Query));
    }

    [Fact]
    public async Task Follow_prints_records_as_they_arrive()
    {
        var release = new TaskCompletionSource();
        _server.On("GET", "/v1/database/chat/logs", async (context, _) =>
        {
            context.Response.ContentType = "application/x-ndjson";
            await context.Response.WriteAsync("{\"level\":\"Info\",\"ts\":0,\"message\":\"first\"}\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("{\"level\":\"Info\",\"ts\":0,\"message\":\"second\"}\n");
        });
        var output = new BlockingWriter();
        var run = CliApp.RunAsync(
            ["logs", "-s", _server.Url, "-f", "chat"], new CliEnvironment { Out = output, Error = new StringWriter(), ConfigDirectory = _cli.ConfigDirectory });

        await output.WaitForAsync("first", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("second", output.Text);
        release.SetResult();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("INFO second", output.Text);
    }

    [Fact]
    public async Task Error_answer_is_printed()
    {
        _server.On("GET", "/v1/database/chat/logs", 403, "Only the owner may read the logs");

        var result = await _cli.RunAsync("logs", "-s", _server.Url, "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: Only the owner may read the logs", result.Error);
    }

    [Fact]
    public void Lines_that_are_not_records_print_as_they_are() =>
        Assert.Equal("not json", LogRecordFormatter.Format("not json"));

    private sealed class BlockingWriter : StringWriter
    {
        private readonly SemaphoreSlim _written = new(0);

        public string Text
        {
            get
            {
                lock (this)
                    return ToString();
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            lock (this)
                base.WriteLine(value);
            _written.Release();
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Text.Contains(text, StringComparison.Ordinal))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _written.WaitAsync(left))
                    throw new TimeoutException($"'{text}' was not written; output so far: {Text}");
            }
        }
    }
}
