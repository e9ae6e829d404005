using System.Text.Json.Serialization;

namespace Meridian.Runtime.Hosting;

/// <summary>What <c>database.json</c> holds: written last when a database is created, so its presence marks a complete publish.</summary>
/// <param name="Name">The database name.</param>
/// <param name="Identity">The database identity (64 hex digits).</param>
/// <param name="Owner">The publisher's identity (64 hex digits).</param>
/// <param name="CreatedMicros">When it was created, µs since the Unix epoch.</param>
public sealed record DatabaseRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("created_micros")] long CreatedMicros);

[JsonSerializable(typeof(DatabaseRecord))]
[JsonSerializable(typeof(string[]))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
