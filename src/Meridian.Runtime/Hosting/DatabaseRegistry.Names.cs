using System.Collections.Concurrent;
using System.Text.Json;
using Meridian.Sats;

namespace Meridian.Runtime.Hosting;

// Names: a database answers to every name in its list (protocol.md §8.3 "Names"). The name it was
// created with also names its storage folder, which never moves: after a rename that first name
// no longer resolves, but it stays reserved so that no other database can take the folder.
// The list lives in {data}/databases/{storage name}/names.json (absent: just the first name).
public sealed partial class DatabaseRegistry
{
    private readonly ConcurrentDictionary<string, Database> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Database, IReadOnlyList<string>> _namesOf = new();

    /// <summary>The names <paramref name="database"/> answers to, in the order they were given.</summary>
    public IReadOnlyList<string> NamesOf(Database database) => _namesOf.GetValueOrDefault(database) ?? [];

    /// <summary>Adds <paramref name="name"/> to the names of <paramref name="database"/> (its owner only).</summary>
    /// <exception cref="PublishException">Not the owner, an invalid name, or a name another database uses; nothing changed.</exception>
    public async Task AddNameAsync(Database database, string name, Identity caller)
    {
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowUnlessOwner(database, caller);
            ThrowUnlessUsable(database, name);
            if (NamesOf(database).Contains(name, StringComparer.Ordinal))
                return;
            SaveNames(database, [.. NamesOf(database), name]);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    /// <summary>Replaces every name of <paramref name="database"/> with <paramref name="names"/> (its owner only).</summary>
    /// <exception cref="PublishException">Not the owner, no names, an invalid name, or a name another database uses; nothing changed.</exception>
    public async Task SetNamesAsync(Database database, IReadOnlyList<string> names, Identity caller)
    {
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowUnlessOwner(database, caller);
            if (names.Count == 0)
                throw new PublishException("A database needs at least one name.", PublishFailure.InvalidName);
            foreach (var name in names)
                ThrowUnlessUsable(database, name);
            SaveNames(database, names.Distinct(StringComparer.Ordinal).ToList());
        }
        finally
        {
            _publishLock.Release();
        }
    }

    /// <summary>
    /// Resets <paramref name="database"/> (its owner only): deletes all its data and starts it again from
    /// <paramref name="image"/>, or from its current module when null, running Init. Identity and names stay.
    /// </summary>
    /// <exception cref="PublishException">Not the owner, or the module does not load; nothing changed then.</exception>
    public async Task<PublishResult> ResetAsync(Database database, Identity caller, byte[]? image = null)
    {
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowUnlessOwner(database, caller);
            if (!_byName.TryGetValue(database.Name, out var current) || current != database)
                throw new PublishException($"Database '{database.Name}' was deleted meanwhile.", PublishFailure.NotFound);
            var bytes = image ?? database.Module.Image;
            if (image is not null)
            {
                // Check the new module loads before the data is gone.
                try
                {
                    Modules.LoadedModule.Load(database.Name, bytes, null).Dispose();
                }
                catch (Modules.ModuleLoadException e)
                {
                    throw new PublishException(e.Message, PublishFailure.Rejected, e);
                }
            }
            return await RecreateAsync(database, bytes).ConfigureAwait(false) with { Created = false };
        }
        finally
        {
            _publishLock.Release();
        }
    }

    // Deletes the data and creates the database again in the same folder, keeping identity, owner and names
    // (Created is true, as a publish with clear has always reported).
    private async Task<PublishResult> RecreateAsync(Database existing, byte[] image)
    {
        var names = NamesOf(existing);
        await DeleteCoreAsync(existing).ConfigureAwait(false);
        var result = await CreateAsync(existing.Name, image, existing.Owner, existing.Identity).ConfigureAwait(false);
        SaveNames(result.Database, names.Count > 0 ? names : [existing.Name]);
        return result;
    }

    private void ThrowIfStorageNameTaken(string name)
    {
        if (_byName.TryGetValue(name, out var holder))
            throw new PublishException(
                $"'{name}' was the first name of database {holder.Identity} and still names its storage; choose another name.",
                PublishFailure.InvalidName);
    }

    private static void ThrowUnlessOwner(Database database, Identity caller)
    {
        if (database.Owner != caller)
            throw new PublishException($"Identity {caller} does not own database '{database.Name}'.", PublishFailure.PermissionDenied);
    }

    private void ThrowUnlessUsable(Database database, string name)
    {
        if (!ValidName().IsMatch(name))
            throw new PublishException(
                $"'{name}' is not a valid database name: use letters, digits, '-' and '_' (at most 64, starting with a letter or digit).",
                PublishFailure.InvalidName);
        if (_names.TryGetValue(name, out var other) && other != database)
            throw new PublishException($"The name '{name}' is already used by database {other.Identity}.", PublishFailure.Rejected);
        if (_byName.TryGetValue(name, out var holder) && holder != database)
            throw new PublishException(
                $"'{name}' was the first name of database {holder.Identity} and still names its storage; choose another name.",
                PublishFailure.Rejected);
    }

    private void SaveNames(Database database, IReadOnlyList<string> names)
    {
        if (DirectoryOf(database.Name) is { } dir)
            WriteAtomically(Path.Combine(dir, "names.json"), JsonSerializer.SerializeToUtf8Bytes(names.ToArray(), HostingJsonContext.Default.StringArray));
        UnregisterNames(database);
        RegisterNames(database, names);
    }

    private void RegisterNames(Database database, IReadOnlyList<string> names)
    {
        _namesOf[database] = names;
        foreach (var name in names)
            _names[name] = database;
    }

    private void UnregisterNames(Database database)
    {
        if (!_namesOf.TryRemove(database, out var names))
            return;
        foreach (var name in names)
            _names.TryRemove(new KeyValuePair<string, Database>(name, database));
    }

    private static string[] LoadNames(string dir, string storageName)
    {
        var path = Path.Combine(dir, "names.json");
        if (!File.Exists(path))
            return [storageName];
        var names = JsonSerializer.Deserialize(File.ReadAllText(path), HostingJsonContext.Default.StringArray);
        return names is { Length: > 0 } ? names : [storageName];
    }
}
