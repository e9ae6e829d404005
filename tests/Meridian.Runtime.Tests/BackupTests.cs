using Meridian.Runtime.Backup;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Runtime.Tests;

/// <summary>Dumps, restores and past reads at the runtime level, for in-memory registries (the CLI tests cover data directories).</summary>
public sealed class BackupTests
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Stranger = Identity.FromClaims("localhost", "stranger");

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private static long MessageCount(Database db) => db.Store.Committed.Count(db.Store.Committed.GetTable("message").Id);

    [Fact]
    public async Task An_in_memory_database_dumps_and_restores_but_keeps_no_history()
    {
        await using var registry = new DatabaseRegistry(null);
        var chat = (await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false)).Database;
        for (var i = 0; i < 3; i++)
            await chat.CallReducerAsync("send_message", StringArg($"m{i}"), Owner, ConnectionId.Random());
        using var dump = new MemoryStream();
        var info = await chat.DumpAsync(dump);
        Assert.Equal(chat.LastCommittedOffset, info.Offset);
        Assert.Equal("chat", info.Database);
        await chat.CallReducerAsync("send_message", StringArg("after"), Owner, ConnectionId.Random());

        dump.Position = 0;
        var restored = await registry.RestoreAsync("copy", dump, Owner, replace: false);
        Assert.False(restored.Replaced);
        Assert.NotEqual(chat.Identity, restored.Database.Identity);
        Assert.Equal(3, MessageCount(restored.Database));
        Assert.Equal(4, MessageCount(chat));
        var call = await restored.Database.CallReducerAsync("send_message", StringArg("in the copy"), Owner, ConnectionId.Random());
        Assert.Equal(info.Offset + 1, call.Offset);

        dump.Position = 0;
        var exists = await Assert.ThrowsAsync<RestoreException>(() => registry.RestoreAsync("chat", dump, Owner, replace: false));
        Assert.Equal(RestoreFailure.Exists, exists.Kind);
        dump.Position = 0;
        var denied = await Assert.ThrowsAsync<RestoreException>(() => registry.RestoreAsync("chat", dump, Stranger, replace: true));
        Assert.Equal(RestoreFailure.PermissionDenied, denied.Kind);
        Assert.Equal(4, MessageCount(registry.Find("chat")!));

        await Assert.ThrowsAsync<HistoryUnavailableException>(() => chat.ReadHistoryAsync(0, 10));
        await Assert.ThrowsAsync<HistoryUnavailableException>(() => chat.QueryAsOfAsync("SELECT * FROM message", 1, Owner));
    }

    [Fact]
    public async Task Every_damaged_byte_range_of_a_dump_is_refused()
    {
        await using var registry = new DatabaseRegistry(null);
        var chat = (await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false)).Database;
        await chat.CallReducerAsync("send_message", StringArg("x"), Owner, ConnectionId.Random());
        using var dump = new MemoryStream();
        await chat.DumpAsync(dump);
        var bytes = dump.ToArray();
        // Flip one byte at a time across the header, metadata, module, snapshot and trailer (evenly spaced); and cut the file at several points.
        var positions = new[] { 0, 9, 13, 20, bytes.Length - 13, bytes.Length - 1 }.Concat(Enumerable.Range(0, 24).Select(i => i * (bytes.Length / 24)));
        foreach (var position in positions)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x10;
            var e = await Assert.ThrowsAsync<RestoreException>(() => registry.RestoreAsync("copy", new MemoryStream(damaged), Owner, replace: false));
            Assert.True(e.Kind == RestoreFailure.InvalidDump, $"byte {position}: {e.Message}");
        }
        foreach (var length in new[] { 0, 11, 40, bytes.Length / 2, bytes.Length - 12, bytes.Length - 1 })
        {
            var e = await Assert.ThrowsAsync<RestoreException>(() => registry.RestoreAsync("copy", new MemoryStream(bytes[..length]), Owner, replace: false));
            Assert.Equal(RestoreFailure.InvalidDump, e.Kind);
        }
        Assert.Null(registry.Find("copy"));
    }
}
