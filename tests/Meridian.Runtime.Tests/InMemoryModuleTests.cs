using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Sql;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Base of a test class that runs against one module: each test gets a fresh in-memory database named
/// <paramref name="name"/>, owned by <see cref="Owner"/>, with the module's init reducer run.
/// </summary>
/// <param name="name">The database's (and the module's) name.</param>
/// <param name="module">Builds or finds the module's assembly.</param>
/// <param name="clock">
/// A fake clock for the store and the database's services (the scheduler waits on it, so a test moves time by hand);
/// the system clock when null.
/// </param>
public abstract class InMemoryModuleTests(string name, Func<byte[]> module, FakeTimeProvider? clock = null) : IAsyncLifetime
{
    protected static readonly Identity Owner = Identity.FromClaims("localhost", "owner");

    /// <summary>How long a reducer call may take before the test fails rather than hangs.</summary>
    protected static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    protected Database Db { get; private set; } = null!;

    /// <summary>The fake clock the class was given.</summary>
    protected FakeTimeProvider Clock => clock ?? throw new InvalidOperationException($"{GetType().Name} runs on the system clock.");

    public async Task InitializeAsync() =>
        Db = await Database.OpenAsync(
            name, Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(clock), LoadedModule.Load(name, module()), new ModuleLog(null),
            runInit: true, clock is null ? null : new DatabaseServices(clock, NullLoggerFactory.Instance, null));

    public async Task DisposeAsync() => await Db.DisposeAsync();

    /// <summary>The BSATN arguments <paramref name="write"/> writes (none when it is null).</summary>
    protected static byte[] Args(Action<BsatnWriter>? write)
    {
        var w = new BsatnWriter();
        write?.Invoke(w);
        return w.ToArray();
    }

    /// <summary>Calls <paramref name="reducer"/> as <paramref name="caller"/> and asserts that it committed.</summary>
    protected async Task Call(string reducer, Identity caller, Action<BsatnWriter>? args)
    {
        var result = await Db.CallReducerAsync(reducer, Args(args), caller, ConnectionId.Random()).WaitAsync(CallTimeout);
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    /// <summary>The one result of <paramref name="sql"/> run by the owner.</summary>
    protected async Task<SqlStatementResult> OwnerSql(string sql) =>
        Assert.Single(await Db.ExecuteSqlAsync(sql, Owner, ConnectionId.Random()));

    /// <summary>
    /// Waits (in real time, up to 15 s) until <paramref name="condition"/> holds: work that a moved fake clock sets off
    /// (a scheduled reducer) runs on its own task.
    /// </summary>
    protected static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not true after 15 s: {what}");
            await Task.Delay(20);
        }
    }
}
