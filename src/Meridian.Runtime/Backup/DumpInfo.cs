using System.Text.Json.Serialization;

namespace Meridian.Runtime.Backup;

/// <summary>What a dump says about itself (its metadata block, JSON).</summary>
/// <param name="Database">The name of the database it was taken from.</param>
/// <param name="Identity">That database's identity (64 hex digits).</param>
/// <param name="Offset">The last transaction the dump includes: the data is exactly as it was after it.</param>
/// <param name="TakenMicros">When it was taken, µs since the Unix epoch.</param>
/// <param name="Tables">How many tables it holds.</param>
/// <param name="Rows">How many rows, over all tables.</param>
/// <param name="MeridianVersion">The version of the Meridian that wrote it.</param>
/// <param name="FormatVersion">The dump format version.</param>
public sealed record DumpInfo(
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("offset")] ulong Offset,
    [property: JsonPropertyName("taken_micros")] long TakenMicros,
    [property: JsonPropertyName("tables")] int Tables,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("meridian_version")] string MeridianVersion,
    [property: JsonPropertyName("format_version")] int FormatVersion);

/// <summary>The parts of a checked dump.</summary>
/// <param name="Info">Its metadata.</param>
/// <param name="ModuleImage">The module assembly.</param>
/// <param name="SnapshotPosition">Where the snapshot starts in the stream that was read.</param>
/// <param name="SnapshotLength">The snapshot's length in bytes.</param>
public sealed record DumpContents(DumpInfo Info, byte[] ModuleImage, long SnapshotPosition, long SnapshotLength);

/// <summary>A file that is not a usable dump: not one, damaged, truncated, or of a newer format.</summary>
public sealed class InvalidDumpException(string message) : DatabaseException(message);

[JsonSerializable(typeof(DumpInfo))]
internal sealed partial class DumpJsonContext : JsonSerializerContext;
