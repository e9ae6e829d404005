using System.Diagnostics;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// Fan-out: many clients subscribed to the same query; one reducer call changes a row it matches; the
/// figure is the time from sending the call until the last client has received its update.
/// </summary>
internal static class FanOut
{
    public const string Query = "SELECT * FROM accounts WHERE id = 7";

    public static async Task<(double P50Ms, double P99Ms, double MaxMs)> RunAsync(
        Uri server, int clients, int warmupRounds, int rounds, bool confirmedReads)
    {
        var subscribers = new LoadConnection[clients];
        var arrivals = new long[clients];
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        await using var caller = await LoadConnection.ConnectAsync(server, KeynoteServer.DatabaseName, confirmedReads: false).ConfigureAwait(false);
        try
        {
            // Connect and subscribe, a few at a time.
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var c = await LoadConnection.ConnectAsync(server, KeynoteServer.DatabaseName, confirmedReads, receiveBuffer: 4096).ConfigureAwait(false);
                    subscribers[i] = c;
                    await c.SubscribeAsync(1, 1, Query, stop.Token).ConfigureAwait(false);
                    var length = await c.ReceiveFrameAsync(stop.Token).ConfigureAwait(false);
                    var pos = 1;
                    if (WireSkip.Next(c.Received(length), ref pos, out _, out _) != WireSkip.SubscribeApplied)
                        throw new InvalidDataException("the subscription was not applied");
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);

            for (var i = 0; i < clients; i++)
            {
                var c = subscribers[i];
                var index = i;
                loops.Add(Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var length = await c.ReceiveFrameAsync(stop.Token).ConfigureAwait(false);
                        if (length == 0)
                            return;
                        var now = Stopwatch.GetTimestamp();
                        var body = c.Received(length);
                        var pos = 1;
                        while (pos < length)
                        {
                            if (WireSkip.Next(body, ref pos, out _, out _) != WireSkip.TransactionUpdate)
                                continue;
                            arrivals[index] = now;
                            if (Interlocked.Increment(ref arrived) == clients)
                                Volatile.Read(ref all).TrySetResult();
                        }
                    }
                }));
            }

            var samples = new List<double>();
            for (var round = 0; round < warmupRounds + rounds; round++)
            {
                Volatile.Write(ref all, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                Volatile.Write(ref arrived, 0);
                var sent = Stopwatch.GetTimestamp();
                await caller.SendTransferAsync((uint)round, 7, 8, stop.Token).ConfigureAwait(false);
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                var last = arrivals.Max();
                if (round >= warmupRounds)
                    samples.Add((last - sent) * 1000.0 / Stopwatch.Frequency);
                // The caller's own answer.
                await caller.ReceiveFrameAsync(stop.Token).ConfigureAwait(false);
            }
            samples.Sort();
            return (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(0.99 * samples.Count))], samples[^1]);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(loops).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
            }
            foreach (var c in subscribers)
            {
                if (c is not null)
                    await c.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
