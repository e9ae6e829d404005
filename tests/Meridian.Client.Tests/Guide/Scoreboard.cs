using System.Globalization;
using Meridian.Client;
using Meridian.Golden.Leaderboard; // the bindings: meridian generate --lang csharp for the leaderboard module

namespace Meridian.Client.Tests.Guide;

/// <summary>
/// A console scoreboard that keeps working offline: the app of docs/client-guide.md (the guide shows this
/// file, and GuideTests runs it). Commands, one per line: list, set ID NAME SCORE, seed FIRST COUNT, status, sync.
/// </summary>
public static class Scoreboard
{
    /// <summary>Runs the commands read from <paramref name="input"/> until it ends; 0 on success.</summary>
    public static int Run(Uri server, string database, string cacheFile, TextReader input, TextWriter output)
    {
        output = TextWriter.Synchronized(output); // callbacks write from the connection's thread
        var shownState = (ConnectionState?)null;
        using var conn = DbConnection.Builder()
            .WithUri(server)
            .WithDatabaseName(database)
            .WithOfflineCache(cacheFile) // the rows and the queued calls survive restarts
            .WithAutomaticReconnect(new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) })
            .WithBackgroundProcessing() // callbacks run on the connection's thread; read the cache under SyncRoot
            .OnStateChanged((_, status) =>
            {
                if (status.State != shownState)
                    output.WriteLine($"[{status.State}]");
                shownState = status.State;
            })
            .OnQueuedCallResult((_, result) => output.WriteLine($"sent while away: {result.Call.ReducerName}: {result.Outcome}"))
            .OnConflict((_, conflict) => output.WriteLine($"CONFLICT: {conflict}"))
            .Build();
        conn.Db.Player.OnUpdate += (ctx, old, player) =>
        {
            if (ctx.Event is Event.Reconciled)
                output.WriteLine($"changed while away: {player.Name} {old.Score} -> {player.Score}");
        };
        lock (conn.SyncRoot)
            output.WriteLine($"{conn.Db.Player.Count} players in the offline cache");
        var players = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        var calls = new List<Task<ReducerEvent>>();

        while (input.ReadLine() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words.FirstOrDefault())
            {
                case "list":
                    lock (conn.SyncRoot)
                    {
                        foreach (var p in conn.Db.Player.Iter().OrderBy(p => p.Id))
                            output.WriteLine($"{p.Id} {p.Name} {p.Score}");
                    }
                    break;
                case "set":
                    // Shown at once (a prediction), sent now or queued until the connection returns.
                    var id = ulong.Parse(words[1], CultureInfo.InvariantCulture);
                    var (name, score) = (words[2], ulong.Parse(words[3], CultureInfo.InvariantCulture));
                    calls.Add(conn.CallWithPrediction(
                        () => conn.Reducers.SetScore(id, name, score),
                        p => p.Update(conn.Db.Player, new Player(id, name, score))));
                    break;
                case "seed":
                    calls.Add(conn.Reducers.Seed(ulong.Parse(words[1], CultureInfo.InvariantCulture), uint.Parse(words[2], CultureInfo.InvariantCulture)));
                    break;
                case "status":
                    output.WriteLine(conn.ConnectionStatus);
                    break;
                case "sync":
                    // Waits until connected, subscribed, and every call (this run's and those queued by an earlier run) answered.
                    var deadline = DateTime.UtcNow.AddSeconds(20);
                    while (!(conn.IsActive && players.IsActive && conn.ConnectionStatus.QueuedCalls == 0 && calls.TrueForAll(c => c.IsCompleted)))
                    {
                        if (DateTime.UtcNow > deadline)
                        {
                            output.WriteLine($"not in sync: {conn.ConnectionStatus}");
                            return 1;
                        }
                        Thread.Sleep(10);
                    }
                    break;
            }
        }
        return 0;
    }
}
