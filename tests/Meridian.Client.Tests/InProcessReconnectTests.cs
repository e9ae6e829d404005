using Meridian.Embedded;
using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>Reconnect, reconciliation and queued calls in the in-process mode, as over a socket.</summary>
public sealed class InProcessReconnectTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    /// <summary>A transport that cannot connect, for while the in-process "server" is away.</summary>
    private sealed class Unreachable : IClientTransport
    {
        public bool IsV3 => true;

        public string? CloseDescription => null;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.FromException(new IOException("unreachable"));

        public Task SendAsync(byte[] frame, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

        public Task CloseAsync() => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task An_in_process_session_that_ends_is_reopened_as_the_same_identity_reconciled_and_sent_the_queued_call()
    {
        var db = await fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        var down = false;
        InProcessTransport? current = null;
        var tokens = new List<string?>();
        using var conn = DbConnection.Builder().WithDatabaseName(db)
            .WithTransport(token =>
            {
                tokens.Add(token);
                return down ? new Unreachable() : current = new InProcessTransport(fixture.Server.Server, db, token);
            })
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls()
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        Ticks.Await(conn, conn.Reducers.Seed(1, 3), "seed");
        var identity = conn.Identity;
        var token = conn.Token;
        var log = ReconnectTests.Log(conn);
        using var writer = DbConnection.Builder().WithUri(fixture.Uri).WithDatabaseName(db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");

        down = true;
        current!.Dispose();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Ticks.Await(writer, writer.Reducers.SetScore(2, "p2", 20), "an update while away");
        Ticks.Await(writer, writer.Reducers.RemovePlayer(3), "a delete while away");
        var queued = conn.Reducers.SetScore(4, "queued", 4);
        Ticks.Until(conn, () => conn.ConnectionStatus.Attempt >= 2, "a second attempt");
        down = false;

        Assert.True(Ticks.Await(conn, queued, "the queued call").IsCommitted);
        Assert.Equal(identity, conn.Identity);
        Assert.Null(tokens[0]);
        Assert.All(tokens.Skip(1), t => Assert.Equal(token, t));
        // The queued call goes out right after the subscription: its row arrives with the reconciliation or after it.
        Assert.Equal(["reconciled delete 3", "reconciled update 2 2->20"], log.Take(2).ToList());
        Assert.Single(log.Skip(2), l => l is "reducer insert 4" or "reconciled insert 4");
        Assert.Equal(3, log.Count);
        Assert.Equal([1ul, 2, 4], conn.Db.Player.Iter().Select(p => p.Id).Order().ToList());
    }
}
