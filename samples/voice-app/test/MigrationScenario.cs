using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Scenario "Handle schema migration gracefully": module version 1's data, opened by the app that ships version 2.</summary>
public sealed class SchemaMigration
{
    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task Handle_schema_migration_gracefully(HostingMode mode)
    {
        // The scenario calls the server over HTTP, as `meridian sql` would: the embedded server listens on a loopback port.
        await using var harness = new Harness(mode) { EmbeddedListenAddress = "127.0.0.1:0" };
        var serverData = Path.Combine(harness.AppDirectory, "server-data");
        string token;

        // Given the app has existing data: what heycat with module version 1 wrote, including two expansions of
        // "brb", which version 1 allowed and version 2 does not.
        await using (IDatabaseHost previous = mode == HostingMode.Sidecar
            ? new SidecarHost(MeridianCli.Find(), serverData)
            : new EmbeddedHost(serverData, harness.EmbeddedListenAddress))
        {
            await previous.StartAsync(CancellationToken.None);
            token = await previous.NewIdentityAsync(CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(harness.AppDirectory, "identity.token"), token);
            await previous.PublishAsync("heycat-data", Harness.ModuleV1(), token, CancellationToken.None);
            var server = Harness.HttpAddress(previous);
            await Harness.CallAsync(server, token, "add_recording", "[\"/home/michael/heycat/recordings/a.wav\", 2000, 16000]");
            await Harness.CallAsync(server, token, "add_recording", "[\"/home/michael/heycat/recordings/b.wav\", 500, 48000]");
            await Harness.CallAsync(server, token, "set_transcription", "[1, \"buy oat milk\", \"whisper-small\"]");
            await Harness.CallAsync(server, token, "set_setting", "[\"ui.theme\", \"\\\"dark\\\"\"]");
            await Harness.CallAsync(server, token, "add_dictionary_entry", "[\"brb\", \"be right back\"]");
            await Harness.CallAsync(server, token, "add_dictionary_entry", "[\"brb\", \"bathroom break\"]");
            await Harness.CallAsync(server, token, "add_voice_command", "[\"open mail\", \"open_app\", \"{\\\"app\\\":\\\"Mail\\\"}\"]");
        }

        // When the new version starts, the migration runs by itself, and fails: the user is told why, and nothing changed.
        var app = await harness.StartAsync();
        Assert.Equal(DataLayerState.MigrationFailed, app.State);
        var failed = Assert.Single(app.Notices, n => n.Kind == NoticeKind.MigrationFailed);
        Assert.Contains("brb", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", failed.Message, StringComparison.Ordinal);
        Assert.Contains("retry", failed.Options);
        Assert.Null(app.Connection); // version 2's bindings do not read version 1's rows: the app does not use them
        var server2 = Harness.HttpAddress(app.Host);
        var v1Rows = await Harness.SqlAsync(server2, token, "SELECT * FROM recordings WHERE id = 1");
        Assert.Contains("buy oat milk", v1Rows.ToJsonString(), StringComparison.Ordinal); // still version 1's recordings, with their transcription
        Assert.Equal(2, (await Harness.SqlAsync(server2, token, "SELECT * FROM dictionary_entries"))[0]!["rows"]!.AsArray().Count);

        // The user resolves it (keeps one "brb") and retries: the data is migrated and kept.
        await Harness.SqlAsync(server2, token, "DELETE FROM dictionary_entries WHERE replacement = 'bathroom break'");
        await app.RetryAsync();
        Assert.Equal(DataLayerState.Ready, app.State);
        Assert.Contains(app.Notices, n => n.Kind == NoticeKind.Migrated);

        var recordings = app.ListRecordings().OrderBy(r => r.Recording.Id).ToList();
        Assert.Equal([1ul, 2ul], recordings.Select(r => r.Recording.Id));
        Assert.Equal("/home/michael/heycat/recordings/a.wav", recordings[0].Recording.FilePath);
        Assert.Equal(44ul + 64_000, recordings[0].Recording.SizeBytes); // 2 s of 16 kHz 16-bit mono
        Assert.Equal(44ul + 48_000, recordings[1].Recording.SizeBytes);
        var transcription = Assert.Single(recordings[0].Transcriptions);
        Assert.Equal(("buy oat milk", "whisper-small"), (transcription.Text, transcription.Model));
        Assert.Empty(recordings[1].Transcriptions);
        Assert.Equal("\"dark\"", app.GetSettings()["ui.theme"]);
        var brb = Assert.Single(app.ListDictionary());
        Assert.Equal(("brb", "be right back", "", false, true), (brb.Trigger, brb.Replacement, brb.Suffix, brb.AutoEnter, brb.Enabled));
        Assert.Equal("open mail", Assert.Single(app.ListVoiceCommands()).Phrase);

        // Version 2 works on the migrated data: new ids continue, the new constraint holds.
        Assert.Equal(CommandOutcome.Applied, (await app.SaveRecordingAsync(harness.NewRecording(100))).Outcome);
        Assert.Equal(3ul, app.ListRecordings()[0].Recording.Id);
        var duplicate = await app.AddDictionaryEntryAsync("brb", "bathroom break");
        Assert.Equal(CommandOutcome.Refused, duplicate.Outcome);
        Assert.Contains("already has 'brb'", duplicate.Message, StringComparison.Ordinal);
    }
}
