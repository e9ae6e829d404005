using System.Net.WebSockets;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;

namespace Meridian.IntegrationTests;

public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_everyone_else_keeps_going()
    {
        await using var server = await TestServer.StartAsync(maxQueuedMessagesPerClient: 50);
        var (_, owner) = await server.NewIdentityAsync();
        await server.PublishChatAsync("chat", owner);

        // Uncompressed: gzip would shrink the repetitive updates until the socket buffers held them all.
        await using var slow = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat", compression: "None");
        await slow.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM message"]));
        Assert.IsType<ServerMessage.SubscribeApplied>(await slow.ReceiveAsync());
        // From here on the slow client reads nothing.

        await using var writer = await WsClient.ConnectAsync(server.Server.BaseAddress, "chat");
        var text = new string('x', 64 * 1024);
        const int calls = 400; // ~26 MB of updates for the slow client: more than socket buffers hold
        for (uint i = 0; i < calls; i++)
        {
            var w = new BsatnWriter();
            w.WriteString(text);
            await writer.SendAsync(new ClientMessage.CallReducer(i, 0, "send_message", w.ToArray()));
            var result = Assert.IsType<ServerMessage.ReducerResult>(await writer.ReceiveAsync());
            Assert.IsType<ReducerOutcome.Ok>(result.Outcome);
        }

        // The server dropped the slow client: its user is offline (ClientDisconnected ran).
        var offline = false;
        for (var attempt = 0; attempt < 100 && !offline; attempt++)
        {
            var sql = await server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql", owner,
                new StringContent($"SELECT online FROM user WHERE identity = 0x{slow.Initial.Identity.ToHexString()}"));
            offline = (await sql.Content.ReadAsStringAsync()).Contains("[[false]]", StringComparison.Ordinal);
            if (!offline)
                await Task.Delay(100);
        }
        Assert.True(offline, "the slow client was not disconnected");

        // Reading what was buffered ends in a broken connection, not a hang.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (true)
                await slow.ReceiveAsync(TimeSpan.FromSeconds(20));
        });
    }
}
