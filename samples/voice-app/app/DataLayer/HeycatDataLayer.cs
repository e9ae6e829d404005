using Meridian.Client;
using VoiceApp.Data;
using VoiceApp.Hosting;
using VoiceApp.Import;

namespace VoiceApp.DataLayer;

/// <summary>
/// heycat's data layer: what the seed's <c>src-tauri/src/spacetime/</c> is. It starts the database (sidecar or
/// embedded), publishes the bundled module when the database runs another one (first run, upgrade), connects with an
/// offline cache, queued calls and automatic reconnect, subscribes to every table, imports the old JSON files once,
/// and turns the SDK's callbacks into <see cref="Changed"/> events and <see cref="Notices"/> for the UI. The Tauri
/// commands are its methods (HeycatDataLayer.Commands.cs).
/// </summary>
public sealed partial class HeycatDataLayer : IAsyncDisposable
{
    /// <summary>The tables the app subscribes to: all of them.</summary>
    public static readonly string[] Queries =
    [
        "SELECT * FROM recordings", "SELECT * FROM transcriptions", "SELECT * FROM settings",
        "SELECT * FROM dictionary_entries", "SELECT * FROM voice_commands", "SELECT * FROM legacy_imports",
    ];

    private readonly AppOptions _options;
    private readonly byte[] _module;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly List<Notice> _notices = [];
    private DbConnection? _conn;
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _token;
    private bool _migrationFailed;
    private bool _hadProblem;
    private bool _disposed;

    private HeycatDataLayer(AppOptions options, IDatabaseHost host)
    {
        _options = options;
        _module = options.ModuleImage ?? ModuleImage.Bundled();
        Host = host;
        if (host is SidecarHost sidecar)
        {
            sidecar.StateChanged += message => Notify(NoticeKind.ConnectionProblem, message, []);
            // The app knows when its own server is back: reconnect now rather than at the next backoff attempt.
            sidecar.Restarted += ReconnectNow;
        }
    }

    private void ReconnectNow()
    {
        try
        {
            _conn?.RetryNow();
        }
        catch (InvalidOperationException)
        {
            // The app is closing its connection: nothing to reconnect.
        }
    }

    /// <summary>The database's host.</summary>
    public IDatabaseHost Host { get; }

    /// <summary>The connection (null until the database was reachable once, or the offline cache could be opened).</summary>
    public DbConnection? Connection => _conn;

    /// <summary>Where things stand.</summary>
    public DataLayerState State
    {
        get
        {
            if (_migrationFailed)
                return DataLayerState.MigrationFailed;
            if (_conn is null)
                return _token is null && !Host.IsRunning ? DataLayerState.Unavailable : DataLayerState.Starting;
            return _conn.State == ConnectionState.Connected && _synced.Task.IsCompleted ? DataLayerState.Ready : DataLayerState.Offline;
        }
    }

    /// <summary>A status line for the UI: the state, with the connection's details.</summary>
    public string StatusLine => _conn is null ? State.ToString() : $"{State} ({_conn.ConnectionStatus})";

    /// <summary>Every notice so far, oldest first.</summary>
    public IReadOnlyList<Notice> Notices
    {
        get
        {
            lock (_notices)
                return [.. _notices];
        }
    }

    /// <summary>Runs for each new notice (on a background thread).</summary>
    public event Action<Notice>? NoticeRaised;

    /// <summary>Runs for each change of the data (on the connection's thread, with <c>Connection.SyncRoot</c> held).</summary>
    public event Action<DataChange>? Changed;

    private string TokenPath => Path.Combine(_options.AppDirectory, "identity.token");

    private string CachePath => Path.Combine(_options.AppDirectory, "offline-cache.db");

    /// <summary>The server's data directory.</summary>
    public string ServerDataDirectory => Path.Combine(_options.AppDirectory, "server-data");

    /// <summary>
    /// Starts the data layer. It does not throw when the database cannot start or be reached: the state and a notice
    /// say so, the offline cache (if a previous run left one) serves reads, and <see cref="RetryAsync"/> tries again.
    /// </summary>
    public static async Task<HeycatDataLayer> StartAsync(AppOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.AppDirectory);
        var serverData = Path.Combine(options.AppDirectory, "server-data");
        IDatabaseHost host = options.Mode == HostingMode.Sidecar
            ? new SidecarHost(options.MeridianCommand ?? MeridianCli.Find(), serverData) { RestartDelay = options.SidecarRestartDelay }
            : new EmbeddedHost(serverData, options.EmbeddedListenAddress);
        var layer = new HeycatDataLayer(options, host);
        try
        {
            await layer.BringUpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await layer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return layer;
    }

    /// <summary>The user's "Retry": starts the database if it is down, publishes if needed, and reconnects now.</summary>
    public Task RetryAsync(CancellationToken cancellationToken = default) => BringUpAsync(cancellationToken);

    private async Task BringUpAsync(CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _token ??= File.Exists(TokenPath) ? (await File.ReadAllTextAsync(TokenPath, cancellationToken).ConfigureAwait(false)).Trim() : null;
            try
            {
                await Host.StartAsync(cancellationToken).ConfigureAwait(false);
                await EnsureIdentityAsync(cancellationToken).ConfigureAwait(false);
                if (!await EnsureModuleAsync(cancellationToken).ConfigureAwait(false))
                    return;
            }
            catch (Exception e) when (e is DatabaseUnavailableException or HttpRequestException)
            {
                Notify(NoticeKind.ConnectionProblem,
                    $"heycat could not start its database: {e.Message} What you do now is kept on this computer and saved when the database is back.",
                    ["retry"]);
                // With a previous run's data, the app goes on offline; without, there is nothing to show yet.
                if (_token is not null && File.Exists(CachePath))
                    Connect();
                return;
            }
            if (_conn is null)
                Connect();
            else
                _conn.RetryNow();
        }
        finally
        {
            _starting.Release();
        }
        await WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        if (State == DataLayerState.Ready)
            await ImportLegacyFilesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureIdentityAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && await Host.AcceptsTokenAsync(_token, cancellationToken).ConfigureAwait(false))
            return;
        // First run, or the server's keys are new (its data directory was replaced): a new identity for this app.
        _token = await Host.NewIdentityAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(TokenPath, _token, cancellationToken).ConfigureAwait(false);
        if (_conn is not null)
        {
            // The connection holds the old token; it cannot be changed, so it is made again (the cache file stays).
            _conn.Disconnect();
            _conn.Dispose();
            _conn = null;
        }
    }

    /// <summary>
    /// The seed's open question "does the sidecar need to publish on first run?": yes, and on every upgrade. The app
    /// compares the SHA-256 of its bundled module with the one the database runs (the server reports it); when they
    /// differ it publishes, which migrates the data in one transaction or changes nothing.
    /// </summary>
    private async Task<bool> EnsureModuleAsync(CancellationToken cancellationToken)
    {
        var deployed = await Host.DeployedModuleHashAsync(_options.DatabaseName, _token!, cancellationToken).ConfigureAwait(false);
        var bundled = ModuleImage.Hash(_module);
        if (deployed == bundled)
        {
            _migrationFailed = false;
            return true;
        }
        try
        {
            await Host.PublishAsync(_options.DatabaseName, _module, _token!, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishRefusedException e) when (deployed is not null)
        {
            _migrationFailed = true;
            Notify(NoticeKind.MigrationFailed,
                $"heycat could not upgrade your data to this version: {e.Message} Nothing was changed: your data is as the previous version left it.",
                ["retry", "export_data", "contact_support"]);
            return false;
        }
        catch (PublishRefusedException e)
        {
            throw new DatabaseUnavailableException($"The database refused heycat's module: {e.Message}");
        }
        _migrationFailed = false;
        if (deployed is not null)
            Notify(NoticeKind.Migrated, "Your data was upgraded to this version of heycat.", []);
        return true;
    }

    private void Connect()
    {
        var builder = Host.Connect(DbConnection.Builder(), _options.DatabaseName)
            .WithToken(_token)
            .WithAutomaticReconnect(_options.Reconnect)
            .WithOfflineCache(CachePath)
            .WithQueuedCalls(new CallQueuePolicy { MaxLength = 10_000, MaxAge = TimeSpan.FromDays(30) })
            .WithBackgroundProcessing()
            .OnStateChanged((_, status) => OnStateChanged(status))
            .OnQueuedCallResult((_, result) => OnQueuedCallResult(result));
        _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var conn = builder.Build();
        lock (conn.SyncRoot)
        {
            Bridge(conn);
            conn.SubscriptionBuilder()
                .OnApplied(_ => _synced.TrySetResult())
                .OnError((_, error) => Notify(NoticeKind.ConnectionProblem, $"heycat could not load its data: {error.Message}", ["retry"]))
                .Subscribe(Queries);
        }
        _conn = conn;
    }

    private async Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _synced.Task.WaitAsync(_options.SyncTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Not in sync yet: the app shows what the offline cache has and catches up when the data arrives.
        }
    }

    private void OnStateChanged(ConnectionStatus status)
    {
        if (status.State is ConnectionState.Reconnecting or ConnectionState.Offline && !_hadProblem && !_disposed)
        {
            _hadProblem = true;
            Notify(NoticeKind.ConnectionProblem,
                $"heycat lost its connection to the database ({status}). You can keep working: changes are saved when it is back.",
                ["retry"]);
        }
        else if (status.State == ConnectionState.Connected && _hadProblem)
        {
            _hadProblem = false;
            Notify(NoticeKind.Reconnected, "heycat is connected to its database again; your changes are being saved.", []);
        }
    }

    private void OnQueuedCallResult(QueuedCallResult result)
    {
        var what = Describe(result.Call.ReducerName);
        switch (result.Outcome)
        {
            case QueuedCallOutcome.Committed:
                return;
            case QueuedCallOutcome.Conflict:
                Notify(NoticeKind.Conflict,
                    $"A change you made offline ({what}) was not applied, because the data changed elsewhere meanwhile: {result.Error}",
                    ["review", "dismiss"]);
                return;
            default:
                Notify(NoticeKind.Conflict, $"A change you made offline ({what}) was not applied ({result.Outcome}): {result.Error}", ["review", "dismiss"]);
                return;
        }
    }

    private static string Describe(string reducer) => reducer switch
    {
        "add_dictionary_entry" => "adding a dictionary entry",
        "update_dictionary_entry" => "editing a dictionary entry",
        "delete_dictionary_entry" => "deleting a dictionary entry",
        "add_voice_command" => "adding a voice command",
        "update_voice_command" => "editing a voice command",
        "delete_voice_command" => "deleting a voice command",
        "save_recording" => "saving a recording",
        "delete_recording" => "deleting a recording",
        "add_transcription" => "saving a transcription",
        "set_setting" => "changing a setting",
        _ => reducer,
    };

    private void Notify(NoticeKind kind, string message, IReadOnlyList<string> options)
    {
        var notice = new Notice(kind, message, options);
        lock (_notices)
            _notices.Add(notice);
        NoticeRaised?.Invoke(notice);
    }

    private async Task ImportLegacyFilesAsync(CancellationToken cancellationToken)
    {
        if (_options.LegacyDirectory is not { } legacy || !LegacyFiles.Exist(legacy))
            return;
        lock (_conn!.SyncRoot)
        {
            if (_conn.Db.LegacyImport.Source.Find(JsonFilesSource) is not null)
                return;
        }
        LegacyFiles files;
        try
        {
            files = LegacyFiles.Read(legacy);
        }
        catch (InvalidDataException e)
        {
            Notify(NoticeKind.Imported, $"heycat could not import the files of its previous version: {e.Message}", ["retry"]);
            return;
        }
        var call = _conn.Reducers.ImportLegacyData(JsonFilesSource, files.Settings, files.Dictionary, files.VoiceCommands, files.Recordings);
        var result = await OutcomeAsync(call, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == CommandOutcome.Applied)
        {
            // What the module kept (a trigger listed twice is imported once), and what could not be read.
            LegacyImport? row;
            lock (_conn.SyncRoot)
                row = _conn.Db.LegacyImport.Source.Find(JsonFilesSource);
            var summary = row is null
                ? files.Summary()
                : $"{row.Settings} settings, {row.DictionaryEntries} dictionary entries, {row.VoiceCommands} voice commands, {row.Recordings} recordings";
            var skipped = files.Skipped.Count == 0 ? "" : $" Skipped: {string.Join("; ", files.Skipped.Select(m => m.TrimEnd('.')))}.";
            Notify(NoticeKind.Imported, $"Imported your data from {legacy}: {summary}.{skipped}", []);
        }
        else if (result.Outcome == CommandOutcome.Refused && result.Message?.Contains("imported already", StringComparison.Ordinal) != true)
        {
            Notify(NoticeKind.Imported, $"heycat could not import the files of its previous version: {result.Message}", ["retry"]);
        }
    }

    /// <summary>The source name the module records the JSON import under.</summary>
    public const string JsonFilesSource = "heycat-json-files";

    /// <summary>Stops the connection (queued calls stay in the offline cache) and the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_conn is { } conn)
        {
            conn.Disconnect();
            conn.Dispose();
        }
        await Host.DisposeAsync().ConfigureAwait(false);
        _starting.Dispose();
    }
}
