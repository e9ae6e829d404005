using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meridian.Runtime.Hosting;

/// <summary>
/// A database's variables set with SQL <c>SET</c> (today <c>row_limit</c>), kept in
/// <c>settings.json</c> beside its data so they survive restarts (only in memory for an in-memory
/// database).
/// </summary>
public sealed class DatabaseSettings
{
    private readonly string? _path;
    private readonly Lock _lock = new();
    private Values _values;

    private DatabaseSettings(string? path, Values values)
    {
        _path = path;
        _values = values;
    }

    /// <summary>Settings kept only in memory.</summary>
    public static DatabaseSettings InMemory() => new(null, new Values(null));

    /// <summary>The settings stored at <paramref name="path"/> (none yet when the file does not exist).</summary>
    /// <exception cref="InvalidDataException">The file is not valid settings JSON.</exception>
    public static DatabaseSettings Load(string path)
    {
        if (!File.Exists(path))
            return new DatabaseSettings(path, new Values(null));
        try
        {
            return new DatabaseSettings(path, JsonSerializer.Deserialize(File.ReadAllText(path), SettingsJsonContext.Default.Values) ?? new Values(null));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid settings JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The most rows a query or subscription of a non-owner may be estimated to scan (null: no limit).
    /// Queries over it are refused before they run.
    /// </summary>
    public ulong? RowLimit
    {
        get
        {
            lock (_lock)
                return _values.RowLimit;
        }
    }

    /// <summary>Sets <see cref="RowLimit"/> (0 removes the limit) and stores the settings.</summary>
    public void SetRowLimit(ulong limit)
    {
        lock (_lock)
        {
            _values = _values with { RowLimit = limit == 0 ? null : limit };
            if (_path is null)
                return;
            var tmp = _path + ".tmp";
            File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(_values, SettingsJsonContext.Default.Values));
            File.Move(tmp, _path, overwrite: true);
        }
    }

    internal sealed record Values([property: JsonPropertyName("row_limit")] ulong? RowLimit);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DatabaseSettings.Values))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext;
