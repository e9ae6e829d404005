using Meridian.Client;

namespace VoiceApp;

/// <summary>Where the database server runs.</summary>
public enum HostingMode
{
    /// <summary><c>meridian start</c> as a child process (the seed's design).</summary>
    Sidecar,

    /// <summary>In the app's own process: no second process.</summary>
    Embedded,
}

/// <summary>How the app's data layer is set up.</summary>
public sealed record AppOptions
{
    /// <summary>The app's data directory: the server's data (<c>server-data/</c>), the identity token, the offline cache.</summary>
    public required string AppDirectory { get; init; }

    /// <summary>Sidecar or embedded.</summary>
    public HostingMode Mode { get; init; } = HostingMode.Sidecar;

    /// <summary>
    /// Embedded mode: also listen on this address (<c>127.0.0.1:0</c> picks a free port), so that <c>meridian sql -s …</c>
    /// can look at the data while the app runs. Null (the default): no network listener at all, nothing outside the
    /// process can reach the database; the app's client talks to it in memory.
    /// </summary>
    public string? EmbeddedListenAddress { get; init; }

    /// <summary>How to run the Meridian CLI in sidecar mode (<see cref="MeridianCli.Find"/> by default).</summary>
    public IReadOnlyList<string>? MeridianCommand { get; init; }

    /// <summary>Where an older heycat kept its files (settings.json, dictionary.json, voice_commands.json, recordings/); null: nothing to import.</summary>
    public string? LegacyDirectory { get; init; }

    /// <summary>The module to publish (the one bundled in the app when null).</summary>
    public byte[]? ModuleImage { get; init; }

    /// <summary>The database's name.</summary>
    public string DatabaseName { get; init; } = "heycat-data";

    /// <summary>How the client reconnects; after the last attempt it is offline until the user retries.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(10), MaxAttempts = 10,
    };

    /// <summary>How long start-up waits for the data before the app goes on with what the offline cache holds.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a command waits for the database's answer before it reports the change as pending.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sidecar mode: how long to wait before starting a sidecar that died.</summary>
    public TimeSpan SidecarRestartDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The share of the storage quota at which the app warns.</summary>
    public double StorageWarningFraction { get; init; } = 0.9;
}
