using Meridian.Cli.Commands;

namespace Meridian.Cli.Tests;

public sealed class CallCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Posts_the_arguments_as_a_json_array()
    {
        _server.On("POST", "/v1/database/chat/call/send_message", 200);

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "send_message", "Hello there", "42", "{\"some\": true}", "\"quoted\"");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
        var request = Assert.Single(_server.ApiRequests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("[\"Hello there\",42,{\"some\": true},\"quoted\"]", request.BodyText);
    }

    [Fact]
    public async Task No_arguments_send_an_empty_array()
    {
        _server.On("POST", "/v1/database/chat/call/init_world", 200);

        var result = await _cli.RunAsync("call", "--server", _server.Url, "chat", "init_world");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[]", Assert.Single(_server.ApiRequests).BodyText);
    }

    [Fact]
    public async Task Database_and_reducer_names_are_escaped_in_the_url()
    {
        _server.On("POST", "/v1/database/my db/call/do it", 200);

        var result = await _cli.RunAsync("call", "-s", _server.Url, "my db", "do it");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/v1/database/my db/call/do it", Assert.Single(_server.ApiRequests).Path);
    }

    [Fact]
    public async Task Procedure_result_is_printed()
    {
        _server.On("POST", "/v1/database/chat/call/hello", 200, "[\"World\"]", "application/json");

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[\"World\"]\n", result.Out);
    }

    [Fact]
    public async Task Reducer_failure_prints_the_module_error_and_exits_non_zero()
    {
        _server.On("POST", "/v1/database/chat/call/send_message", 530, "Messages must not be empty");

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "send_message", "");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("[\"\"]", Assert.Single(_server.ApiRequests).BodyText);
        Assert.Contains("error: the reducer failed: Messages must not be empty", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Other_error_answers_print_the_server_text()
    {
        _server.On("POST", "/v1/database/chat/call/nope", 404, "No such reducer: nope");
        _server.On("POST", "/v1/database/chat/call/bad", 400, "");

        var missing = await _cli.RunAsync("call", "-s", _server.Url, "chat", "nope");
        var bad = await _cli.RunAsync("call", "-s", _server.Url, "chat", "bad", "1");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: No such reducer: nope", missing.Error);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error: the server answered 400 Bad Request", bad.Error);
    }

    [Fact]
    public async Task Arguments_that_look_like_options_or_response_files_are_passed_on()
    {
        _server.On("POST", "/v1/database/chat/call/move", 200);

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "move", "@alice", "-5");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("[\"@alice\",-5]", Assert.Single(_server.ApiRequests).BodyText);
    }

    [Fact]
    public async Task Missing_arguments_are_a_usage_error()
    {
        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Required argument missing", result.Error);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData(new string[0], "[]")]
    [InlineData(new[] { "Alice" }, "[\"Alice\"]")]
    [InlineData(new[] { "" }, "[\"\"]")]
    [InlineData(new[] { " " }, "[\" \"]")]
    [InlineData(new[] { "7", "-1.5", "true", "null" }, "[7,-1.5,true,null]")]
    [InlineData(new[] { "[1, 2]", "{\"x\":1}" }, "[[1, 2],{\"x\":1}]")]
    [InlineData(new[] { "{not json", "say \"hi\"" }, "[\"{not json\",\"say \\u0022hi\\u0022\"]")]
    [InlineData(new[] { "\"0xc200\"" }, "[\"0xc200\"]")]
    public void Arguments_parse_as_json_or_fall_back_to_strings(string[] args, string expected) =>
        Assert.Equal(expected, CallCommand.ArgumentsJson(args));
}
