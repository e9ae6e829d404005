using Meridian.Query.Subscriptions;
using Meridian.Runtime.Migrations;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime;

/// <summary>A module's <c>[Migration]</c> reducer threw; the whole migration is rolled back.</summary>
internal sealed class ManualMigrationException(string table, string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The table whose migration failed.</summary>
    public string Table { get; } = table;
}

/// <summary>How a publish may migrate the database.</summary>
public sealed record MigrationOptions
{
    /// <summary>Accept a plan that disconnects clients (<c>--break-clients</c>).</summary>
    public bool BreakClients { get; init; }

    /// <summary>The default: automatic, client-compatible migrations only.</summary>
    public static MigrationOptions Compatible { get; } = new();
}

public sealed partial class Database
{
    private CancellationTokenSource _clientsBroken = new();

    /// <summary>
    /// Cancelled when a client-breaking migration disconnects every client (<see cref="ClientBreakReason"/> says why);
    /// sessions register on the token they got when they started.
    /// </summary>
    public CancellationToken ClientsBroken => Volatile.Read(ref _clientsBroken).Token;

    /// <summary>Why clients were last disconnected by a migration.</summary>
    public string? ClientBreakReason { get; private set; }

    /// <summary>Tests: runs after each table step of a migration, inside its transaction (a throw there must roll everything back).</summary>
    internal Action<int>? MigrationFaultHook { get; set; }

    // At open: creates the module's missing tables; any other difference is applied when automatic (no client is connected yet).
    private static TableId[] OpenTables(Datastore store, LoadedModule module)
    {
        var plan = SchemaMigration.Plan(store.Committed, current: null, module.Schema);
        if (!plan.IsAutomatic)
            throw new ModuleLoadException($"The module does not match the stored tables. {plan.RefusalMessage()}");
        using var tx = store.BeginTransaction();
        TableId[] ids;
        try
        {
            ids = plan.Work.Apply(tx, module.Schema);
        }
        catch (MigrationDataException e)
        {
            throw new ModuleLoadException(e.Message, e);
        }
        if (plan.Work.ChangesStorage)
            tx.Commit();
        return ids;
    }

    /// <summary>
    /// True when <paramref name="module"/>'s tables are exactly the committed ones (opening with it changes
    /// no table): recovery uses it to choose between the old and a staged module after a crash mid-update.
    /// </summary>
    internal static bool MatchesStoredSchema(Datastore store, LoadedModule module)
    {
        var plan = SchemaMigration.Plan(store.Committed, current: null, module.Schema);
        return plan.IsAutomatic && !plan.Work.ChangesStorage;
    }

    private static bool SameCode(LoadedModule a, LoadedModule b) => a.Image.AsSpan().SequenceEqual(b.Image);

    // Runs the new module's [Migration] reducer on one old row, in the migration's transaction, as the owner.
    private MigrationRunner MigrationRunnerFor(LoadedModule module)
    {
        var moduleIdentity = SpacetimeDB.Identity.FromBigEndian(Identity.ToBigEndianBytes());
        var timestamp = Meridian.Sats.Timestamp.Now(_clock);
        var info = new SpacetimeDB.Internal.ReducerCallInfo(
            SpacetimeDB.Identity.FromBigEndian(Owner.ToBigEndianBytes()), null, new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch));
        return (tx, ids, migration, row) =>
        {
            var table = module.Schema.Migrations.First(m => m.Reducer == migration).Table;
            try
            {
                var host = new Execution.TransactionHost(tx, module.Schema, ids, moduleIdentity, Log, _clock);
                module.Descriptor.CallReducer(host, migration.Id, info, row);
            }
            catch (Exception e) when (e is not DatastoreFailedException)
            {
                var shown = DescribeRow(row, migration.Params.Elements[0].Type, module.Schema.Typespace);
                throw new ManualMigrationException(table,
                    $"The module's migration {migration.SourceName} of table '{table}' failed on the old row {shown}: "
                        + SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(e), e);
            }
        };
    }

    // An old row as "(name = value, ...)" for an error message.
    private static string DescribeRow(byte[] row, Meridian.Sats.Types.AlgebraicType type, Meridian.Sats.Types.Typespace typespace)
    {
        try
        {
            var value = Meridian.Sats.Values.AlgebraicValue.FromBsatn(row, type, typespace);
            var resolved = type;
            for (var i = 0; i < 64 && resolved is Meridian.Sats.Types.RefType; i++)
                resolved = typespace.Resolve(resolved);
            if (value is Meridian.Sats.Values.ProductValue product && resolved is Meridian.Sats.Types.ProductType shape)
                return "(" + string.Join(", ", product.Elements.Select((v, i) => $"{shape.Elements[i].Name} = {v}")) + ")";
            return value.ToString() ?? "?";
        }
        catch (Meridian.Sats.Bsatn.BsatnDecodeException)
        {
            return $"of {row.Length} byte(s)";
        }
    }

    /// <summary>
    /// The migration plan from the running module to <paramref name="module"/>, with the data checks
    /// run (a duplicate that breaks a new unique constraint shows as a refused step). Changes nothing.
    /// </summary>
    public async Task<MigrationPlan> PlanUpdateAsync(LoadedModule module)
    {
        ThrowIfDisposed();
        return await _writer.RunAsync(() =>
        {
            var plan = SchemaMigration.Plan(_store.Committed, _active.Schema, module.Schema, SameCode(_active.Module, module));
            if (!plan.IsAutomatic || !plan.Work.ChangesStorage)
                return plan;
            // A trial run, rolled back: a data conflict or a failing module migration shows as a refused step.
            using var tx = _store.BeginTransaction();
            try
            {
                plan.Work.Apply(tx, module.Schema, runMigration: MigrationRunnerFor(module));
            }
            catch (MigrationDataException e)
            {
                return plan.WithStep(new MigrationStep(MigrationStepKind.DataConflict, "data", e.Message, "-", "-", Automatic: false));
            }
            catch (ManualMigrationException e)
            {
                return plan.WithStep(new MigrationStep(MigrationStepKind.ManualMigration, e.Table, e.Message, "-", "-", Automatic: false));
            }
            return plan;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the module with <paramref name="module"/>, migrating the stored tables in one
    /// transaction when the plan is automatic (and, when it breaks clients, only with
    /// <see cref="MigrationOptions.BreakClients"/>). The migration is logged like any transaction, so
    /// recovery and history replay it. Clients stay connected: live queries on changed tables are
    /// compiled again, and those whose rows change shape end with a subscription error. A refused or
    /// failed migration changes nothing and the old module keeps running.
    /// </summary>
    /// <exception cref="ModuleLoadException">The plan is refused, needs <c>--break-clients</c>, or the data does not allow it; nothing changed.</exception>
    public async Task<MigrationPlan> UpdateModuleAsync(LoadedModule module, MigrationOptions? options = null)
    {
        options ??= MigrationOptions.Compatible;
        MigrationPlan? applied = null;
        var delivered = await _writer.RunAsync(() =>
        {
            var plan = SchemaMigration.Plan(_store.Committed, _active.Schema, module.Schema, SameCode(_active.Module, module));
            if (!plan.IsAutomatic)
                throw new ModuleLoadException($"{plan.RefusalMessage()}\n{plan.Describe()}");
            if (plan.BreaksClients && !options.BreakClients)
                throw new ModuleLoadException(
                    "Migration plan contains a client-breaking change, which is not allowed without --break-clients "
                        + $"(it disconnects every client).\n{plan.Describe()}");
            TableId[] ids;
            Task published = Task.CompletedTask;
            using (var tx = _store.BeginTransaction())
            {
                try
                {
                    ids = plan.Work.Apply(tx, module.Schema, MigrationFaultHook, MigrationRunnerFor(module));
                }
                catch (MigrationDataException e)
                {
                    throw new ModuleLoadException(e.Message, e);
                }
                catch (ManualMigrationException e)
                {
                    throw new ModuleLoadException($"{e.Message}. The migration was rolled back; the old module and its data are unchanged.", e);
                }
                catch (Exception e) when (e is not ModuleLoadException)
                {
                    throw new ModuleLoadException($"The migration failed and was rolled back; the old module keeps running: {e.Message}", e);
                }
                if (plan.Work.ChangesStorage)
                    published = _pipeline.Publish(new CommitRecord(tx.Commit(), _store.Committed, null));
            }
            var old = _active;
            var next = ActiveModule.Create(module, ids, _store.Committed);
            _active = next;
            old.Module.Dispose();
            var reason = plan.ResubscribeReason();
            // View subscriptions move to the new module's views whatever changed (their code may have).
            var rebind = plan.Work.Changed.Count == 0 && plan.Work.RowsChanged.Count == 0 && old.Schema.Views.Count == 0
                ? Task.CompletedTask
                : _pipeline.Post(position => _subscriptions.Rebind(plan.Work.Changed, plan.Work.RowsChanged,
                    (client, sql) => SubscriptionQuery.Compile(sql, next.Catalog, client.Identity, IsOwner(client.Identity), next.Visibility),
                    (client, sql) => CompileView(sql, client.Identity, next),
                    (client, sql) => SubscriptionQuery.Compile(sql, next.Catalog, client.Identity, isOwner: true),
                    reason,
                    position));
            // The scheduler learns the new schedules at this point of the commit order.
            var reset = _pipeline.Post(ResetScheduler);
            if (plan.BreaksClients)
            {
                ClientBreakReason = "module updated with a client-breaking change: "
                    + string.Join("; ", plan.Steps.Where(s => s.BreaksClients).Select(s => s.Description));
                var broken = Interlocked.Exchange(ref _clientsBroken, new CancellationTokenSource());
                broken.Cancel();
            }
            applied = plan;
            return Task.WhenAll(published, rebind, reset);
        }).ConfigureAwait(false);
        await delivered.ConfigureAwait(false);
        return applied!;
    }
}
