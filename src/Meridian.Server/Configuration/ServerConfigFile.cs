using System.Text.Json;
using System.Text.Json.Serialization;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Hosting;
using Meridian.Server.Auth;
using Meridian.Server.Diagnostics;

namespace Meridian.Server.Configuration;

/// <summary>
/// The server's configuration file (<c>meridian.json</c>, documented in docs/configuration.md): listen address, data
/// directory, durability, the PostgreSQL wire protocol port, trusted identity providers, limits, metrics and the slow log. Every key is optional;
/// unknown keys are errors, so a typo never silently does nothing. Command-line flags override the file.
/// </summary>
public sealed class ServerConfigFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary><c>host:port</c> to listen on.</summary>
    public string? ListenAddr { get; set; }

    /// <summary>The port of the PostgreSQL wire protocol on the listen address's host (absent: not served).</summary>
    public int? PgPort { get; set; }

    /// <summary>The data directory (relative paths are relative to the file).</summary>
    public string? DataDir { get; set; }

    /// <summary><c>sync</c> (group commit, the default) or <c>async</c> (periodic fsync).</summary>
    public string? Durability { get; set; }

    /// <summary>Messages that may wait for one client before it is disconnected.</summary>
    public int? MaxQueuedMessagesPerClient { get; set; }

    /// <summary>Milliseconds one reducer call may run before its next call into the database stops it; 0: no limit.</summary>
    public long? ReducerTimeLimitMs { get; set; }

    /// <summary>Per-identity limits.</summary>
    public LimitsSection? Limits { get; set; }

    /// <summary>Frame compression.</summary>
    public CompressionSection? Compression { get; set; }

    /// <summary>Trusted external OpenID Connect issuers.</summary>
    public IdentitySection? Identity { get; set; }

    /// <summary>Metrics export.</summary>
    public MetricsSection? Metrics { get; set; }

    /// <summary>
    /// The least severe log lines <c>meridian start</c> writes: <c>trace</c>, <c>debug</c>, <c>information</c> (the default),
    /// <c>warning</c>, <c>error</c>, <c>critical</c> or <c>none</c>. An embedding application filters its own logger factory instead.
    /// </summary>
    public string? LogLevel { get; set; }

    /// <summary>The file's <see cref="LogLevel"/>, or null when the file sets none.</summary>
    /// <exception cref="ArgumentException">The value is not a level.</exception>
    public Microsoft.Extensions.Logging.LogLevel? MinimumLogLevel => LogLevel is null ? null : ParseLogLevel(LogLevel, "log_level");

    /// <summary>Reads a log level as the configuration file and <c>--log-level</c> spell it.</summary>
    /// <exception cref="ArgumentException">The value is not a level; the message names <paramref name="key"/>.</exception>
    public static Microsoft.Extensions.Logging.LogLevel ParseLogLevel(string value, string key)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ToLowerInvariant() switch
        {
            "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
            "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "information" or "info" => Microsoft.Extensions.Logging.LogLevel.Information,
            "warning" or "warn" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "error" => Microsoft.Extensions.Logging.LogLevel.Error,
            "critical" => Microsoft.Extensions.Logging.LogLevel.Critical,
            "none" => Microsoft.Extensions.Logging.LogLevel.None,
            _ => throw new ArgumentException(
                $"{key} must be one of trace, debug, information, warning, error, critical or none, not \"{value}\"."),
        };
    }

    /// <summary>Slow-log thresholds.</summary>
    public SlowLogSection? SlowLog { get; set; }

    /// <summary>Reads and checks a configuration file.</summary>
    /// <exception cref="ArgumentException">The file is not valid; the message names the problem.</exception>
    public static ServerConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the configuration file {path}: {e.Message}", e);
        }
        ServerConfigFile config;
        try
        {
            config = JsonSerializer.Deserialize<ServerConfigFile>(text, Json) ?? throw new ArgumentException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not a valid configuration file: {e.Message}", e);
        }
        if (config.DataDir is { } dir && !Path.IsPathRooted(dir))
            config.DataDir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dir));
        config.ToOptions(new MeridianServerOptions()); // validate everything now, with messages naming the key
        return config;
    }

    /// <summary>Applies the file's settings over <paramref name="defaults"/>.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public MeridianServerOptions ToOptions(MeridianServerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var durability = Durability?.ToLowerInvariant() switch
        {
            null => defaults.Durability,
            "sync" => Runtime.Hosting.Durability.Sync,
            "async" => Runtime.Hosting.Durability.Async,
            _ => throw new ArgumentException($"durability must be \"sync\" or \"async\", not \"{Durability}\"."),
        };
        if (MaxQueuedMessagesPerClient is <= 0)
            throw new ArgumentException("max_queued_messages_per_client must be positive.");
        if (PgPort is < 0 or > 65535)
            throw new ArgumentException($"pg_port must be a port (0 to 65535), not {PgPort}.");
        _ = MinimumLogLevel; // checked here with the rest, though only `meridian start` uses it
        if (ReducerTimeLimitMs is < 0)
            throw new ArgumentException("reducer_time_limit_ms must be 0 (no limit) or a positive number of milliseconds.");
        return defaults with
        {
            ListenAddress = ListenAddr ?? defaults.ListenAddress,
            DataDirectory = DataDir ?? defaults.DataDirectory,
            Durability = durability,
            PgPort = PgPort ?? defaults.PgPort,
            MaxQueuedMessagesPerClient = MaxQueuedMessagesPerClient ?? defaults.MaxQueuedMessagesPerClient,
            ReducerTimeLimit = ReducerTimeLimitMs switch
            {
                null => defaults.ReducerTimeLimit,
                0 => null,
                var ms => TimeSpan.FromMilliseconds(ms.Value),
            },
            Compression = Compression?.ToOptions(defaults.Compression) ?? defaults.Compression,
            RateLimits = Limits?.ToOptions(defaults.RateLimits) ?? defaults.RateLimits,
            IdentityProviders = Identity?.ToOptions(defaults.IdentityProviders) ?? defaults.IdentityProviders,
            Metrics = Metrics?.ToOptions(defaults.Metrics) ?? defaults.Metrics,
            SlowLog = SlowLog?.ToOptions(defaults.SlowLog) ?? defaults.SlowLog,
        };
    }

    private static TimeSpan? Seconds(double? value, string key) => value switch
    {
        null => null,
        < 0 => throw new ArgumentException($"{key} must not be negative."),
        _ => TimeSpan.FromSeconds(value.Value),
    };

    /// <summary>The <c>limits</c> section (per identity; 0 turns a limit off).</summary>
    public sealed class LimitsSection
    {
        /// <summary>Sustained requests per second per identity.</summary>
        public double? RequestsPerSecond { get; set; }

        /// <summary>Requests an idle identity may make at once.</summary>
        public int? Burst { get; set; }

        /// <summary>Reducer and procedure calls one identity may have in flight.</summary>
        public int? MaxInFlightCalls { get; set; }

        internal Server.Limits.RateLimitOptions ToOptions(Server.Limits.RateLimitOptions d)
        {
            var options = new Server.Limits.RateLimitOptions
            {
                RequestsPerSecond = RequestsPerSecond ?? d.RequestsPerSecond,
                Burst = Burst ?? d.Burst,
                MaxInFlightCalls = MaxInFlightCalls ?? d.MaxInFlightCalls,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"limits: {e.Message}", e);
            }
            return options;
        }
    }

    /// <summary>The <c>compression</c> section.</summary>
    public sealed class CompressionSection
    {
        /// <summary><c>auto</c> (v2 connections only), <c>always</c> or <c>never</c>.</summary>
        public string? Policy { get; set; }

        /// <summary>Frame bodies up to this many bytes go uncompressed.</summary>
        public int? ThresholdBytes { get; set; }

        internal Sessions.CompressionOptions ToOptions(Sessions.CompressionOptions d) => new()
        {
            Policy = Policy?.ToLowerInvariant() switch
            {
                null => d.Policy,
                "auto" => Sessions.CompressionPolicy.Auto,
                "always" => Sessions.CompressionPolicy.Always,
                "never" => Sessions.CompressionPolicy.Never,
                _ => throw new ArgumentException($"compression.policy must be \"auto\", \"always\" or \"never\", not \"{Policy}\"."),
            },
            ThresholdBytes = ThresholdBytes is < 0
                ? throw new ArgumentException("compression.threshold_bytes must not be negative.")
                : ThresholdBytes ?? d.ThresholdBytes,
        };
    }

    /// <summary>The <c>identity</c> section.</summary>
    public sealed class IdentitySection
    {
        /// <summary>Trusted issuers.</summary>
        public List<IssuerEntry>? Issuers { get; set; }

        /// <summary>Clock skew tolerated on exp/nbf, in seconds.</summary>
        public double? ClockSkewSeconds { get; set; }

        /// <summary>How long issuer keys are cached, in seconds.</summary>
        public double? KeyCacheSeconds { get; set; }

        /// <summary>Shortest time between refetches caused by unknown keys, in seconds.</summary>
        public double? MinimumKeyRefreshSeconds { get; set; }

        internal IdentityProviderOptions ToOptions(IdentityProviderOptions d) => new()
        {
            Issuers = Issuers?.Select(i => i.ToIssuer()).ToList() ?? d.Issuers,
            ClockSkew = Seconds(ClockSkewSeconds, "identity.clock_skew_seconds") ?? d.ClockSkew,
            KeyCacheDuration = Seconds(KeyCacheSeconds, "identity.key_cache_seconds") ?? d.KeyCacheDuration,
            MinimumKeyRefreshInterval = Seconds(MinimumKeyRefreshSeconds, "identity.minimum_key_refresh_seconds") ?? d.MinimumKeyRefreshInterval,
            FetchTimeout = d.FetchTimeout,
        };
    }

    /// <summary>One entry of <c>identity.issuers</c>.</summary>
    public sealed class IssuerEntry
    {
        /// <summary>The issuer exactly as tokens carry it in <c>iss</c>.</summary>
        public string? Issuer { get; set; }

        /// <summary>Accepted audiences (empty: any).</summary>
        public List<string>? Audiences { get; set; }

        /// <summary>Allow plain HTTP for a non-loopback issuer.</summary>
        public bool? AllowHttp { get; set; }

        internal TrustedIssuer ToIssuer() => new()
        {
            Issuer = string.IsNullOrWhiteSpace(Issuer) ? throw new ArgumentException("Every identity.issuers entry needs an \"issuer\".") : Issuer,
            Audiences = Audiences ?? [],
            AllowHttp = AllowHttp ?? false,
        };
    }

    /// <summary>The <c>metrics</c> section.</summary>
    public sealed class MetricsSection
    {
        /// <summary>Serve <c>/v1/metrics</c>.</summary>
        public bool? Prometheus { get; set; }

        /// <summary>OTLP collector address.</summary>
        public string? OtlpEndpoint { get; set; }

        /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
        public string? OtlpProtocol { get; set; }

        /// <summary>Seconds between OTLP pushes.</summary>
        public double? OtlpExportIntervalSeconds { get; set; }

        internal MetricsOptions ToOptions(MetricsOptions d)
        {
            Uri? endpoint = d.OtlpEndpoint;
            if (OtlpEndpoint is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
                throw new ArgumentException($"metrics.otlp_endpoint \"{text}\" is not an http(s) URL.");
            if (OtlpProtocol is { } p && p is not ("grpc" or "http/protobuf"))
                throw new ArgumentException($"metrics.otlp_protocol must be \"grpc\" or \"http/protobuf\", not \"{p}\".");
            return new MetricsOptions
            {
                Prometheus = Prometheus ?? d.Prometheus,
                OtlpEndpoint = endpoint,
                OtlpProtocol = OtlpProtocol ?? d.OtlpProtocol,
                OtlpExportInterval = Seconds(OtlpExportIntervalSeconds, "metrics.otlp_export_interval_seconds") ?? d.OtlpExportInterval,
            };
        }
    }

    /// <summary>The <c>slow_log</c> section.</summary>
    public sealed class SlowLogSection
    {
        /// <summary>Reducer threshold in milliseconds; a negative value disables reducer logging.</summary>
        public double? ReducerThresholdMs { get; set; }

        /// <summary>Query threshold in milliseconds; a negative value disables query logging.</summary>
        public double? QueryThresholdMs { get; set; }

        /// <summary>Entries kept per database.</summary>
        public int? Capacity { get; set; }

        internal SlowLogOptions ToOptions(SlowLogOptions d) => new()
        {
            ReducerThreshold = ReducerThresholdMs is { } r ? (r < 0 ? null : TimeSpan.FromMilliseconds(r)) : d.ReducerThreshold,
            QueryThreshold = QueryThresholdMs is { } q ? (q < 0 ? null : TimeSpan.FromMilliseconds(q)) : d.QueryThreshold,
            Capacity = Capacity is < 0 ? throw new ArgumentException("slow_log.capacity must not be negative.") : Capacity ?? d.Capacity,
        };
    }
}
