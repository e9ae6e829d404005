using Meridian.Cli.Config;
using Meridian.Cli.Http;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli;

/// <summary>What every command gets: the environment, the configuration and a way to reach a server.</summary>
internal sealed class CliContext(CliEnvironment environment)
{
    // The client of the running command, which explains its failed requests (with the saved token's story).
    private Func<MeridianHttpException, CliException>? _explain;

    public CliEnvironment Environment { get; } = environment;

    public TextWriter Out => Environment.Out;

    public TextWriter Error => Environment.Error;

    /// <summary>Reads <c>cli.json</c> afresh (another command may have changed it).</summary>
    public CliConfig LoadConfig() => CliConfig.Load(Environment.ConfigDirectory);

    /// <summary>A client for <paramref name="server"/> as typed after <c>-s</c> (a URL or nickname; null: the default server).</summary>
    public ServerClient Connect(string? server)
    {
        var config = LoadConfig();
        var client = new ServerClient(config.ResolveServer(server), config, Error);
        _explain = client.Explain;
        return client;
    }

    /// <summary>
    /// A reporter of a transfer's progress on stderr, redrawn at a terminal and plain lines elsewhere
    /// (<see cref="CliEnvironment.RedrawsProgress"/>); <paramref name="waiting"/> says what the server does meanwhile.
    /// </summary>
    public ProgressReporter Progress(string waiting) => new(Error, waiting, Environment.RedrawsProgress, Environment.Clock);

    /// <summary>
    /// Runs a command body, turning <see cref="CliException"/> (and a failed request) into <c>error: …</c>
    /// on stderr and its exit code; Ctrl+C exits with 130.
    /// </summary>
    public async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                return await body(cancellationToken);
            }
            catch (MeridianHttpException e)
            {
                throw _explain?.Invoke(e) ?? new CliException(e.Message);
            }
        }
        catch (CliException e)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            if (e.Hint is not null)
                await Error.WriteLineAsync($"hint: {e.Hint}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
