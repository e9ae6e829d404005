using System.Text.Json;
using System.Text.Json.Serialization;
using Meridian.Client.Http;

namespace Meridian.Cli.Config;

/// <summary>
/// The CLI's saved state, <c>cli.json</c> in the config directory: server nicknames and the default
/// server; per server URL the identity in use and every identity saved for it (name, identity,
/// token). The file holds secrets, so it is written owner-only and replaced atomically.
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

    /// <summary>The credentials in use for <paramref name="server"/>, or null.</summary>
    public ServerCredentials? Find(string server) => _file.Servers.GetValueOrDefault(server);

    /// <summary>Uses <paramref name="credentials"/> for <paramref name="server"/> from now on (and keeps them among its identities), and saves.</summary>
    public void Set(string server, ServerCredentials credentials)
    {
        _file.Servers[server] = credentials;
        Remember(server, new SavedIdentity(null, credentials.Identity ?? "", credentials.Token));
        Save();
    }

    /// <summary>Forgets the credentials in use for <paramref name="server"/> (and that identity); false when there were none.</summary>
    public bool Remove(string server)
    {
        if (!_file.Servers.Remove(server, out var removed))
            return false;
        if (_file.Identities.TryGetValue(server, out var list))
            list.RemoveAll(i => i.Token == removed.Token);
        Save();
        return true;
    }

    /// <summary>
    /// The URL a command talks to: <paramref name="typed"/> as a nickname or URL, or, when it is null,
    /// the default server, else <see cref="ServerAddress.Default"/>.
    /// </summary>
    public string ResolveServer(string? typed)
    {
        var server = typed ?? _file.DefaultServer ?? ServerAddress.Default;
        return _file.ServerNames.TryGetValue(server, out var url) ? url : NormalizeServer(server);
    }

    /// <summary><see cref="ServerAddress.Normalize"/>, failing as a <see cref="CliException"/> with a hint.</summary>
    public static string NormalizeServer(string server)
    {
        try
        {
            return ServerAddress.Normalize(server);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, "Give one like http://127.0.0.1:3000.");
        }
    }

    /// <summary>The saved servers: nickname, URL and whether it is the default.</summary>
    public IReadOnlyList<(string Name, string Url, bool IsDefault)> Servers() =>
        _file.ServerNames.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, p.Value, _file.DefaultServer == p.Key)).ToList();

    /// <summary>The default server's nickname or URL, or null (then <see cref="ServerAddress.Default"/> is used).</summary>
    public string? DefaultServer => _file.DefaultServer;

    /// <summary>Saves <paramref name="url"/> under <paramref name="name"/>; makes it the default when asked or when it is the first.</summary>
    public void AddServer(string name, string url, bool makeDefault)
    {
        if (_file.ServerNames.TryGetValue(name, out var saved))
            throw new CliException($"a server named '{name}' is already saved ({saved}).", $"meridian server remove {name}, then add it again.");
        _file.ServerNames[name] = url;
        if (makeDefault || _file.DefaultServer is null)
            _file.DefaultServer = name;
        Save();
    }

    /// <summary>Forgets the nickname <paramref name="name"/> (its identities stay saved under its URL); false when there is none.</summary>
    public bool RemoveServer(string name)
    {
        if (!_file.ServerNames.Remove(name))
            return false;
        if (_file.DefaultServer == name)
            _file.DefaultServer = null;
        Save();
        return true;
    }

    /// <summary>Makes <paramref name="server"/> (a nickname or URL) the server used without <c>-s</c>.</summary>
    public void SetDefaultServer(string server)
    {
        _file.DefaultServer = _file.ServerNames.ContainsKey(server) ? server : NormalizeServer(server);
        Save();
    }

    /// <summary>Every identity saved for <paramref name="server"/>, with whether it is the one in use.</summary>
    public IReadOnlyList<(SavedIdentity Identity, bool InUse)> Identities(string server)
    {
        var inUse = Find(server)?.Token;
        return _file.Identities.GetValueOrDefault(server, []).Select(i => (i, i.Token == inUse)).ToList();
    }

    /// <summary>The identity saved for <paramref name="server"/> under that name or identity (hex, a unique prefix will do), or null.</summary>
    public SavedIdentity? FindIdentity(string server, string nameOrIdentity)
    {
        var all = _file.Identities.GetValueOrDefault(server, []);
        var byName = all.FirstOrDefault(i => i.Name == nameOrIdentity);
        if (byName is not null)
            return byName;
        var hex = nameOrIdentity.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? nameOrIdentity[2..] : nameOrIdentity;
        var matches = all.Where(i => hex.Length > 0 && i.Identity.StartsWith(hex, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => null,
            _ => throw new CliException($"'{nameOrIdentity}' matches {matches.Count} saved identities.", "Give more of the identity, or its name."),
        };
    }

    /// <summary>Saves <paramref name="identity"/> for <paramref name="server"/> (replacing one with the same token or name) and, when asked, uses it.</summary>
    public void AddIdentity(string server, SavedIdentity identity, bool use)
    {
        if (identity.Name is not null && _file.Identities.GetValueOrDefault(server, []).Any(i => i.Name == identity.Name && i.Token != identity.Token))
            throw new CliException($"an identity named '{identity.Name}' is already saved for {server}.", "Choose another name.");
        Remember(server, identity);
        if (use)
            _file.Servers[server] = new ServerCredentials(identity.Identity, identity.Token);
        Save();
    }

    private void Remember(string server, SavedIdentity identity)
    {
        if (!_file.Identities.TryGetValue(server, out var list))
            _file.Identities[server] = list = [];
        var existing = list.FindIndex(i => i.Token == identity.Token);
        if (existing >= 0)
            list[existing] = identity with { Name = identity.Name ?? list[existing].Name };
        else
            list.Add(identity);
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
        public string? DefaultServer { get; set; }

        public Dictionary<string, string> ServerNames { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, ServerCredentials> Servers { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<SavedIdentity>> Identities { get; set; } = new(StringComparer.Ordinal);
    }
}

/// <summary>An identity and the token proving it, as issued by one server.</summary>
/// <param name="Identity">The identity, 64 hex characters.</param>
/// <param name="Token">The JWT sent as <c>Authorization: Bearer</c>.</param>
internal sealed record ServerCredentials(string? Identity, string Token);

/// <summary>An identity saved for a server, with an optional name to pick it by.</summary>
/// <param name="Name">What the user called it, or null.</param>
/// <param name="Identity">The identity, 64 hex characters.</param>
/// <param name="Token">The JWT that proves it.</param>
internal sealed record SavedIdentity(string? Name, string Identity, string Token);
