using System.Text.Json;
using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary><c>dump</c>, <c>restore</c>, <c>history</c> and <c>sql --as-of</c> against a real server with a temp data directory.</summary>
public sealed class BackupCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-backup-").FullName;
    private readonly string _files = Directory.CreateTempSubdirectory("meridian-cli-dumps-").FullName;
    private MeridianServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        _url = _server.BaseAddress.ToString().TrimEnd('/');
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        foreach (var directory in new[] { _dataDirectory, _files })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task Dump_then_restore_gives_a_new_database_with_equal_data()
    {
        await Ok("call", "-s", _url, "chat", "set_name", "Alice");
        foreach (var text in new[] { "one", "two", "three" })
            await Ok("call", "-s", _url, "chat", "send_message", text);
        var file = Path.Combine(_files, "chat.mdump");

        var dumped = await Ok("dump", "-s", _url, "chat", file);
        Assert.Matches(@"^Dumped database chat at transaction offset \d+ \(\d+ tables, \d+ rows, [\d.]+ KiB\) to .*chat\.mdump\.\n$", dumped.Out);
        Assert.Contains("Dumping database chat", dumped.Error);
        // Output that is not a terminal (CI, a file) gets plain progress lines ending with the totals, no carriage returns.
        Assert.DoesNotContain("\r", dumped.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Downloaded [\d.]+ KiB in \d+\.\d s$", dumped.Error);

        var restored = await Ok("restore", "-s", _url, "chat-copy", file);
        Assert.Matches(@"^Restored database chat-copy \(identity [0-9a-f]{64}\), created, from a dump of chat at transaction offset \d+ ", restored.Out);
        Assert.Contains("Restoring ", restored.Error);
        Assert.DoesNotContain("\r", restored.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Uploaded [\d.]+ KiB in \d+\.\d s$", restored.Error);

        const string everything = "SELECT * FROM message; SELECT * FROM user";
        var original = await Ok("sql", "-s", _url, "chat", everything);
        var copy = await Ok("sql", "-s", _url, "chat-copy", everything);
        Assert.Contains("three", copy.Out);
        Assert.Equal(SortedLines(original.Out), SortedLines(copy.Out));

        // The copy is a database of its own: writes to it leave the original alone.
        await Ok("call", "-s", _url, "chat-copy", "send_message", "only in the copy");
        Assert.DoesNotContain("only in the copy", (await Ok("sql", "-s", _url, "chat", "SELECT * FROM message")).Out);

        // The copy survives a restart (its data directory holds the snapshot and a log after it).
        await _server.DisposeAsync();
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        Assert.Empty(_server.LoadFailures);
        _url = _server.BaseAddress.ToString().TrimEnd('/');
        var afterRestart = _server.Registry.Find("chat-copy");
        Assert.NotNull(afterRestart);
        var rows = afterRestart!.ExecuteSqlAsync("SELECT * FROM message", afterRestart.Owner, ConnectionId.Zero);
        Assert.Equal(4, (await rows)[0].Rows.Count);
    }

    [Fact]
    public async Task Restoring_over_an_existing_database_needs_yes_and_keeps_its_identity()
    {
        await Ok("call", "-s", _url, "chat", "send_message", "before the dump");
        var file = Path.Combine(_files, "chat.mdump");
        await Ok("dump", "-s", _url, "chat", file);
        await Ok("call", "-s", _url, "chat", "send_message", "after the dump");
        var identity = _server.Registry.Find("chat")!.Identity;

        var refused = await _cli.RunAsync("restore", "-s", _url, "chat", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: database 'chat' exists", refused.Error);
        Assert.Contains("hint: Pass --yes to replace it.", refused.Error);
        Assert.Contains("after the dump", (await Ok("sql", "-s", _url, "chat", "SELECT text FROM message")).Out);

        var replaced = await Ok("restore", "-s", _url, "--yes", "chat", file);
        Assert.Contains($"(identity {identity.ToHexString()}), replaced", replaced.Out);
        var messages = (await Ok("sql", "-s", _url, "chat", "SELECT text FROM message")).Out;
        Assert.Contains("before the dump", messages);
        Assert.DoesNotContain("after the dump", messages);
    }

    [Fact]
    public async Task Dump_while_a_writer_runs_is_the_database_at_one_offset()
    {
        var chat = _server.Registry.Find("chat")!;
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var args = AlgebraicValue.Product(AlgebraicValue.String($"message {written}")).ToBsatn();
                var result = await chat.CallReducerAsync("send_message", args, chat.Owner, ConnectionId.Random());
                Assert.Null(result.Error);
                written++;
            }
        });
        while (Volatile.Read(ref written) < 50)
            await Task.Delay(10);
        var file = Path.Combine(_files, "busy.mdump");
        var dumped = await Ok("dump", "-s", _url, "chat", file);
        var afterDump = Volatile.Read(ref written);
        await Ok("restore", "-s", _url, "busy-copy", file);
        await stop.CancelAsync();
        await writer;

        var offset = System.Text.RegularExpressions.Regex.Match(dumped.Out, @"offset (\d+) ").Groups[1].Value;
        var copy = await Ok("sql", "-s", _url, "busy-copy", "SELECT * FROM message");
        var asOf = await Ok("sql", "-s", _url, "chat", "--as-of", offset, "SELECT * FROM message");
        var now = await Ok("sql", "-s", _url, "chat", "SELECT * FROM message");
        Assert.Equal(SortedLines(asOf.Out), SortedLines(copy.Out));
        var copied = MessageCount(copy.Out);
        Assert.InRange(copied, 50, afterDump);
        Assert.True(MessageCount(now.Out) > copied, $"the writer went on after the dump ({MessageCount(now.Out)} > {copied})");
    }

    [Fact]
    public async Task A_damaged_or_truncated_dump_is_refused_and_changes_nothing()
    {
        await Ok("call", "-s", _url, "chat", "send_message", "keep me");
        var file = Path.Combine(_files, "chat.mdump");
        await Ok("dump", "-s", _url, "chat", file);
        var bytes = await File.ReadAllBytesAsync(file);

        var damaged = Path.Combine(_files, "damaged.mdump");
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(damaged, flipped);
        var truncated = Path.Combine(_files, "truncated.mdump");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length - 100)]);
        var notADump = Path.Combine(_files, "module.dll");
        await File.WriteAllBytesAsync(notADump, await File.ReadAllBytesAsync(RealServerTests.ChatAssembly()));

        foreach (var (path, message) in new[]
        {
            (damaged, "the dump is damaged (its checksum does not match its contents)"),
            (truncated, "the dump is truncated"),
            (notADump, "the file is not a Meridian dump"),
        })
        {
            var intoNew = await _cli.RunAsync("restore", "-s", _url, "fresh", path);
            Assert.Equal(1, intoNew.ExitCode);
            Assert.Contains($"error: Not restored: {message}", intoNew.Error);
            Assert.Null(_server.Registry.Find("fresh"));
            Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "databases", "fresh")));

            var overExisting = await _cli.RunAsync("restore", "-s", _url, "--yes", "chat", path);
            Assert.Equal(1, overExisting.ExitCode);
            Assert.Contains($"error: Not restored: {message}", overExisting.Error);
            Assert.Contains("keep me", (await Ok("sql", "-s", _url, "chat", "SELECT text FROM message")).Out);
        }
        Assert.Equal(["chat"], Directory.GetDirectories(Path.Combine(_dataDirectory, "databases")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Dump_refuses_to_overwrite_a_file_and_others_databases()
    {
        var file = Path.Combine(_files, "exists.mdump");
        await File.WriteAllTextAsync(file, "precious");
        var refused = await _cli.RunAsync("dump", "-s", _url, "chat", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("hint: Pass --force to overwrite it", refused.Error);
        Assert.Equal("precious", await File.ReadAllTextAsync(file));

        using var stranger = new CliRun();
        var denied = await stranger.RunAsync("dump", "-s", _url, "chat", Path.Combine(_files, "stolen.mdump"));
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("error: Only the owner of 'chat' can dump it.", denied.Error);
        Assert.False(File.Exists(Path.Combine(_files, "stolen.mdump")));
        Assert.False(File.Exists(Path.Combine(_files, "stolen.mdump.partial")));
    }

    [Fact]
    public async Task History_lists_transactions_and_as_of_reads_the_older_rows()
    {
        await Ok("call", "-s", _url, "chat", "send_message", "first");
        await Ok("call", "-s", _url, "chat", "send_message", "second");
        var identity = _server.Registry.Find("chat")!.Owner.ToHexString();

        var history = await Ok("history", "-s", _url, "chat");
        Assert.True(
            System.Text.RegularExpressions.Regex.IsMatch(history.Out, $@"\n +\d+ \| \d{{4}}-\d\d-\d\dT[^|]+ \| send_message +\| {identity} \| +\+1 -0\n"),
            history.Out);
        Assert.Matches(@"\(\d+ transactions\)\n$", history.Out);
        // The publish's own transaction runs no reducer: the table shows what it did to the schema.
        var fromStart = await Ok("history", "-s", _url, "chat", "--from", "0", "-n", "1");
        Assert.Matches(@"\n +0 \| [^|]+ \| schema: created table (user, created table message|message, created table user) +\| +\| +\+0 -0\n", fromStart.Out);

        var json = await Ok("history", "-s", _url, "chat", "--json", "--from", "0", "-n", "1000");
        using var document = JsonDocument.Parse(json.Out);
        var sends = document.RootElement.GetProperty("transactions").EnumerateArray()
            .Where(t => t.GetProperty("reducer").GetString() == "send_message").Select(t => t.GetProperty("offset").GetUInt64()).ToList();
        Assert.Equal(2, sends.Count);
        Assert.Equal(0UL, document.RootElement.GetProperty("transactions")[0].GetProperty("offset").GetUInt64());

        var then = await Ok("sql", "-s", _url, "chat", "--as-of", sends[0].ToString(), "SELECT text FROM message");
        Assert.Equal(" text\n-------\n first\n(1 row)\n", then.Out);
        var before = await Ok("sql", "-s", _url, "chat", "--as-of", (sends[0] - 1).ToString(), "SELECT text FROM message");
        Assert.Contains("(0 rows)", before.Out);
        var now = await Ok("sql", "-s", _url, "chat", "SELECT text FROM message");
        Assert.Contains("second", now.Out);

        var outOfRange = await _cli.RunAsync("sql", "-s", _url, "chat", "--as-of", "999999", "SELECT * FROM message");
        Assert.Equal(1, outOfRange.ExitCode);
        Assert.Matches(@"^error: Offset 999999 is out of range: the last transaction of 'chat' is \d+\.\n", outOfRange.Error);

        var write = await _cli.RunAsync("sql", "-s", _url, "chat", "--as-of", "1", "DELETE FROM message");
        Assert.Equal(1, write.ExitCode);
        Assert.Contains("error: Only SELECT statements can read the past", write.Error);
        Assert.Contains("second", (await Ok("sql", "-s", _url, "chat", "SELECT text FROM message")).Out);
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"meridian {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }

    private static List<string> SortedLines(string text) => text.Split('\n').Order(StringComparer.Ordinal).ToList();

    private static int MessageCount(string sqlOutput) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(sqlOutput, @"\((\d+) rows?\)").Groups[1].Value);
}
