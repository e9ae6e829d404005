using System.Net.WebSockets;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Server;
using Meridian.Server.Sessions;

namespace Meridian.IntegrationTests;

/// <summary>
/// Frame compression as the client asks (protocol.md §3.2): bodies over the threshold compressed, smaller ones
/// plain, decided per connection, and updates arriving in commit order while several clients write at once.
/// </summary>
public sealed class CompressionTests
{
    private const int Senders = 4;
    private const int CallsPerSender = 40;

    private static readonly ProductType MessageRow = AlgebraicType.Product(
        ("sender", AlgebraicType.Identity), ("sent", AlgebraicType.Timestamp), ("text", AlgebraicType.String));

    private static async Task<TestServer> StartAsync(CompressionPolicy policy)
    {
        var server = await TestServer.StartAsync(options: dir => new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = dir,
            Compression = new CompressionOptions { Policy = policy },
        });
        var (_, token) = await server.NewIdentityAsync();
        await server.PublishChatAsync("chat", token);
        return server;
    }

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    // Several clients call send_message at once, pipelined, alternating short texts and texts long enough to be
    // compressed; the subscriber must see every message once, each sender's in the order it sent them.
    private static async Task LoadAndCheckOrderAsync(TestServer server, WsClient subscriber)
    {
        await subscriber.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM message"]));
        Assert.IsType<ServerMessage.SubscribeApplied>(await subscriber.ReceiveAsync());

        var senders = new List<WsClient>();
        for (var s = 0; s < Senders; s++)
            senders.Add(await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", compression: "None"));
        try
        {
            var padding = new string('x', 3000);
            await Task.WhenAll(senders.Select((client, s) => Task.Run(async () =>
            {
                for (var i = 0; i < CallsPerSender; i++)
                    await client.SendAsync(new ClientMessage.CallReducer((uint)i, 0, "send_message", StringArg($"{s}:{i}:{(i % 2 == 0 ? "" : padding)}")));
            })));

            var next = new int[Senders];
            var received = 0;
            while (received < Senders * CallsPerSender)
            {
                var update = Assert.IsType<ServerMessage.TransactionUpdate>(await subscriber.ReceiveAsync());
                var rows = ((TableUpdateRows.Persistent)update.QuerySets.Single().Tables.Single().Rows.Single()).Inserts;
                foreach (var row in rows)
                {
                    var text = ((ProductValue)AlgebraicValue.FromBsatn(row.Span, MessageRow))[2].AsString();
                    var parts = text.Split(':');
                    var sender = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(next[sender], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    next[sender]++;
                    received++;
                }
            }
            Assert.All(next, n => Assert.Equal(CallsPerSender, n));
        }
        finally
        {
            foreach (var client in senders)
                await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("None", 0)]
    [InlineData("Gzip", 2)]
    [InlineData("Brotli", 1)]
    public async Task A_v2_client_gets_the_compression_it_asked_for_above_the_threshold_and_updates_in_order(string compression, byte tag)
    {
        await using var server = await StartAsync(CompressionPolicy.Auto);
        await using var subscriber = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", compression: compression);
        await LoadAndCheckOrderAsync(server, subscriber);

        // Small frames (InitialConnection, short messages) stay plain; large ones carry the asked-for tag.
        Assert.Equal(0, subscriber.Tags[0]);
        Assert.Equal(tag == 0 ? [0] : new byte[] { 0, tag }, subscriber.Tags.Distinct().Order().ToArray());
    }

    [Fact]
    public async Task Batched_connections_stay_uncompressed_under_auto_because_the_typescript_sdk_would_reorder_them()
    {
        await using var server = await StartAsync(CompressionPolicy.Auto);
        await using var subscriber = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", offerV3: true, compression: "Gzip");
        Assert.Equal("v3.bsatn.spacetimedb", subscriber.Socket.SubProtocol);
        await LoadAndCheckOrderAsync(server, subscriber);
        Assert.All(subscriber.Tags, t => Assert.Equal(0, t));
    }

    [Fact]
    public async Task Always_compresses_batched_connections_too_and_never_compresses_nothing()
    {
        await using (var server = await StartAsync(CompressionPolicy.Always))
        {
            await using var subscriber = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", offerV3: true, compression: "Gzip");
            await LoadAndCheckOrderAsync(server, subscriber);
            Assert.Contains((byte)2, subscriber.Tags);
        }
        await using (var server = await StartAsync(CompressionPolicy.Never))
        {
            await using var subscriber = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", compression: "Brotli");
            await LoadAndCheckOrderAsync(server, subscriber);
            Assert.All(subscriber.Tags, t => Assert.Equal(0, t));
        }
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("2")]
    [InlineData("Deflate")]
    public async Task Anything_but_the_exact_variant_names_is_refused_with_400(string compression)
    {
        await using var server = await StartAsync(CompressionPolicy.Auto);
        var e = await Assert.ThrowsAnyAsync<WebSocketException>(() => WsClient.ConnectAsync(server.Server.BaseAddress, "chat", compression: compression));
        Assert.Contains("400", e.Message, StringComparison.Ordinal);
    }
}
