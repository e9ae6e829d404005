using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;

namespace Meridian.Runtime.Tests;

/// <summary>
/// <see cref="Database.OnDurable"/> on an async-fsync log whose periodic fsync is an hour away: the callback hurries the
/// fsync, runs once with its state, is never called for an offset already durable, and reports a failed log as the
/// runtime's <see cref="DatabaseUnavailableException"/>.
/// </summary>
public sealed class DurableCallbackTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private readonly FaultInjectingDevice _device = new(new MemoryStorageDevice());
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var store = Datastore.Open(new DatastoreOptions
        {
            Device = _device,
            Durability = DurabilityMode.Async,
            AsyncSyncInterval = TimeSpan.FromHours(1),
            LogPreallocation = 0,
            Name = "chat",
        });
        _db = await Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, store, LoadedModule.Load("chat", TestModules.Chat()), new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<ulong> SendAsync(string text)
    {
        var w = new BsatnWriter();
        w.WriteString(text);
        var result = await _db.CallReducerAsync("send_message", w.ToArray(), Owner, ConnectionId.Random());
        Assert.Equal(ReducerStatus.Committed, result.Status);
        return result.Offset!.Value;
    }

    private static Action<object?, Exception?> Completes(TaskCompletionSource<(object? State, Exception? Failure)> done) =>
        (state, failure) => done.TrySetResult((state, failure));

    [Fact]
    public async Task The_callback_hurries_the_fsync_and_runs_once_with_its_state()
    {
        var offset = await SendAsync("hello");
        var done = new TaskCompletionSource<(object? State, Exception? Failure)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new object();
        Assert.True(_db.OnDurable(offset, Completes(done), state), "an hour-long interval cannot have synced it yet");
        var (seenState, failure) = await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(failure);
        Assert.Same(state, seenState);
        Assert.True(_db.DurableOffset >= offset);
        Assert.False(_db.OnDurable(offset, (_, _) => throw new InvalidOperationException("must not run"), null));
    }

    [Fact]
    public async Task A_failed_log_reaches_the_callback_as_database_unavailable()
    {
        await _db.WaitForDurableAsync(await SendAsync("first")).WaitAsync(TimeSpan.FromSeconds(20));
        _device.FailSyncs = true;
        var offset = await SendAsync("second");
        var done = new TaskCompletionSource<(object? State, Exception? Failure)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(_db.OnDurable(offset, Completes(done), null));
        var (_, failure) = await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.IsType<DatabaseUnavailableException>(failure);
        Assert.Throws<DatabaseUnavailableException>(() => _db.OnDurable(offset + 1, Completes(done), null));
    }
}
