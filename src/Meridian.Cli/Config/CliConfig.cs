using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meridian.Cli.Config;

/// <summary>
/// The CLI's saved state, <c>cli.json</c> in the config directory: one identity and token per
/// server URL. The file holds secrets, so it is written owner-only and replaced atomically.
/// </summary>
internal sealed class CliConfig
{
    /// <summary>The file name inside the config directory.</summary>
    public const string FileName = "cli.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConfigFile _file;

    private CliConfig(string path, ConfigFile file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The file this configuration is read from and saved to.</summary>
    public string Path { get; }

    /// <summary>Reads <c>cli.json</c> from <paramref name="directory"/>; a missing file is an empty configuration.</summary>
    public static CliConfig Load(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return new CliConfig(path, new ConfigFile());
        try
        {
            var file = JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), Json) ?? new ConfigFile();
            return new CliConfig(path, file);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is not valid JSON ({e.Message}).", $"Fix or delete the file; it only holds saved identities.");
        }
    }

    /// <summary>The saved credentials for <paramref name="server"/>, or null.</summary>
    public ServerCredentials? Find(string server) => _file.Servers.GetValueOrDefault(server);

    /// <summary>Remembers <paramref name="credentials"/> for <paramref name="server"/> and saves.</summary>
    public void Set(string server, ServerCredentials credentials)
    {
        _file.Servers[server] = credentials;
        Save();
    }

    /// <summary>Forgets the credentials of <paramref name="server"/>; false when there were none.</summary>
    public bool Remove(string server)
    {
        if (!_file.Servers.Remove(server))
            return false;
        Save();
        return true;
    }

    private void Save()
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, _file, Json);
        }
        File.Move(temp, Path, overwrite: true);
    }

    private sealed class ConfigFile
    {
        public Dictionary<string, ServerCredentials> Servers { get; set; } = new(StringComparer.Ordinal);
    }
}

/// <summary>An identity and the token proving it, as issued by one server.</summary>
/// <param name="Identity">The identity, 64 hex characters.</param>
/// <param name="Token">The JWT sent as <c>Authorization: Bearer</c>.</param>
internal sealed record ServerCredentials(string? Identity, string Token);
