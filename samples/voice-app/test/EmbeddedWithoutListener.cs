using System.Globalization;
using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Other tests of this assembly open listening sockets: these run alone, so the process's listeners stay still.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ListenerCountingTests
{
    public const string Name = "counts the process's listening sockets";
}

/// <summary>
/// Embedded mode as the app runs it by default: the server inside the app with no network listener at all, the client
/// talking to it in memory. The proof is the kernel's: the process's listening TCP sockets, read from /proc.
/// </summary>
[Collection(ListenerCountingTests.Name)]
public sealed class EmbeddedWithoutListener
{
    [Fact]
    public async Task Embedded_mode_opens_no_port_and_still_works()
    {
        Assert.True(OperatingSystem.IsLinux(), "This test reads the process's sockets from /proc (Linux).");
        await using var harness = new Harness(HostingMode.Embedded);
        var before = ListeningPorts();

        var app = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, app.State);
        var server = ((EmbeddedHost)app.Host).Server!;
        Assert.False(server.IsListening);
        Assert.Throws<InvalidOperationException>(() => server.BaseAddress);
        // A round trip through the in-memory transport: a command answered, and its row in the client's cache.
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("brb", "be right back")).Outcome);
        Assert.Equal("be right back", Assert.Single(app.ListDictionary()).Replacement);

        Assert.Equal(before, ListeningPorts());
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_listen_address_opens_exactly_that_port()
    {
        // The control: the same reading does see a port when the embedded server is asked to listen.
        Assert.True(OperatingSystem.IsLinux(), "This test reads the process's sockets from /proc (Linux).");
        await using var harness = new Harness(HostingMode.Embedded) { EmbeddedListenAddress = "127.0.0.1:0" };
        var before = ListeningPorts();

        var app = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, app.State);
        var server = ((EmbeddedHost)app.Host).Server!;
        Assert.True(server.IsListening);
        Assert.Equal([.. before, server.BaseAddress.Port], ListeningPorts().Order());
        await app.DisposeAsync();
    }

    /// <summary>The TCP ports this process listens on: its socket inodes (/proc/self/fd) among the LISTEN rows of /proc/self/net/tcp{,6}.</summary>
    private static List<int> ListeningPorts()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while we looked
            }
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                inodes.Add(target["socket:[".Length..^1]);
        }
        var ports = new List<int>();
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        ports.Sort();
        return ports;
    }
}
