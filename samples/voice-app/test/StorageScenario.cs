using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Scenario "Handle storage quota exceeded": the module enforces the quota on the recordings' files.</summary>
public sealed class StorageQuota
{
    private const ulong OneSecond = 44 + 32_000; // a 1 s recording: 16 kHz, 16-bit mono

    [Theory]
    [InlineData(HostingMode.Sidecar)]
    [InlineData(HostingMode.Embedded)]
    public async Task Handle_storage_quota_exceeded(HostingMode mode)
    {
        await using var harness = new Harness(mode);
        var app = await harness.StartAsync();
        Assert.Equal(CommandOutcome.Applied, (await app.SetStorageLimitAsync(100_000)).Outcome);

        // Given the storage is near capacity: three recordings use 96% of it, and the app says so.
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            files.Add(harness.NewRecording(1000, $"recording-{i}.wav"));
            Assert.Equal(CommandOutcome.Applied, (await app.SaveRecordingAsync(files[^1])).Outcome);
        }
        Assert.Equal(new StorageStatus(3 * OneSecond, 100_000), app.GetStorageStatus());
        var warning = Assert.Single(app.Notices, n => n.Kind == NoticeKind.StorageAlmostFull);
        Assert.Contains("96%", warning.Message, StringComparison.Ordinal);

        // When the user saves more, the save is refused with a message to show, and options to manage storage.
        var fourth = harness.NewRecording(1000, "recording-3.wav");
        var refused = await app.SaveRecordingAsync(fourth);
        Assert.Equal(CommandOutcome.Refused, refused.Outcome);
        Assert.Equal(
            "Storage limit reached: this recording (31.3 KB) would bring your recordings to 125.2 KB of the 97.7 KB allowed. " +
            "Delete old recordings or raise the limit in Settings.",
            refused.Message);
        var full = Assert.Single(app.Notices, n => n.Kind == NoticeKind.StorageFull);
        Assert.Equal(refused.Message, full.Message);
        Assert.Equal(["delete_oldest_recordings", "raise_storage_limit", "open_recordings_folder"], full.Options);
        Assert.Equal(3, app.ListRecordings().Count);

        // A limit below what is used is refused, clearly.
        var tooLow = await app.SetStorageLimitAsync(50_000);
        Assert.Equal(CommandOutcome.Refused, tooLow.Outcome);
        Assert.Contains("Your recordings use 93.9 KB already", tooLow.Message, StringComparison.Ordinal);

        // Option: delete the oldest recordings. The row goes, and so does its file; then the save fits.
        Assert.Equal(CommandOutcome.Applied, (await app.DeleteOldestRecordingsAsync(OneSecond)).Outcome);
        await Harness.UntilAsync(() => !File.Exists(files[0]), "the oldest recording's file is deleted");
        Assert.True(File.Exists(files[1]));
        Assert.Equal(CommandOutcome.Applied, (await app.SaveRecordingAsync(fourth)).Outcome);
        Assert.Equal(["recording-3.wav", "recording-2.wav", "recording-1.wav"], app.ListRecordings().Select(r => Path.GetFileName(r.Recording.FilePath)));

        // Option: raise the limit.
        Assert.Equal(CommandOutcome.Applied, (await app.SetStorageLimitAsync(1_000_000)).Outcome);
        Assert.Equal(CommandOutcome.Applied, (await app.SaveRecordingAsync(harness.NewRecording(1000))).Outcome);
        Assert.Equal(4, app.ListRecordings().Count);
    }
}
