using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

public sealed class DatabaseRegistryTests : IDisposable
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Stranger = Identity.FromClaims("localhost", "stranger");
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private static long MessageCount(Database db) => db.Store.Committed.Count(db.Store.Committed.GetTable("message").Id);

    [Fact]
    public async Task A_published_database_and_its_data_survive_reopening()
    {
        Identity identity;
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var result = await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false);
            Assert.True(result.Created);
            identity = result.Database.Identity;
            var call = await result.Database.CallReducerAsync("send_message", StringArg("kept"), Owner, ConnectionId.Random());
            Assert.Equal(Execution.ReducerStatus.Committed, call.Status);
        }
        await using (var registry = new DatabaseRegistry(_dir))
        {
            Assert.Empty(await registry.LoadAllAsync());
            var db = registry.Find("chat")!;
            Assert.Equal(identity, db.Identity);
            Assert.Same(db, registry.Find(identity.ToHexString()));
            Assert.Equal(1, MessageCount(db));
            Assert.Single(db.Log.Tail(null), r => r.Message.Contains("initialised", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Updating_keeps_data_and_clearing_starts_over_for_the_owner_only()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var created = await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false);
        await created.Database.CallReducerAsync("send_message", StringArg("one"), Owner, ConnectionId.Random());

        var denied = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("chat", TestModules.Chat(), Stranger, clear: false));
        Assert.Equal(PublishFailure.PermissionDenied, denied.Kind);

        var updated = await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false);
        Assert.False(updated.Created);
        Assert.Equal(1, MessageCount(updated.Database));

        var cleared = await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: true);
        Assert.True(cleared.Created);
        Assert.Equal(created.Database.Identity, cleared.Database.Identity);
        Assert.Equal(0, MessageCount(cleared.Database));
    }

    [Fact]
    public async Task A_bad_module_or_name_is_refused_and_leaves_nothing_behind()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var garbage = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("junk", [1, 2, 3], Owner, clear: false));
        Assert.Equal(PublishFailure.Rejected, garbage.Kind);
        Assert.Contains("not a .NET assembly", garbage.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "databases", "junk")));
        Assert.Null(registry.Find("junk"));

        var name = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("../escape", TestModules.Chat(), Owner, clear: false));
        Assert.Equal(PublishFailure.InvalidName, name.Kind);
    }

    [Fact]
    public async Task An_unfinished_publish_is_removed_at_start_up()
    {
        var partial = Path.Combine(_dir, "databases", "half");
        Directory.CreateDirectory(partial);
        File.WriteAllBytes(Path.Combine(partial, "module.dll"), TestModules.Chat());
        await using var registry = new DatabaseRegistry(_dir);
        Assert.Empty(await registry.LoadAllAsync());
        Assert.Null(registry.Find("half"));
        Assert.False(Directory.Exists(partial));
    }

    [Fact]
    public async Task A_corrupt_log_stops_only_that_database_and_names_the_file()
    {
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var chat = await registry.PublishAsync("chat", TestModules.Chat(), Owner, clear: false);
            for (var i = 0; i < 20; i++)
                await chat.Database.CallReducerAsync("send_message", StringArg($"message {i}"), Owner, ConnectionId.Random());
            await registry.PublishAsync("other", TestModules.Chat(), Owner, clear: false);
        }

        // Flip a byte in the middle of the first segment: not a torn tail, so recovery must refuse.
        var segment = Directory.EnumerateFiles(Path.Combine(_dir, "databases", "chat", "log"), "*.mlog").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(segment);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(segment, bytes);

        await using (var registry = new DatabaseRegistry(_dir))
        {
            var failures = await registry.LoadAllAsync();
            var (name, error) = Assert.Single(failures);
            Assert.Equal("chat", name);
            Assert.IsAssignableFrom<StorageException>(error);
            Assert.Contains(Path.GetFileName(segment), error.Message, StringComparison.Ordinal);
            Assert.Null(registry.Find("chat"));
            Assert.NotNull(registry.Find("other"));
        }
    }
}
