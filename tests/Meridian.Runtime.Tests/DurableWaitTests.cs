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
/// Confirmed reads on an async-fsync log whose periodic fsync is an hour away: waiting for a commit's offset makes the
/// log fsync at once, and every caller waiting for the same offset is released by that one flush.
/// </summary>
public sealed class DurableWaitTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var store = Datastore.Open(new DatastoreOptions
        {
            Device = new MemoryStorageDevice(),
            Durability = DurabilityMode.Async,
            AsyncSyncInterval = TimeSpan.FromHours(1),
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

    [Fact]
    public async Task Waiting_callers_of_one_offset_are_released_by_one_prompt_flush()
    {
        for (var round = 0; round < 3; round++)
        {
            var offset = await SendAsync($"round {round}");
            using var cancel = new CancellationTokenSource();
            var waits = new[]
            {
                _db.WaitForDurableAsync(offset),
                _db.WaitForDurableAsync(offset, cancel.Token),
                _db.WaitForDurableAsync(offset),
            };
            // Far sooner than the hour the periodic fsync would take.
            await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(_db.DurableOffset >= offset, $"durable {_db.DurableOffset}, waited for {offset}");
            // An offset already durable needs no wait at all.
            Assert.True(_db.WaitForDurableAsync(offset).IsCompletedSuccessfully);
        }
    }

    [Fact]
    public async Task A_cancelled_waiter_does_not_cancel_the_others_waiting_for_the_same_offset()
    {
        var offset = await SendAsync("hello");
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _db.WaitForDurableAsync(offset, cancel.Token));
        await _db.WaitForDurableAsync(offset).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(_db.DurableOffset >= offset);
    }
}
