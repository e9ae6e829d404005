using System.Text.Json;
using Meridian.Runtime.Modules;
using Meridian.Sats;

namespace Meridian.Runtime.Hosting;

public sealed partial class DatabaseRegistry
{
    /// <summary>
    /// Gives database <paramref name="nameOrIdentity"/> the name <paramref name="newName"/>, keeping its
    /// identity, module and data. The database is closed and reopened under the new name (its data
    /// directory moves), so connected clients are disconnected and reconnect by the new name or the identity.
    /// </summary>
    /// <returns>The database under its new name.</returns>
    /// <exception cref="PublishException">No such database, the caller does not own it, the name is invalid or taken.</exception>
    public async Task<Database> RenameAsync(string nameOrIdentity, string newName, Identity caller)
    {
        if (!ValidName().IsMatch(newName))
            throw new PublishException(
                $"'{newName}' is not a valid database name: use letters, digits, '-' and '_' (at most 64, starting with a letter or digit).",
                PublishFailure.InvalidName);
        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var db = Find(nameOrIdentity) ?? throw new PublishException($"There is no database '{nameOrIdentity}'.", PublishFailure.NotFound);
            if (db.Owner != caller)
                throw new PublishException($"Identity {caller} does not own database '{db.Name}'.", PublishFailure.PermissionDenied);
            if (db.Name == newName)
                return db;
            if (_byName.ContainsKey(newName))
                throw new PublishException($"The name '{newName}' is taken by another database.", PublishFailure.Rejected);

            var (identity, owner, image) = (db.Identity, db.Owner, db.Module.Image);
            var from = DirectoryOf(db.Name);
            var to = DirectoryOf(newName);
            if (from is null)
                throw new PublishException("An in-memory database cannot be renamed: its data would not survive closing it.", PublishFailure.Rejected);
            if (Directory.Exists(to))
                throw new PublishException(
                    $"The data directory {to} exists (a database that failed to load at start-up?); it is left alone.", PublishFailure.Rejected);
            _byName.TryRemove(db.Name, out _);
            await db.DisposeAsync().ConfigureAwait(false);
            Directory.Move(from, to!);
            var recordPath = Path.Combine(to!, "database.json");
            var record = JsonSerializer.Deserialize(File.ReadAllText(recordPath), HostingJsonContext.Default.DatabaseRecord)!;
            WriteAtomically(recordPath, JsonSerializer.SerializeToUtf8Bytes(record with { Name = newName }, HostingJsonContext.Default.DatabaseRecord));
            var module = LoadedModule.Load(newName, image, to);
            var renamed = await OpenAsync(newName, identity, owner, to, module, runInit: false).ConfigureAwait(false);
            _byName[newName] = renamed;
            return renamed;
        }
        finally
        {
            _publishLock.Release();
        }
    }
}
