using Meridian.Cli.Config;
using Meridian.Client.Http;

namespace Meridian.Cli.Tests;

public class ServerAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:3000", "http://127.0.0.1:3000")]
    [InlineData("http://127.0.0.1:3000/", "http://127.0.0.1:3000")]
    [InlineData("127.0.0.1:3000", "http://127.0.0.1:3000")]
    [InlineData("  localhost:3000  ", "http://localhost:3000")]
    [InlineData("https://db.example.com", "https://db.example.com")]
    [InlineData("https://example.com/meridian/", "https://example.com/meridian")]
    [InlineData("HTTP://EXAMPLE.COM:80", "http://example.com")]
    public void Normalizes_what_the_user_typed(string typed, string expected) =>
        Assert.Equal(expected, ServerAddress.Normalize(typed));

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("http://")]
    [InlineData("http://example.com/?x=1")]
    [InlineData("")]
    public void Refuses_what_is_not_a_server_url(string typed)
    {
        Assert.Contains("is not a server URL", Assert.Throws<FormatException>(() => ServerAddress.Normalize(typed)).Message);
        var error = Assert.Throws<CliException>(() => CliConfig.NormalizeServer(typed));
        Assert.Contains("is not a server URL", error.Message);
        Assert.Equal("Give one like http://127.0.0.1:3000.", error.Hint);
    }
}
