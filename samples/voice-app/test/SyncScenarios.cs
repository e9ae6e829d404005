using System.Collections.Concurrent;
using Meridian.Client;
using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Scenario "Real-time sync updates the UI".</summary>
public sealed class RealTimeSync
{
    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task Real_time_sync_updates_the_UI(HostingMode mode)
    {
        // A reducer is called over HTTP below: the embedded server listens on a loopback port for it.
        await using var harness = new Harness(mode) { EmbeddedListenAddress = "127.0.0.1:0" };
        var app = await harness.StartAsync();
        var events = new ConcurrentQueue<DataChange>();
        app.Changed += events.Enqueue;

        // Data changes on another device (a second connection of the same user)...
        using var device = Harness.OtherDevice(app);
        Assert.True((await device.Reducers.AddDictionaryEntry("afaik", "as far as I know", "", false)).IsCommitted);
        await Harness.UntilAsync(() => events.Any(e => e.Table == "dictionary_entries"), "the app hears of the new entry");
        var change = events.Single(e => e.Table == "dictionary_entries");
        Assert.Equal(ChangeKind.Inserted, change.Kind);
        Assert.Equal("elsewhere", change.Origin);
        Assert.Equal("afaik", ((Data.DictionaryEntry)change.Row).Trigger);
        Assert.Equal("as far as I know", Assert.Single(app.ListDictionary()).Replacement);

        // ...and on the server (a reducer called over HTTP, as `meridian call` does): an update, reported as one.
        var token = await File.ReadAllTextAsync(Path.Combine(harness.AppDirectory, "identity.token"));
        var id = app.ListDictionary()[0].Id;
        await Harness.CallAsync(Harness.HttpAddress(app.Host), token, "update_dictionary_entry",
            $"[{id}, \"afaik\", \"as far as I know!\", \"\", false, true]");
        await Harness.UntilAsync(() => events.Any(e => e.Kind == ChangeKind.Updated), "the app hears of the update");
        Assert.Equal("as far as I know!", ((Data.DictionaryEntry)events.Single(e => e.Kind == ChangeKind.Updated).Row).Replacement);
        Assert.Equal("as far as I know!", Assert.Single(app.ListDictionary()).Replacement);

        // The app's own changes reach the other device, too.
        Assert.Equal(CommandOutcome.Applied, (await app.AddVoiceCommandAsync("open notes", "open_app", "{\"app\":\"Notes\"}")).Outcome);
        var seen = false;
        device.Db.VoiceCommand.OnInsert += (_, _) => seen = true;
        device.SubscriptionBuilder().Subscribe("SELECT * FROM voice_commands");
        await Harness.UntilAsync(() => seen || device.Db.VoiceCommand.Count == 1, "the other device sees the voice command");
    }
}

/// <summary>Scenario "App works offline and syncs when reconnected" (sidecar: the process that can go away).</summary>
public sealed class WorksOffline
{
    [Fact]
    public async Task App_works_offline_and_syncs_when_reconnected()
    {
        await using var harness = new Harness(HostingMode.Sidecar);
        // Given the app was previously connected, with data.
        var app = await harness.StartAsync(harness.Options() with { SidecarRestartDelay = TimeSpan.FromSeconds(2) });
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("brb", "be right back")).Outcome);
        var sidecar = (SidecarHost)app.Host;
        var firstPid = sidecar.ProcessId;

        // When the connection is lost (the sidecar dies; it is started again 2 s later)...
        sidecar.KillForTest();
        await Harness.UntilAsync(() => app.State == DataLayerState.Offline, "the app sees it is offline");
        // The notice comes from the connection's status callback, which can run just after the state is seen.
        await Harness.UntilAsync(() => app.Notices.Any(n => n.Kind == NoticeKind.ConnectionProblem && n.Options.Contains("retry")),
            "the user is told, with a retry");

        // ...the app goes on with its local data, and a change waits in the queue.
        Assert.Equal("be right back", Assert.Single(app.ListDictionary()).Replacement);
        Assert.Equal(CommandOutcome.Pending, (await app.AddDictionaryEntryAsync("omw", "on my way")).Outcome);
        Assert.Single(app.Connection!.QueuedCalls);

        // When the sidecar is back (restarted by the app, on the same port), the change syncs by itself.
        await Harness.UntilAsync(() => app.State == DataLayerState.Ready && app.ListDictionary().Count == 2, "the queued change is applied");
        Assert.Equal(1, sidecar.Restarts);
        Assert.NotEqual(firstPid, sidecar.ProcessId);
        Assert.Contains(app.Notices, n => n.Kind == NoticeKind.Reconnected);
        Assert.Empty(app.Connection.QueuedCalls);
        await app.DisposeAsync();

        // The offline cache persists: launched while the database cannot start, the app shows its data and queues.
        var offline = await harness.StartAsync(harness.Options() with
        {
            MeridianCommand = ["dotnet", "/nonexistent/Meridian.Cli.dll"],
            Reconnect = new ReconnectPolicy { MaxAttempts = 1, InitialDelay = TimeSpan.FromMilliseconds(50) },
        });
        Assert.Equal(DataLayerState.Offline, offline.State);
        Assert.Equal(["brb", "omw"], offline.ListDictionary().Select(e => e.Trigger));
        Assert.Equal(CommandOutcome.Pending, (await offline.AddDictionaryEntryAsync("ttyl", "talk to you later")).Outcome);
        await offline.DisposeAsync();

        // The next run, with the database back, sends what the previous run queued.
        var online = await harness.StartAsync();
        await Harness.UntilAsync(() => online.ListDictionary().Count == 3, "the previous run's queued change is applied");
        using var device = Harness.OtherDevice(online);
        device.SubscriptionBuilder().Subscribe("SELECT * FROM dictionary_entries");
        await Harness.UntilAsync(() => device.Db.DictionaryEntry.Count == 3, "the server has all three entries");
    }
}

/// <summary>Scenario "Handle sync conflict" (sidecar: the app is offline while another device changes the data).</summary>
public sealed class SyncConflict
{
    [Fact]
    public async Task Handle_sync_conflict()
    {
        await using var harness = new Harness(HostingMode.Sidecar);
        var app = await harness.StartAsync(harness.Options() with
        {
            Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = 1 },
        });
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("brb", "be right back")).Outcome);
        var brb = Assert.Single(app.ListDictionary());
        var sidecar = (SidecarHost)app.Host;

        // Given the app has offline changes pending: the database went away, and the user edits and adds.
        sidecar.RestartWhenItDies = false;
        sidecar.KillForTest();
        await Harness.UntilAsync(() => app.Connection!.State == ConnectionState.Offline, "the app gives up reconnecting");
        Assert.Equal(CommandOutcome.Pending, (await app.AddDictionaryEntryAsync("lol", "laughing out loud")).Outcome);
        brb.Replacement = "be right back!";
        Assert.Equal(CommandOutcome.Pending, (await app.UpdateDictionaryEntryAsync(brb)).Outcome);
        Assert.Equal(2, app.Connection!.QueuedCalls.Count);

        // Meanwhile, on another device, the same trigger gets another meaning and "brb" is deleted.
        await sidecar.StartAsync(CancellationToken.None);
        using (var device = Harness.OtherDevice(app))
        {
            Assert.True((await device.Reducers.AddDictionaryEntry("lol", "lots of love", "", false)).IsCommitted);
            Assert.True((await device.Reducers.DeleteDictionaryEntry(brb.Id)).IsCommitted);
        }

        // When the connection is restored (the user's Retry), the conflicts are detected and the user is told.
        await app.RetryAsync();
        await Harness.UntilAsync(() => app.Notices.Count(n => n.Kind == NoticeKind.Conflict) == 2, "both conflicts are reported");
        var conflicts = app.Notices.Where(n => n.Kind == NoticeKind.Conflict).ToList();
        Assert.Contains("adding a dictionary entry", conflicts[0].Message, StringComparison.Ordinal);
        Assert.Contains("The dictionary already has 'lol' (expanding to 'lots of love')", conflicts[0].Message, StringComparison.Ordinal);
        Assert.Contains("editing a dictionary entry", conflicts[1].Message, StringComparison.Ordinal);
        Assert.Contains("'brb' no longer exists", conflicts[1].Message, StringComparison.Ordinal);
        Assert.Contains("review", conflicts[0].Options);
        // What the app shows is the server's state: the other device's "lol", and no "brb".
        await Harness.UntilAsync(() => app.ListDictionary().Count == 1, "the cache is reconciled");
        Assert.Equal("lots of love", Assert.Single(app.ListDictionary()).Replacement);
    }
}
