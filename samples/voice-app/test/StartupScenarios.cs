using System.Diagnostics;
using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Scenario "SpacetimeDB connects on app startup" (seed 001), with the one-time import of heycat 0.9's files.</summary>
public sealed class ConnectsOnStartup
{
    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task SpacetimeDB_connects_on_app_startup(HostingMode mode)
    {
        await using var harness = new Harness(mode);
        harness.CopyLegacyFixtures();

        // Given the heycat app is launched, when the backend initializes: the database starts, the module is published
        // (first run), the client connects and subscribes, and the old JSON files are imported once.
        var first = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, first.State);
        if (first.Host is SidecarHost sidecar)
        {
            Assert.NotNull(sidecar.ProcessId);
            Assert.NotEqual(Environment.ProcessId, sidecar.ProcessId);
        }
        else
        {
            Assert.NotNull(((EmbeddedHost)first.Host).Server);
        }
        var imported = Assert.Single(first.Notices, n => n.Kind == NoticeKind.Imported);
        Assert.Contains("10 settings, 4 dictionary entries, 3 voice commands, 3 recordings", imported.Message, StringComparison.Ordinal);
        Assert.Contains("recording-2025-12-19-220105.wav", imported.Message, StringComparison.Ordinal); // cut short: skipped, and said so

        AssertImported(first);
        await first.DisposeAsync();

        // Then existing user data is loaded from the database at the next start, and nothing is imported twice.
        var second = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, second.State);
        Assert.DoesNotContain(second.Notices, n => n.Kind is NoticeKind.Imported or NoticeKind.Migrated);
        AssertImported(second);
        Assert.Single(second.Connection!.Db.LegacyImport.Iter());
    }

    private static void AssertImported(HeycatDataLayer app)
    {
        var settings = app.GetSettings();
        Assert.Equal(10, settings.Count);
        Assert.Equal("\"parakeet-tdt-0.6b-v3\"", settings["transcription.model"]);
        Assert.Equal("16000", settings["audio.sampleRate"]);
        Assert.Equal("true", settings["onboarding.completed"]);

        var dictionary = app.ListDictionary();
        Assert.Equal(["brb", "my email", "ship it", "sig"], dictionary.Select(e => e.Trigger));
        Assert.Equal("be right back", dictionary[0].Replacement); // the first of the two "brb" entries won
        Assert.True(dictionary.Single(e => e.Trigger == "ship it").AutoEnter); // written as auto_enter by an older version
        Assert.Equal("\n", dictionary.Single(e => e.Trigger == "sig").Suffix);

        var commands = app.ListVoiceCommands();
        Assert.Equal(["new line", "open slack", "volume up"], commands.Select(c => c.Phrase));
        Assert.Equal("open_app", commands[1].ActionType);
        Assert.Contains("\"Slack\"", commands[1].ActionPayload, StringComparison.Ordinal);
        Assert.False(commands[2].Enabled);

        var recordings = app.ListRecordings();
        Assert.Equal(3, recordings.Count);
        var newest = recordings[0].Recording; // recording-2025-12-15-083020.wav: 0.6 s at 48 kHz
        Assert.EndsWith("recording-2025-12-15-083020.wav", newest.FilePath, StringComparison.Ordinal);
        Assert.Equal(48_000u, newest.SampleRate);
        Assert.Equal(600ul, newest.DurationMs);
        Assert.Equal(57_644ul, newest.SizeBytes);
        Assert.Equal(new DateTimeOffset(2025, 12, 15, 8, 30, 20, TimeSpan.Zero), newest.CreatedAt.ToDateTimeOffset());
        Assert.Equal([600ul, 250ul, 400ul], recordings.Select(r => r.Recording.DurationMs));
    }
}

/// <summary>Scenario "Handle connection failure on startup".</summary>
public sealed class ConnectionFailureOnStartup
{
    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task Handle_connection_failure_on_startup(HostingMode mode)
    {
        await using var harness = new Harness(mode);
        // The database cannot start: where its data directory should be there is a file (a broken install, a full disk
        // and a locked directory fail the same way).
        var blocker = Path.Combine(harness.AppDirectory, "server-data");
        await File.WriteAllTextAsync(blocker, "not a directory");

        var app = await harness.StartAsync();

        // The user is notified, with the reason, and offered a retry.
        Assert.Equal(DataLayerState.Unavailable, app.State);
        var notice = Assert.Single(app.Notices, n => n.Kind == NoticeKind.ConnectionProblem);
        Assert.Contains("could not start its database", notice.Message, StringComparison.Ordinal);
        Assert.Contains("server-data", notice.Message, StringComparison.Ordinal);
        Assert.Contains("retry", notice.Options);
        Assert.Throws<InvalidOperationException>(() => app.ListDictionary());

        // The cause goes away; Retry connects.
        File.Delete(blocker);
        await app.RetryAsync();
        Assert.Equal(DataLayerState.Ready, app.State);
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("omw", "on my way")).Outcome);
        Assert.Single(app.ListDictionary());
    }
}

/// <summary>Scenario "User data persists across sessions".</summary>
public sealed class PersistsAcrossSessions
{
    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task User_data_persists_across_sessions(HostingMode mode)
    {
        await using var harness = new Harness(mode);
        var app = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, app.State);

        // The user records, the recording is transcribed, they change a setting and add an expansion.
        var wav = harness.NewRecording(1500);
        Assert.Equal(CommandOutcome.Applied, (await app.SaveRecordingAsync(wav)).Outcome);
        var id = app.ListRecordings().Single().Recording.Id;
        Assert.Equal(CommandOutcome.Applied, (await app.AddTranscriptionAsync(id, "remind me to call the dentist", "parakeet-tdt-0.6b-v3")).Outcome);
        Assert.Equal(CommandOutcome.Applied, (await app.SetSettingAsync("ui.theme", "\"dark\"")).Outcome);
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("tmrw", "tomorrow")).Outcome);
        // Bad input gets a clear refusal and changes nothing.
        var refused = await app.SetSettingAsync("ui.theme", "dark");
        Assert.Equal(CommandOutcome.Refused, refused.Outcome);
        Assert.Contains("is not JSON", refused.Message, StringComparison.Ordinal);

        var sidecarPid = (app.Host as SidecarHost)?.ProcessId;
        await app.DisposeAsync();
        if (sidecarPid is { } pid)
            Assert.True(Exited(pid), "the sidecar stops when the app exits");

        // The app is restarted: everything is there, from the database.
        var again = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, again.State);
        Assert.DoesNotContain(again.Notices, n => n.Kind == NoticeKind.Migrated); // same module: not published again
        var recording = Assert.Single(again.ListRecordings());
        Assert.Equal(wav, recording.Recording.FilePath);
        Assert.Equal(1500ul, recording.Recording.DurationMs);
        Assert.Equal(44ul + 48_000, recording.Recording.SizeBytes);
        Assert.Equal("remind me to call the dentist", Assert.Single(recording.Transcriptions).Text);
        Assert.Equal("\"dark\"", again.GetSettings()["ui.theme"]);
        Assert.Equal("tomorrow", Assert.Single(again.ListDictionary()).Replacement);
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
