using System.Text.Json;
using Meridian.Runtime.Backup;
using Meridian.Runtime.Migrations;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Storage;
using Meridian.Storage.Devices;

namespace Meridian.Runtime.Hosting;

public sealed partial class DatabaseRegistry
{
    /// <summary>
    /// Restores the dump in <paramref name="dump"/> as database <paramref name="name"/>, owned by
    /// <paramref name="caller"/>: a new database (with a new identity), or, with
    /// <paramref name="replace"/>, in place of the caller's database of that name (keeping its
    /// identity). The whole dump is checked (checksum, module, snapshot, module against tables) before
    /// anything changes; a bad dump changes nothing. The module's Init does not run: the data is the dump's.
    /// </summary>
    /// <param name="name">The database to create or replace.</param>
    /// <param name="dump">A seekable stream holding the dump and nothing after it.</param>
    /// <param name="caller">Who restores (and owns the result).</param>
    /// <param name="replace">Whether an existing database of that name may be replaced.</param>
    /// <exception cref="RestoreException">The restore was refused; nothing changed.</exception>
    public async Task<RestoreResult> RestoreAsync(string name, Stream dump, Identity caller, bool replace)
    {
        if (!ValidName().IsMatch(name))
            throw new RestoreException(
                $"'{name}' is not a valid database name: use letters, digits, '-' and '_' (at most 64, starting with a letter or digit).",
                RestoreFailure.InvalidName);
        DumpContents contents;
        try
        {
            contents = DumpFile.Read(dump);
        }
        catch (InvalidDumpException e)
        {
            throw new RestoreException($"Not restored: {e.Message}", RestoreFailure.InvalidDump, e);
        }
        catch (EndOfStreamException e)
        {
            throw new RestoreException("Not restored: the dump is truncated.", RestoreFailure.InvalidDump, e);
        }

        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var existing = Find(name);
            if (existing is not null && existing.Owner != caller)
                throw new RestoreException($"Identity {caller} does not own database '{name}'.", RestoreFailure.PermissionDenied);
            if (existing is not null && !replace)
                throw new RestoreException(
                    $"Database '{name}' exists; restoring over it replaces its module and all its data, which needs replace.", RestoreFailure.Exists);

            var final = DirectoryOf(name);
            var staging = final is null ? null : final + ".restoring";
            IStorageDevice? memory = null;
            LoadedModule module;
            if (staging is not null)
            {
                if (Directory.Exists(staging))
                    Directory.Delete(staging, recursive: true);
                Directory.CreateDirectory(staging);
            }
            try
            {
                var device = staging is null ? memory = new MemoryStorageDevice() : new FileStorageDevice(Path.Combine(staging, "log"));
                module = Stage(contents, dump, device, name, staging);
                if (staging is not null)
                    WriteAtomically(Path.Combine(staging, "module.dll"), contents.ModuleImage);
            }
            catch
            {
                if (staging is not null && Directory.Exists(staging))
                    Directory.Delete(staging, recursive: true);
                throw;
            }

            // Everything is checked: from here on only I/O can fail.
            var identity = existing?.Identity ?? Identity.FromClaims("meridian", $"database:{name}:{Guid.NewGuid()}");
            var keptNames = existing is null ? null : NamesOf(existing);
            if (existing is not null)
                await DeleteCoreAsync(existing).ConfigureAwait(false);
            if (final is not null)
            {
                module.Dispose();
                Directory.Move(staging!, final);
                module = LoadedModule.Load(name, contents.ModuleImage, final);
            }
            var db = await OpenAsync(name, identity, caller, final, module, runInit: false, memory).ConfigureAwait(false);
            if (final is not null)
            {
                var record = new DatabaseRecord(name, identity.ToHexString(), caller.ToHexString(), Timestamp.Now(_services.Clock).MicrosecondsSinceUnixEpoch);
                WriteAtomically(Path.Combine(final, "database.json"), JsonSerializer.SerializeToUtf8Bytes(record, HostingJsonContext.Default.DatabaseRecord));
            }
            _byName[name] = db;
            // A replaced database keeps every name it had; a new one has just its first.
            if (keptNames is { Count: > 1 })
                SaveNames(db, keptNames);
            else
                RegisterNames(db, [name]);
            return new RestoreResult(db, contents.Info, Replaced: existing is not null);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    // Puts the dump's snapshot on the device (checking all of it) and loads its module, checking the
    // module's tables against the snapshot's. Throws RestoreException for anything wrong.
    private static LoadedModule Stage(DumpContents contents, Stream dump, IStorageDevice device, string name, string? directory)
    {
        CommittedState state;
        try
        {
            dump.Position = contents.SnapshotPosition;
            using var snapshot = new BoundedReadStream(dump, contents.SnapshotLength);
            state = Datastore.ImportSnapshot(device, snapshot);
        }
        catch (Exception e) when (e is StorageException or Sats.Bsatn.BsatnDecodeException or EndOfStreamException)
        {
            throw new RestoreException($"Not restored: the dump's data is damaged: {e.Message}", RestoreFailure.InvalidDump, e);
        }
        if (state.LastOffset != contents.Info.Offset)
            throw new RestoreException(
                $"Not restored: the dump says offset {contents.Info.Offset} but its data is at offset {state.LastOffset}.", RestoreFailure.InvalidDump);
        LoadedModule module;
        try
        {
            module = LoadedModule.Load(name, contents.ModuleImage, directory);
        }
        catch (ModuleLoadException e)
        {
            throw new RestoreException($"Not restored: the dump's module does not load: {e.Message}", RestoreFailure.InvalidDump, e);
        }
        var plan = SchemaMigration.Plan(state, current: null, module.Schema);
        if (!plan.IsAutomatic)
        {
            module.Dispose();
            throw new RestoreException($"Not restored: the dump's module does not match its tables. {plan.RefusalMessage()}", RestoreFailure.InvalidDump);
        }
        return module;
    }

    // The next `length` bytes of a stream, as a stream of their own (the snapshot inside a dump).
    private sealed class BoundedReadStream(Stream inner, long length) : Stream
    {
        private long _read;

        private long Remaining => length - _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (Remaining == 0)
                return 0;
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, Remaining)]);
            if (read == 0)
                throw new EndOfStreamException();
            _read += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>What a restore did.</summary>
/// <param name="Database">The database now serving the dump's module and data.</param>
/// <param name="Dump">The dump's metadata (its source database and offset).</param>
/// <param name="Replaced">True when an existing database was replaced, false when one was created.</param>
public sealed record RestoreResult(Database Database, DumpInfo Dump, bool Replaced);

/// <summary>A restore that was refused; nothing changed. <see cref="Exception.Message"/> is for the caller.</summary>
public sealed class RestoreException(string message, RestoreFailure kind, Exception? inner = null) : DatabaseException(message, inner)
{
    /// <summary>Why it was refused.</summary>
    public RestoreFailure Kind { get; } = kind;
}

/// <summary>Why a restore was refused.</summary>
public enum RestoreFailure
{
    /// <summary>The file is not a dump, or is damaged, truncated or inconsistent.</summary>
    InvalidDump = 0,
    /// <summary>The database exists and replacing it was not asked for.</summary>
    Exists = 1,
    /// <summary>The database exists and the caller does not own it.</summary>
    PermissionDenied = 2,
    /// <summary>The name is not a valid database name.</summary>
    InvalidName = 3,
}
