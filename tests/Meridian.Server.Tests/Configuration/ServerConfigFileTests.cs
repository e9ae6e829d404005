using Meridian.Runtime.Hosting;
using Meridian.Server.Configuration;

namespace Meridian.Server.Tests.Configuration;

public sealed class ServerConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "meridian.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Every_section_maps_onto_the_server_options()
    {
        var path = Write("""
            {
              // comments are allowed
              "listen_addr": "0.0.0.0:4000",
              "data_dir": "data",
              "durability": "async",
              "pg_port": 5433,
              "max_queued_messages_per_client": 1000,
              "limits": { "requests_per_second": 12.5, "burst": 40, "max_in_flight_calls": 8 },
              "compression": { "policy": "always", "threshold_bytes": 4096 },
              "identity": {
                "issuers": [ { "issuer": "https://auth.example.com", "audiences": ["app"] } ],
                "clock_skew_seconds": 30,
                "key_cache_seconds": 600,
                "minimum_key_refresh_seconds": 5
              },
              "metrics": { "prometheus": false, "otlp_endpoint": "http://127.0.0.1:4318/v1/metrics", "otlp_protocol": "http/protobuf" },
              "slow_log": { "reducer_threshold_ms": 50, "query_threshold_ms": -1, "capacity": 10 },
            }
            """);
        var options = ServerConfigFile.Load(path).ToOptions(new MeridianServerOptions());
        Assert.Equal("0.0.0.0:4000", options.ListenAddress);
        Assert.Equal(Path.Combine(_dir, "data"), options.DataDirectory);
        Assert.Equal(Durability.Async, options.Durability);
        Assert.Equal(5433, options.PgPort);
        Assert.Equal(1000, options.MaxQueuedMessagesPerClient);
        Assert.Equal(12.5, options.RateLimits.RequestsPerSecond);
        Assert.Equal(40, options.RateLimits.Burst);
        Assert.Equal(8, options.RateLimits.MaxInFlightCalls);
        Assert.Equal(Sessions.CompressionPolicy.Always, options.Compression.Policy);
        Assert.Equal(4096, options.Compression.ThresholdBytes);
        var issuer = Assert.Single(options.IdentityProviders.Issuers);
        Assert.Equal("https://auth.example.com", issuer.Issuer);
        Assert.Equal(["app"], issuer.Audiences);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdentityProviders.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(10), options.IdentityProviders.KeyCacheDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.IdentityProviders.MinimumKeyRefreshInterval);
        Assert.False(options.Metrics.Prometheus);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/metrics"), options.Metrics.OtlpEndpoint);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.SlowLog.ReducerThreshold);
        Assert.Null(options.SlowLog.QueryThreshold);
        Assert.Equal(10, options.SlowLog.Capacity);
    }

    [Fact]
    public void Absent_keys_keep_the_defaults()
    {
        var defaults = new MeridianServerOptions { ListenAddress = "127.0.0.1:1234" };
        var options = ServerConfigFile.Load(Write("{}")).ToOptions(defaults);
        Assert.Equal("127.0.0.1:1234", options.ListenAddress);
        Assert.Equal(Durability.Sync, options.Durability);
        Assert.Null(options.PgPort);
        Assert.Empty(options.IdentityProviders.Issuers);
        Assert.True(options.Metrics.Prometheus);
        Assert.False(options.RateLimits.Enabled);
        Assert.Equal(Sessions.CompressionPolicy.Auto, options.Compression.Policy);
        Assert.Equal(1024, options.Compression.ThresholdBytes);
    }

    [Theory]
    [InlineData("""{ "listen_adr": "x" }""", "listen_adr")]
    [InlineData("""{ "durability": "sometimes" }""", "durability")]
    [InlineData("""{ "identity": { "issuers": [ { "audiences": [] } ] } }""", "issuer")]
    [InlineData("""{ "identity": { "issuers": [ { "issuer": "http://auth.example.com" } ] } }""", "HTTPS")]
    [InlineData("""{ "metrics": { "otlp_protocol": "carrier-pigeon" } }""", "otlp_protocol")]
    [InlineData("""{ "identity": { "clock_skew_seconds": -1 } }""", "clock_skew_seconds")]
    [InlineData("""{ not json""", "not a valid configuration file")]
    [InlineData("""{ "pg_port": 70000 }""", "pg_port")]
    [InlineData("""{ "limits": { "requests_per_second": -1 } }""", "limits")]
    [InlineData("""{ "limits": { "max_in_flight_calls": -2 } }""", "in-flight")]
    [InlineData("""{ "limits": { "requests": 5 } }""", "requests")]
    [InlineData("""{ "compression": { "policy": "sometimes" } }""", "compression.policy")]
    [InlineData("""{ "compression": { "threshold_bytes": -1 } }""", "compression.threshold_bytes")]
    public void Bad_files_are_refused_with_a_message_naming_the_problem(string json, string expected)
    {
        var path = Write(json);
        var error = Assert.Throws<ArgumentException>(() =>
        {
            var options = ServerConfigFile.Load(path).ToOptions(new MeridianServerOptions());
            using var issuers = new Meridian.Server.Auth.ExternalIssuers(options.IdentityProviders);
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
