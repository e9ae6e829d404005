using System.Diagnostics;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// Fan-out: many clients subscribed to the same query; one reducer call changes a row it matches; the
/// figure is the time from sending the call until the last client has received its update.
/// </summary>
internal static class FanOut
{
    public const string Query = "SELECT * FROM accounts WHERE id = 7";

    /// <summary>What one fan-out measurement saw.</summary>
    /// <param name="FirstP50Ms">Median time until the first subscriber had its update.</param>
    /// <param name="LoadGeneratorCpuMicrosPerUpdate">
    /// This process's CPU time per update received during the rounds; with the server in another process this is the load
    /// generator's own cost (receiving and walking one update), otherwise server and load generator together.
    /// </param>
    public sealed record Outcome(double P50Ms, double P99Ms, double MaxMs, double FirstP50Ms, double LoadGeneratorCpuMicrosPerUpdate);

    public static async Task<Outcome> RunAsync(Uri server, int clients, int warmupRounds, int rounds, bool confirmedReads)
    {
        var subscribers = new RawSubscriber[clients];
        var arrivals = new long[clients];
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        EpollReceiver? receiver = null;
        await using var caller = await LoadConnection.ConnectAsync(server, KeynoteServer.DatabaseName, confirmedReads: false).ConfigureAwait(false);
        try
        {
            // Connect and subscribe, a few at a time (blocking calls: see RawSubscriber.Connect).
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await Task.Run(() =>
                    {
                        var c = RawSubscriber.Connect(server, KeynoteServer.DatabaseName, confirmedReads);
                        subscribers[i] = c;
                        c.Subscribe(1, 1, Query);
                        var message = c.ReceiveMessage();
                        var pos = 1;
                        if (message.Length < 2 || WireSkip.Next(message, ref pos, out _, out _) != WireSkip.SubscribeApplied)
                            throw new InvalidDataException("the subscription was not applied");
                    }).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);

            // An update's arrival is the moment its bytes were read; the message tags are walked, nothing decoded.
            void Received(int index, RawSubscriber c, long now)
            {
                var message = c.Message;
                var pos = 1;
                while (pos < message.Length)
                {
                    if (WireSkip.Next(message, ref pos, out _, out _) != WireSkip.TransactionUpdate)
                        continue;
                    arrivals[index] = now;
                    if (Interlocked.Increment(ref arrived) == clients)
                        Volatile.Read(ref all).TrySetResult();
                }
            }
            if (EpollReceiver.IsSupported)
            {
                // One thread reads every subscriber (see EpollReceiver): the load generator's least cost per update.
                receiver = new EpollReceiver((index, c) => Received(index, c, Stopwatch.GetTimestamp()));
                foreach (var c in subscribers)
                    receiver.Add(c);
                receiver.Start();
            }
            else
            {
                // Elsewhere one async receive loop per subscriber on the thread pool.
                for (var i = 0; i < clients; i++)
                {
                    var c = subscribers[i];
                    var index = i;
                    loops.Add(Task.Run(async () =>
                    {
                        while (!stop.IsCancellationRequested)
                        {
                            var message = await c.ReceiveMessageAsync(stop.Token).ConfigureAwait(false);
                            if (message.Length == 0)
                                return;
                            Received(index, c, Stopwatch.GetTimestamp());
                        }
                    }));
                }
            }

            var samples = new List<double>();
            var firsts = new List<double>();
            var cpu = TimeSpan.Zero;
            for (var round = 0; round < warmupRounds + rounds; round++)
            {
                Volatile.Write(ref all, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                Volatile.Write(ref arrived, 0);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var sent = Stopwatch.GetTimestamp();
                await caller.SendTransferAsync((uint)round, 7, 8, stop.Token).ConfigureAwait(false);
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                if (round >= warmupRounds)
                {
                    cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                    samples.Add((arrivals.Max() - sent) * 1000.0 / Stopwatch.Frequency);
                    firsts.Add((arrivals.Min() - sent) * 1000.0 / Stopwatch.Frequency);
                }
                // The caller's own answer.
                await caller.ReceiveFrameAsync(stop.Token).ConfigureAwait(false);
            }
            samples.Sort();
            firsts.Sort();
            return new Outcome(
                samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(0.99 * samples.Count))], samples[^1],
                firsts[firsts.Count / 2], cpu.TotalMicroseconds / ((double)rounds * clients));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            receiver?.Dispose();
            foreach (var c in subscribers)
                c?.Dispose();
            try
            {
                await Task.WhenAll(loops).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
