using System.Diagnostics;
using System.Reflection;
using DurabilityMode = Meridian.Runtime.Hosting.Durability;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// Where the benchmark's server runs: in this process (it then shares the GC and thread pool with the load generator),
/// or in a child process of its own (<c>--server-process</c>: this program run as <c>serve-keynote sync|async</c>),
/// whose CPU time is then measured apart from the load generator's.
/// </summary>
internal abstract class KeynoteHost : IAsyncDisposable
{
    public abstract Uri Address { get; }

    /// <summary>The server process's CPU time so far, or null when the server runs in this process.</summary>
    public abstract TimeSpan? ServerCpu();

    public abstract ValueTask DisposeAsync();

    public static async Task<KeynoteHost> StartAsync(bool separateProcess, DurabilityMode durability, int accounts, long initialBalance)
    {
        if (!separateProcess)
            return new InProcess(await KeynoteServer.StartAsync(durability, accounts, initialBalance).ConfigureAwait(false));
        return await ChildProcess.StartAsync(durability, accounts, initialBalance).ConfigureAwait(false);
    }

    /// <summary>The child's side: starts the server, prints its address, and stops when standard input closes.</summary>
    public static int Serve(string mode, int accounts, long initialBalance)
    {
        var durability = mode switch
        {
            "sync" => DurabilityMode.Sync,
            "async" => DurabilityMode.Async,
            _ => throw new ArgumentException($"serve-keynote: durability must be sync or async, not '{mode}'"),
        };
        var server = KeynoteServer.StartAsync(durability, accounts, initialBalance).GetAwaiter().GetResult();
        Console.Out.WriteLine("listening " + server.Address);
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
        }
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }

    private sealed class InProcess(KeynoteServer server) : KeynoteHost
    {
        public override Uri Address => server.Address;

        public override TimeSpan? ServerCpu() => null;

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    private sealed class ChildProcess(Process process, Uri address) : KeynoteHost
    {
        public override Uri Address => address;

        public override TimeSpan? ServerCpu()
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }

        public static async Task<KeynoteHost> StartAsync(DurabilityMode durability, int accounts, long initialBalance)
        {
            var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
            var info = new ProcessStartInfo(host)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            // Run as 'dotnet Meridian.Benchmarks.dll' rather than through the apphost: the same assembly either way.
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
                info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
            info.ArgumentList.Add("serve-keynote");
            info.ArgumentList.Add(durability == DurabilityMode.Sync ? "sync" : "async");
            info.ArgumentList.Add(accounts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(initialBalance.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server process");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null)
                    throw new InvalidOperationException($"the server process exited before listening (exit code {process.ExitCode})");
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                    return new ChildProcess(process, new Uri(line["listening ".Length..]));
            }
        }

        public override async ValueTask DisposeAsync()
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }
}
