using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Base of a test class that runs against one module: each test gets a fresh in-memory database named
/// <paramref name="name"/>, owned by <see cref="Owner"/>, with the module's init reducer run.
/// </summary>
/// <param name="name">The database's (and the module's) name.</param>
/// <param name="module">Builds or finds the module's assembly.</param>
public abstract class InMemoryModuleTests(string name, Func<byte[]> module) : IAsyncLifetime
{
    protected static readonly Identity Owner = Identity.FromClaims("localhost", "owner");

    protected Database Db { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Db = await Database.OpenAsync(
            name, Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), LoadedModule.Load(name, module()), new ModuleLog(null),
            runInit: true);

    public async Task DisposeAsync() => await Db.DisposeAsync();

    /// <summary>The BSATN arguments <paramref name="write"/> writes (none when it is null).</summary>
    protected static byte[] Args(Action<BsatnWriter>? write)
    {
        var w = new BsatnWriter();
        write?.Invoke(w);
        return w.ToArray();
    }
}
