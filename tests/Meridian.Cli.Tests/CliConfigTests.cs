using Meridian.Cli.Config;

namespace Meridian.Cli.Tests;

public sealed class CliConfigTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "meridian-config-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Missing_file_is_an_empty_configuration_and_saving_creates_it()
    {
        var config = CliConfig.Load(_directory);
        Assert.Null(config.Find("http://a"));

        config.Set("http://a", new ServerCredentials("c200aa", "t1"));
        config.Set("http://b", new ServerCredentials(null, "t2"));

        var reloaded = CliConfig.Load(_directory);
        Assert.Equal(new ServerCredentials("c200aa", "t1"), reloaded.Find("http://a"));
        Assert.Equal(new ServerCredentials(null, "t2"), reloaded.Find("http://b"));
        Assert.False(File.Exists(Path.Combine(_directory, "cli.json.tmp")));
    }

    [Fact]
    public void Remove_forgets_one_server_only()
    {
        var config = CliConfig.Load(_directory);
        config.Set("http://a", new ServerCredentials("c200aa", "t1"));
        config.Set("http://b", new ServerCredentials("c200bb", "t2"));

        Assert.True(config.Remove("http://a"));
        Assert.False(config.Remove("http://a"));

        var reloaded = CliConfig.Load(_directory);
        Assert.Null(reloaded.Find("http://a"));
        Assert.NotNull(reloaded.Find("http://b"));
    }

    [Fact]
    public void Malformed_file_is_a_clear_error()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "cli.json"), "{ not json");

        var error = Assert.Throws<CliException>(() => CliConfig.Load(_directory));

        Assert.Contains("cli.json is not valid JSON", error.Message);
    }

    [Fact]
    public async Task Malformed_file_fails_the_command_without_a_stack_trace()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "cli.json"), "[1, 2");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exitCode = await CliApp.RunAsync(
            ["call", "-s", "http://127.0.0.1:1", "db", "r"], new CliEnvironment { Out = stdout, Error = stderr, ConfigDirectory = _directory });

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
    }

    [Fact]
    public void Config_directory_comes_from_MERIDIAN_CONFIG_DIR_else_home()
    {
        var before = Environment.GetEnvironmentVariable(CliEnvironment.ConfigDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(CliEnvironment.ConfigDirectoryVariable, _directory);
            Assert.Equal(_directory, CliEnvironment.DefaultConfigDirectory());
            Environment.SetEnvironmentVariable(CliEnvironment.ConfigDirectoryVariable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".config", "meridian"), CliEnvironment.DefaultConfigDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CliEnvironment.ConfigDirectoryVariable, before);
        }
    }
}
