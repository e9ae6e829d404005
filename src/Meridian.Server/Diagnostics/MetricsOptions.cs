namespace Meridian.Server.Diagnostics;

/// <summary>How the server exports its instruments.</summary>
public sealed record MetricsOptions
{
    /// <summary>Serves <c>GET /v1/metrics</c> in the Prometheus text format (default on).</summary>
    public bool Prometheus { get; init; } = true;

    /// <summary>Also pushes every instrument to this OTLP collector (e.g. <c>http://127.0.0.1:4317</c>); null pushes nowhere.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP over gRPC (default) or HTTP/protobuf (<c>http/protobuf</c>; the endpoint then ends in <c>/v1/metrics</c>).</summary>
    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>How often OTLP pushes (default 15 s).</summary>
    public TimeSpan OtlpExportInterval { get; init; } = TimeSpan.FromSeconds(15);
}
