using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>The clock given to the databases (DatabaseServices) is the one storage stamps commits with.</summary>
public sealed class DatabaseClockTests : IDisposable
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "clock-owner");
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Commit_times_in_the_history_come_from_the_services_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var registry = new DatabaseRegistry(_dir, Durability.Sync, new DatabaseServices(clock, NullLoggerFactory.Instance, null));
        var db = (await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false)).Database;
        clock.Advance(TimeSpan.FromMinutes(5));
        var w = new BsatnWriter();
        w.WriteString("hello");
        var call = await db.CallReducerAsync("send_message", w.ToArray(), Owner, ConnectionId.Random());
        Assert.True(call.Status == ReducerStatus.Committed, call.Error);

        var history = await db.ReadHistoryAsync(0, 100);
        var sent = Assert.Single(history, h => h.Reducer == "send_message");
        Assert.Equal(Timestamp.FromDateTimeOffset(clock.GetUtcNow()), sent.CommitTime);
        Assert.All(history, h => Assert.InRange(h.CommitTime.MicrosecondsSinceUnixEpoch,
            Timestamp.FromDateTimeOffset(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero)).MicrosecondsSinceUnixEpoch,
            Timestamp.FromDateTimeOffset(clock.GetUtcNow()).MicrosecondsSinceUnixEpoch));
    }

    [Fact]
    public async Task A_reducer_transaction_is_stamped_with_the_calls_timestamp_not_a_second_clock_reading()
    {
        // One clock for store and services that moves on every reading: a second reading at commit would differ from the call's.
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var store = Datastore.Open(new DatastoreOptions { Device = new MemoryStorageDevice(), Durability = DurabilityMode.Sync, Name = "chat", Clock = clock });
        await using var db = await Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, store, LoadedModule.Load("chat", TestModules.Chat()), new ModuleLog(null),
            runInit: true, DatabaseServices.Default with { Clock = clock });
        clock.Advance(TimeSpan.FromSeconds(3));
        var w = new BsatnWriter();
        w.WriteString("hello");
        var call = await db.CallReducerAsync("send_message", w.ToArray(), Owner, ConnectionId.Random());
        Assert.True(call.Status == ReducerStatus.Committed, call.Error);

        var sent = Assert.Single(await db.ReadHistoryAsync(0, 100), h => h.Reducer == "send_message");
        Assert.Equal(call.Timestamp, sent.CommitTime);
        Assert.True(sent.CommitTime < Timestamp.FromDateTimeOffset(clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_store_built_with_another_clock_than_the_services_is_refused()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        using var store = Datastore.CreateInMemory(); // the system clock
        using var module = LoadedModule.Load("chat", TestModules.Chat());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, store, module, new ModuleLog(null), runInit: true,
            new DatabaseServices(clock, NullLoggerFactory.Instance, null)));
        Assert.Equal("store", error.ParamName);
        Assert.Contains("another clock", error.Message, StringComparison.Ordinal);
        Assert.Same(TimeProvider.System, store.Clock);

        // The same clock on both sides opens.
        using var matching = Datastore.CreateInMemory(clock);
        await using var db = await Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, matching, module, new ModuleLog(null), runInit: true,
            new DatabaseServices(clock, NullLoggerFactory.Instance, null));
        Assert.Equal("chat", db.Name);
    }
}
