using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Meridian.Client;
using VoiceApp.Data;

namespace VoiceApp.Hosting;

/// <summary>
/// The seed's sidecar: <c>meridian start</c> as a child process on a free port of 127.0.0.1 with the app's own data
/// directory. Started before the client connects, watched while the app runs (restarted on the same port when it
/// dies, so the client's automatic reconnect finds it again), stopped with SIGTERM when the app exits. Its process
/// id is kept in a file, so a sidecar left behind by a crashed app is stopped on the next start instead of holding
/// the data directory.
/// </summary>
public sealed class SidecarHost : IDatabaseHost
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly IReadOnlyList<string> _command;
    private readonly string _dataDirectory;
    private readonly string _pidFile;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Lock _gate = new();
    private Process? _process;
    private bool _stopping;
    private int _restarts;

    /// <param name="command">How to run the CLI: <c>["meridian"]</c>, or <c>["dotnet", ".../Meridian.Cli.dll"]</c>.</param>
    /// <param name="dataDirectory">The server's data directory (the app's own).</param>
    public SidecarHost(IReadOnlyList<string> command, string dataDirectory)
    {
        if (command.Count == 0)
            throw new ArgumentException("The command that runs the Meridian CLI is empty.", nameof(command));
        _command = command;
        _dataDirectory = Path.GetFullPath(dataDirectory);
        _pidFile = Path.Combine(Path.GetDirectoryName(_dataDirectory)!, "sidecar.pid");
        Port = FreeLoopbackPort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _http.BaseAddress = BaseAddress;
    }

    /// <summary>The port, chosen once: a restarted sidecar listens where the client reconnects.</summary>
    public int Port { get; }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>When false, a sidecar that dies is not started again (tests use it to keep the server down).</summary>
    public bool RestartWhenItDies { get; set; } = true;

    /// <summary>How long to wait before starting a sidecar that died.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many times the sidecar was started again after dying.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The sidecar's process id, while it runs.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
                return _process is { HasExited: false } p ? p.Id : null;
        }
    }

    /// <summary>Lines the sidecar wrote to stderr (its log), newest last.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
                return [.. _log];
        }
    }

    private readonly Queue<string> _log = new();

    /// <summary>Runs when the sidecar died and when it was started again; the string says what happened.</summary>
    public event Action<string>? StateChanged;

    /// <summary>Runs when the sidecar was started again after it died (the client may reconnect at once).</summary>
    public event Action? Restarted;

    /// <inheritdoc />
    public bool IsRunning => ProcessId is not null;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
                return;
            _stopping = false;
        }
        StopLeftover();
        Directory.CreateDirectory(Path.GetDirectoryName(_dataDirectory)!);
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in _command.Skip(1))
            start.ArgumentList.Add(arg);
        foreach (var arg in new[] { "start", "--listen-addr", $"127.0.0.1:{Port}", "--data-dir", _dataDirectory })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DatabaseUnavailableException($"Could not start {_command[0]}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DatabaseUnavailableException($"Could not start the database ({string.Join(' ', _command)}): {e.Message}", e);
        }
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("Meridian listening on ", StringComparison.Ordinal) == true)
                ready.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_log)
            {
                _log.Enqueue(e.Data);
                while (_log.Count > 200)
                    _log.Dequeue();
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new DatabaseUnavailableException(StartFailure(process)));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
            _process = process;

        try
        {
            await ready.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill(process);
            throw new DatabaseUnavailableException($"The database did not start within {StartTimeout.TotalSeconds:0} s.{LastLines()}");
        }
        catch (DatabaseUnavailableException)
        {
            lock (_gate)
                _process = null;
            throw;
        }
        await File.WriteAllTextAsync(_pidFile, $"{process.Id} {process.StartTime.ToUniversalTime():O}", cancellationToken).ConfigureAwait(false);
        process.Exited += (_, _) => _ = OnExitedAsync(process);
        if (process.HasExited)
            _ = OnExitedAsync(process);
    }

    private string StartFailure(Process process)
    {
        // The exit can be seen before the last stderr lines are read: only the parameterless WaitForExit waits for the
        // redirected streams to reach their end, so it follows once the process is known to have exited.
        if (process.WaitForExit(2000))
            process.WaitForExit();
        return $"The database stopped while starting (exit code {process.ExitCode}).{LastLines()}";
    }

    private string LastLines()
    {
        var lines = Log.Where(l => l.Length > 0).TakeLast(3).ToList();
        return lines.Count == 0 ? "" : " " + string.Join(" ", lines);
    }

    private async Task OnExitedAsync(Process process)
    {
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_process, process))
                return;
            _process = null;
        }
        StateChanged?.Invoke($"The database process exited (code {process.ExitCode}).");
        if (!RestartWhenItDies)
            return;
        // Restarted on the same port, with a short pause so a sidecar that dies at once does not spin.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await Task.Delay(RestartDelay * attempt).ConfigureAwait(false);
            lock (_gate)
            {
                if (_stopping || _process is not null)
                    return;
            }
            try
            {
                await LaunchAsync(CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _restarts);
                StateChanged?.Invoke("The database was started again.");
                Restarted?.Invoke();
                return;
            }
            catch (DatabaseUnavailableException e)
            {
                StateChanged?.Invoke($"Starting the database again failed: {e.Message}");
            }
        }
    }

    /// <summary>Kills the sidecar the way a crash would (SIGKILL); it is restarted when <see cref="RestartWhenItDies"/>.</summary>
    public void KillForTest()
    {
        Process? process;
        lock (_gate)
            process = _process;
        if (process is not null)
            Kill(process);
    }

    /// <summary>Stops the sidecar: SIGTERM (it closes its databases cleanly), then a kill after a timeout.</summary>
    public async Task StopAsync()
    {
        Process? process;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
            _process = null;
        }
        if (process is null)
            return;
        if (!process.HasExited)
        {
            if (!OperatingSystem.IsWindows() && NativeMethods.kill(process.Id, NativeMethods.SIGTERM) == 0)
            {
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Kill(process);
                }
            }
            else
            {
                Kill(process);
            }
        }
        process.Dispose();
        File.Delete(_pidFile);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    // A sidecar of a previous run that crashed would hold the data directory: stop it, if it is still that process.
    private void StopLeftover()
    {
        if (!File.Exists(_pidFile))
            return;
        var parts = File.ReadAllText(_pidFile).Split(' ');
        File.Delete(_pidFile);
        if (parts.Length != 2 || !int.TryParse(parts[0], out var pid))
            return;
        try
        {
            using var old = Process.GetProcessById(pid);
            if (old.StartTime.ToUniversalTime().ToString("O") == parts[1])
                Kill(old);
        }
        catch (ArgumentException)
        {
            // Not running any more.
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public async Task<string> NewIdentityAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri("/v1/identity", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return json["token"]!.GetValue<string>();
    }

    /// <inheritdoc />
    public async Task<bool> AcceptsTokenAsync(string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, "/v1/identity/websocket-token", token);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.Unauthorized;
    }

    /// <inheritdoc />
    public async Task<string?> DeployedModuleHashAsync(string database, string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"/v1/database/{database}", token);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return json["initial_program"]?.GetValue<string>();
    }

    /// <inheritdoc />
    public async Task PublishAsync(string database, byte[] image, string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, $"/v1/database/{database}", token);
        request.Content = new ByteArrayContent(image);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new PublishRefusedException(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public DbConnectionBuilder<DbConnection> Connect(DbConnectionBuilder<DbConnection> builder, string database) =>
        builder.WithUri(BaseAddress).WithDatabaseName(database);

    private static HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    private static partial class NativeMethods
    {
        public const int SIGTERM = 15;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int kill(int pid, int sig);
    }
}
