using Meridian.Runtime.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Meridian.Server.Diagnostics;

/// <summary>Wires the server's, runtime's and storage's meters into OpenTelemetry (Prometheus scrape endpoint, OTLP push).</summary>
internal static class MetricsSetup
{
    /// <summary>Every meter whose instruments are exported (Meridian.Storage: the commit log's fsync and bytes).</summary>
    public static readonly string[] Meters =
        [RuntimeMetrics.MeterName, ServerMetrics.MeterName, ServerMetrics.MeterName + ".Databases", "Meridian.Storage"];

    /// <summary>Exports the instruments of <paramref name="meters"/>' server only, not those of other servers in the process.</summary>
    public static IServiceCollection AddMeridianMetrics(this IServiceCollection services, MetricsOptions options, ServerMeterFactory meters)
    {
        if (!options.Prometheus && options.OtlpEndpoint is null)
            return services;
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters);
            metrics.AddView(instrument => meters.Owns(instrument.Meter) ? null : MetricStreamConfiguration.Drop);
            if (options.Prometheus)
                metrics.AddPrometheusExporter();
            if (options.OtlpEndpoint is { } endpoint)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = options.OtlpProtocol.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase)
                        ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpExportInterval.TotalMilliseconds;
                });
            }
        });
        return services;
    }
}
