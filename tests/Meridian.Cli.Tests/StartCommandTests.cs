namespace Meridian.Cli.Tests;

/// <summary><c>meridian start --config</c>: the file's settings apply, and flags typed on the command line override them.</summary>
public sealed class StartCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("meridian-start-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Runs `meridian start` in-process until it prints its address, asks /v1/ping there, then stops it.
    private static async Task<(int? ExitCode, string Out, string Error, bool Pinged)> RunUntilListeningAsync(params string[] args)
    {
        var stdout = new ConcurrentOutput();
        var stderr = new ConcurrentOutput();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            ConfigDirectory = Path.Combine(Path.GetTempPath(), "meridian-cli-tests", Guid.NewGuid().ToString("N")),
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = CliApp.RunAsync(["start", .. args], environment, stop.Token);
        var pinged = false;
        while (!run.IsCompleted && !stop.IsCancellationRequested)
        {
            var text = stdout.ToString();
            var at = text.IndexOf("listening on ", StringComparison.Ordinal);
            if (at >= 0)
            {
                var address = text[(at + "listening on ".Length)..].Split('\n')[0].Trim();
                using var http = new HttpClient();
                pinged = (await http.GetAsync(address + "/v1/ping")).IsSuccessStatusCode;
                await stop.CancelAsync();
                break;
            }
            await Task.Delay(50);
        }
        // Stopped the way Ctrl+C stops it: the command ends and CliApp's final flush still runs.
        int? exitCode = await run;
        return (exitCode, stdout.ToString(), stderr.ToString(), pinged);
    }

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_root, "meridian.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task The_files_listen_address_and_data_directory_apply_when_no_flag_is_given()
    {
        var config = WriteConfig("{\"listen_addr\": \"127.0.0.1:0\", \"data_dir\": \"from-file\"}");
        var (exitCode, _, error, pinged) = await RunUntilListeningAsync("--config", config);
        Assert.Equal(0, exitCode);
        Assert.True(pinged, error);
        Assert.EndsWith("Meridian stopped.\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"data directory {Path.Combine(_root, "from-file")}", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_root, "from-file", "keys")));
    }

    [Fact]
    public async Task Flags_on_the_command_line_override_the_file()
    {
        // Were the file's address used, the server could not start at all.
        var config = WriteConfig("{\"listen_addr\": \"not-an-address\", \"data_dir\": \"from-file\", \"durability\": \"sync\"}");
        var flagDir = Path.Combine(_root, "from-flag");
        var (exitCode, _, error, pinged) = await RunUntilListeningAsync(
            "--config", config, "--listen-addr", "127.0.0.1:0", "--data-dir", flagDir, "--max-in-flight-calls", "4");
        Assert.Equal(0, exitCode);
        Assert.True(pinged, error);
        Assert.EndsWith("Meridian stopped.\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"data directory {flagDir}", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(flagDir, "keys")));
        Assert.False(Directory.Exists(Path.Combine(_root, "from-file")));

        var (failed, _, failure, _) = await RunUntilListeningAsync("--config", config, "--data-dir", flagDir);
        Assert.Equal(1, failed);
        Assert.Contains("'not-an-address' is not a listen address", failure, StringComparison.Ordinal);

        // A limit flag overrides the file's limit, and a bad one is refused before the server starts.
        var limited = WriteConfig("{\"listen_addr\": \"127.0.0.1:0\", \"limits\": {\"max_in_flight_calls\": 4}}");
        var (refused, _, message, _) = await RunUntilListeningAsync("--config", limited, "--data-dir", flagDir, "--max-in-flight-calls", "-1");
        Assert.Equal(1, refused);
        Assert.Contains("in-flight calls limit", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pg_port_from_the_flag_or_the_file_serves_the_postgres_protocol()
    {
        var dataDir = Path.Combine(_root, "pg");
        var (_, _, error, pinged) = await RunUntilListeningAsync("--listen-addr", "127.0.0.1:0", "--data-dir", dataDir, "--pg-port", "0");
        Assert.True(pinged, error);
        Assert.Matches(@"PostgreSQL wire protocol on 127\.0\.0\.1:[1-9][0-9]*", error);

        var config = WriteConfig("{\"listen_addr\": \"127.0.0.1:0\", \"pg_port\": 0}");
        (_, _, error, pinged) = await RunUntilListeningAsync("--config", config, "--data-dir", dataDir);
        Assert.True(pinged, error);
        Assert.Contains("PostgreSQL wire protocol on 127.0.0.1:", error, StringComparison.Ordinal);

        (_, _, error, pinged) = await RunUntilListeningAsync("--listen-addr", "127.0.0.1:0", "--data-dir", dataDir);
        Assert.True(pinged, error);
        Assert.DoesNotContain("PostgreSQL", error, StringComparison.Ordinal);

        var (refused, _, message, _) = await RunUntilListeningAsync("--listen-addr", "127.0.0.1:0", "--data-dir", dataDir, "--pg-port", "70000");
        Assert.Equal(1, refused);
        Assert.Contains("--pg-port 70000 is not a port", message, StringComparison.Ordinal);
    }
}
