using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Meridian.Runtime.Hosting;

/// <summary>
/// The databases of one data directory: publishing (create, update, reset), lookup by name or
/// identity, deletion, and reopening everything at start-up (module image + commit log recovery).
/// Layout: <c>{data}/databases/{name}/{database.json, module.dll, log/, logs.ndjson}</c>, and during an
/// update <c>module.next.dll</c>: the new module, staged before the migration commits, so that
/// recovery can always open the module whose schema matches the last committed one.
/// </summary>
public sealed partial class DatabaseRegistry : IAsyncDisposable
{
    private readonly string? _root;
    private readonly Durability _durability;
    private readonly DatabaseServices _services;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Database> _byName = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _publishLock = new(1, 1);

    private const string ModuleFile = "module.dll";
    private const string StagedModuleFile = "module.next.dll";

    /// <summary>Databases under <paramref name="dataDirectory"/>, or only in memory when it is null.</summary>
    public DatabaseRegistry(string? dataDirectory, Durability durability = Durability.Sync, DatabaseServices? services = null)
    {
        _root = dataDirectory is null ? null : Path.Combine(Path.GetFullPath(dataDirectory), "databases");
        _durability = durability;
        _services = services ?? DatabaseServices.Default;
        _logger = _services.LoggerFactory.CreateLogger("Meridian.Runtime.Hosting");
        if (_root is not null)
            Directory.CreateDirectory(_root);
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$")]
    private static partial Regex ValidName();

    /// <summary>Every open database.</summary>
    public IEnumerable<Database> Databases => _byName.Values;

    /// <summary>Finds a database by one of its names, or by identity (hex, optional <c>0x</c>).</summary>
    public Database? Find(string nameOrIdentity)
    {
        if (_names.TryGetValue(nameOrIdentity, out var db))
            return db;
        if (Identity.TryParse(nameOrIdentity, out var id))
            return _byName.Values.FirstOrDefault(d => d.Identity == id);
        return null;
    }

    /// <summary>Reopens every complete database in the data directory (recovering each log). Returns any that failed, with why.</summary>
    public async Task<IReadOnlyList<(string Name, Exception Error)>> LoadAllAsync()
    {
        var failures = new List<(string, Exception)>();
        if (_root is null)
            return failures;
        foreach (var dir in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var recordPath = Path.Combine(dir, "database.json");
            if (!File.Exists(recordPath))
            {
                // A publish that never finished: nothing was acknowledged, so it is removed.
                Directory.Delete(dir, recursive: true);
                continue;
            }
            try
            {
                var record = JsonSerializer.Deserialize(File.ReadAllText(recordPath), HostingJsonContext.Default.DatabaseRecord)
                    ?? throw new InvalidDataException($"{recordPath} is empty.");
                var db = await OpenAsync(
                    record.Name,
                    Identity.FromHexString(record.Identity),
                    Identity.FromHexString(record.Owner),
                    dir,
                    store => ModuleForRecoveredStore(name, dir, store),
                    runInit: false).ConfigureAwait(false);
                _byName[record.Name] = db;
                RegisterNames(db, LoadNames(dir, record.Name));
            }
            catch (Exception e)
            {
                _logger.DatabaseLoadFailed(name, e);
                failures.Add((name, e));
            }
        }
        return failures;
    }

    /// <summary>
    /// The module to open a recovered database with. Normally <c>module.dll</c>; when an update was cut
    /// short (<c>module.next.dll</c> is still there), the staged module if its schema is the one the log
    /// last committed (the migration committed, but the process died before the file was renamed),
    /// otherwise the old one (the migration never became durable). The loser file is removed.
    /// </summary>
    private static LoadedModule ModuleForRecoveredStore(string name, string dir, Datastore store)
    {
        var modulePath = Path.Combine(dir, ModuleFile);
        var stagedPath = Path.Combine(dir, StagedModuleFile);
        var current = LoadedModule.Load(name, File.ReadAllBytes(modulePath), dir);
        if (!File.Exists(stagedPath))
            return current;
        LoadedModule staged;
        try
        {
            staged = LoadedModule.Load(name, File.ReadAllBytes(stagedPath), dir);
        }
        catch (ModuleLoadException)
        {
            File.Delete(stagedPath);
            return current;
        }
        // When both match (the update changed no table), the update was never acknowledged: keep the old module.
        if (Database.MatchesStoredSchema(store, staged) && !Database.MatchesStoredSchema(store, current))
        {
            current.Dispose();
            File.Move(stagedPath, modulePath, overwrite: true);
            return staged;
        }
        staged.Dispose();
        File.Delete(stagedPath);
        return current;
    }

    // `memoryDevice` holds a restored in-memory database's snapshot (null: a fresh in-memory one).
    private Task<Database> OpenAsync(
        string name, Identity identity, Identity owner, string? dir, LoadedModule module, bool runInit, IStorageDevice? memoryDevice = null) =>
        OpenAsync(name, identity, owner, dir, _ => module, runInit, module, memoryDevice);

    private async Task<Database> OpenAsync(
        string name, Identity identity, Identity owner, string? dir, Func<Datastore, LoadedModule> chooseModule, bool runInit,
        LoadedModule? given = null, IStorageDevice? memoryDevice = null)
    {
        Datastore store;
        try
        {
            store = dir is null && memoryDevice is null
                ? Datastore.CreateInMemory(_services.Clock)
                : Datastore.Open(new DatastoreOptions
                {
                    Device = memoryDevice ?? new FileStorageDevice(Path.Combine(dir!, "log")),
                    Durability = _durability == Durability.Async ? DurabilityMode.Async : DurabilityMode.Sync,
                    AsyncSyncInterval = _services.AsyncFsyncInterval,
                    Clock = _services.Clock,
                    MeterFactory = _services.MeterFactory,
                    Name = name,
                });
        }
        catch
        {
            given?.Dispose();
            throw;
        }
        LoadedModule module;
        try
        {
            module = chooseModule(store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        var log = new ModuleLog(dir is null ? null : Path.Combine(dir, "logs.ndjson"));
        try
        {
            var settings = dir is null ? DatabaseSettings.InMemory() : DatabaseSettings.Load(Path.Combine(dir, "settings.json"));
            return await Database.OpenAsync(name, identity, owner, store, module, log, runInit, _services, settings).ConfigureAwait(false);
        }
        catch
        {
            store.Dispose();
            log.Dispose();
            module.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Publishes <paramref name="image"/> (a module assembly) as <paramref name="name"/> for
    /// <paramref name="caller"/>: creates the database (running Init), or updates its module when
    /// the caller owns it (with <paramref name="clear"/>, deletes all its data first; otherwise the
    /// stored tables are migrated as <paramref name="migration"/> allows).
    /// </summary>
    /// <exception cref="PublishException">The publish was refused; nothing changed.</exception>
    public async Task<PublishResult> PublishAsync(string name, byte[] image, Identity caller, bool clear, MigrationOptions? migration = null)
    {
        if (!ValidName().IsMatch(name))
            throw new PublishException(
                $"'{name}' is not a valid database name: use letters, digits, '-' and '_' (at most 64, starting with a letter or digit).",
                PublishFailure.InvalidName);
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var existing = Find(name);
            if (existing is not null && existing.Owner != caller)
                throw new PublishException($"Identity {caller} does not own database '{name}'.", PublishFailure.PermissionDenied);
            if (existing is not null && !clear)
                return await UpdateAsync(existing, image, migration ?? MigrationOptions.Compatible).ConfigureAwait(false);
            if (existing is not null)
                return await RecreateAsync(existing, image).ConfigureAwait(false);
            ThrowIfStorageNameTaken(name);
            return await CreateAsync(name, image, caller, null).ConfigureAwait(false);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    /// <summary>
    /// The migration plan that publishing <paramref name="image"/> over database <paramref name="name"/>
    /// would run (pre-publish, <c>--dry-run</c>); changes nothing.
    /// </summary>
    /// <exception cref="PublishException">No such database, the caller does not own it, or the module does not load.</exception>
    public async Task<Migrations.MigrationPlan> PlanPublishAsync(string name, byte[] image, Identity caller)
    {
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var existing = Find(name) ?? throw new PublishException($"There is no database '{name}' to update.", PublishFailure.NotFound);
            if (existing.Owner != caller)
                throw new PublishException($"Identity {caller} does not own database '{name}'.", PublishFailure.PermissionDenied);
            LoadedModule module;
            try
            {
                module = LoadedModule.Load(name, image, DirectoryOf(name));
            }
            catch (ModuleLoadException e)
            {
                throw new PublishException(e.Message, PublishFailure.Rejected, e);
            }
            using (module)
                return await existing.PlanUpdateAsync(module).ConfigureAwait(false);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    private async Task<PublishResult> UpdateAsync(Database db, byte[] image, MigrationOptions migration)
    {
        var dir = DirectoryOf(db.Name);
        LoadedModule module;
        try
        {
            module = LoadedModule.Load(db.Name, image, dir);
        }
        catch (ModuleLoadException e)
        {
            throw new PublishException($"Database update rejected: {e.Message}", PublishFailure.Rejected, e);
        }
        // Staged before the migration commits: a crash after the commit finds the module that matches it (see LoadAllAsync).
        var staged = dir is null ? null : Path.Combine(dir, StagedModuleFile);
        if (staged is not null)
            WriteAtomically(staged, image);
        try
        {
            await db.UpdateModuleAsync(module, migration).ConfigureAwait(false);
        }
        catch (ModuleLoadException e)
        {
            module.Dispose();
            if (staged is not null)
                File.Delete(staged);
            throw new PublishException($"Database update rejected: {e.Message}", PublishFailure.Rejected, e);
        }
        if (staged is not null)
        {
            // The migration is on disk before the new module becomes the recorded one (asynchronous durability too).
            db.Store.Flush();
            UpdateCommittedHook?.Invoke(db.Name);
            File.Move(staged, Path.Combine(dir!, ModuleFile), overwrite: true);
            SyncDirectory(dir!);
        }
        return new PublishResult(db, Created: false);
    }

    private async Task<PublishResult> CreateAsync(string name, byte[] image, Identity owner, Identity? keepIdentity)
    {
        var dir = DirectoryOf(name);
        if (dir is not null)
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
        }
        try
        {
            LoadedModule module;
            try
            {
                module = LoadedModule.Load(name, image, dir);
            }
            catch (ModuleLoadException e)
            {
                throw new PublishException(e.Message, PublishFailure.Rejected, e);
            }
            var identity = keepIdentity ?? Identity.FromClaims("meridian", $"database:{name}:{Guid.NewGuid()}");
            Database db;
            try
            {
                db = await OpenAsync(name, identity, owner, dir, module, runInit: true).ConfigureAwait(false);
            }
            catch (ModuleLoadException e)
            {
                throw new PublishException(e.Message, PublishFailure.Rejected, e);
            }
            if (dir is not null)
            {
                WriteAtomically(Path.Combine(dir, ModuleFile), image);
                var record = new DatabaseRecord(name, identity.ToHexString(), owner.ToHexString(), Timestamp.Now(_services.Clock).MicrosecondsSinceUnixEpoch);
                WriteAtomically(Path.Combine(dir, "database.json"), JsonSerializer.SerializeToUtf8Bytes(record, HostingJsonContext.Default.DatabaseRecord));
            }
            _byName[name] = db;
            RegisterNames(db, [name]);
            return new PublishResult(db, Created: true);
        }
        catch
        {
            if (dir is not null && Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>Deletes a database and its data when <paramref name="caller"/> owns it; false when there is no such database.</summary>
    /// <exception cref="PublishException">The caller does not own it.</exception>
    public async Task<bool> DeleteAsync(string nameOrIdentity, Identity caller)
    {
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var db = Find(nameOrIdentity);
            if (db is null)
                return false;
            if (db.Owner != caller)
                throw new PublishException($"Identity {caller} does not own database '{db.Name}'.", PublishFailure.PermissionDenied);
            await DeleteCoreAsync(db).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _publishLock.Release();
        }
    }

    private async Task DeleteCoreAsync(Database db)
    {
        _byName.TryRemove(db.Name, out _);
        UnregisterNames(db);
        await db.DisposeAsync().ConfigureAwait(false);
        var dir = DirectoryOf(db.Name);
        if (dir is not null && Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    /// <summary>Tests (the crash host): runs after an update's migration is durable and before module.dll is replaced.</summary>
    internal Action<string>? UpdateCommittedHook { get; set; }

    // Makes the rename durable: the directory entry is what recovery reads.
    private static void SyncDirectory(string dir) => new FileStorageDevice(dir).SyncDirectory();

    private string? DirectoryOf(string name) => _root is null ? null : Path.Combine(_root, name);

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var db in _byName.Values)
            await db.DisposeAsync().ConfigureAwait(false);
        _byName.Clear();
        _names.Clear();
        _namesOf.Clear();
    }
}
