using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using DurabilityMode = Meridian.Runtime.Hosting.Durability;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Server;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// A real Meridian server in this process, listening on a loopback port chosen by the system, with a temporary
/// data directory (on disk, so commits are logged and fsynced) and the keynote module published and seeded.
/// </summary>
internal sealed class KeynoteServer : IAsyncDisposable
{
    public const string DatabaseName = "keynote";
    private readonly string _dataDir;

    private KeynoteServer(MeridianServer server, string dataDir, Database database)
    {
        Server = server;
        _dataDir = dataDir;
        Database = database;
    }

    public MeridianServer Server { get; }

    public Database Database { get; }

    public Uri Address => Server.BaseAddress;

    public static async Task<KeynoteServer> StartAsync(DurabilityMode durability, int accounts, long initialBalance)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "meridian-bench-server-" + Guid.NewGuid().ToString("N"));
        var server = await MeridianServer.StartAsync(new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = dataDir,
            Durability = durability,
        }).ConfigureAwait(false);
        var owner = Identity.FromClaims("localhost", "bench-owner");
        var published = await server.Registry.PublishAsync(DatabaseName, ModuleImage(), owner, clear: true).ConfigureAwait(false);
        var w = new BsatnWriter(16);
        w.WriteU32((uint)accounts);
        w.WriteI64(initialBalance);
        var seeded = await published.Database.CallReducerAsync("seed", w.ToArray(), owner, ConnectionId.Random()).ConfigureAwait(false);
        if (seeded.Status != ReducerStatus.Committed)
            throw new InvalidOperationException($"seed failed: {seeded.Error}");
        return new KeynoteServer(server, dataDir, published.Database);
    }

    /// <summary>The keynote module's assembly (built by the benchmark project, not referenced as code).</summary>
    public static byte[] ModuleImage()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "benchmarks", "Modules", "Keynote", "bin");
            if (!Directory.Exists(bin))
                continue;
            var dll = Directory.EnumerateFiles(bin, "Keynote.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (dll is not null)
                return File.ReadAllBytes(dll);
        }
        throw new FileNotFoundException("benchmarks/Modules/Keynote has not been built (the benchmark project builds it).");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
