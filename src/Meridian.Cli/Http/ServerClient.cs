using Meridian.Cli.Config;
using Meridian.Client.Http;

namespace Meridian.Cli.Http;

/// <summary>
/// The CLI's side of talking to a server: the <see cref="MeridianHttpClient"/> of <c>Meridian.Client</c>
/// (which speaks the HTTP API) with the identity saved for that server in <c>cli.json</c>, created
/// there with <c>POST /v1/identity</c> and saved the first time. Also turns the client's
/// <see cref="MeridianHttpException"/> into one-line errors with hints (<see cref="Explain"/>).
/// </summary>
internal sealed class ServerClient : IDisposable
{
    /// <summary>How long one request may take (compiles and migrations on the server can be slow).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    private readonly MeridianHttpClient _api;
    private readonly CliConfig _config;
    private readonly TextWriter _log;
    private ServerCredentials? _credentials;
    private bool _credentialsAreNew;

    public ServerClient(string server, CliConfig config, TextWriter log)
    {
        _api = Create(server, null, RequestTimeout);
        _config = config;
        _log = log;
    }

    /// <summary>The normalised server URL, also the key of its token in the configuration.</summary>
    public string Server => _api.Server;

    /// <summary>A client of the API that uses this CLI's identity on the server (created and saved on first use).</summary>
    public async Task<MeridianHttpClient> ApiAsync(CancellationToken cancellationToken)
    {
        _api.Token = (await GetCredentialsAsync(cancellationToken)).Token;
        return _api;
    }

    /// <summary>
    /// A client of the same server with <paramref name="token"/> (none when null) and a 30 s timeout, for <c>server ping</c> and checking tokens.
    /// </summary>
    public MeridianHttpClient WithToken(string? token) => Create(Server, token, TimeSpan.FromSeconds(30));

    /// <summary>The identity and token this CLI uses on the server, created there on first use.</summary>
    public async Task<ServerCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (_credentials is not null)
            return _credentials;
        _credentials = _config.Find(Server);
        if (_credentials is not null)
            return _credentials;

        var created = await CreateIdentityAsync(cancellationToken);
        _credentials = new ServerCredentials(created.Identity, created.Token);
        _credentialsAreNew = true;
        _config.Set(Server, _credentials);
        _log.WriteLine($"Created identity {_credentials.Identity ?? "(unknown)"} on {Server}; its token is saved in {_config.Path}.");
        return _credentials;
    }

    /// <summary>Asks the server for a new identity (<c>POST /v1/identity</c>); saves nothing.</summary>
    public async Task<IdentityToken> CreateIdentityAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _api.CreateIdentityAsync(cancellationToken);
        }
        catch (MeridianHttpException e) when (e.Error is not (MeridianHttpError.Unreachable or MeridianHttpError.Timeout))
        {
            throw new CliException($"{Server} did not give this CLI an identity: {e.ServerMessage ?? e.Message}");
        }
    }

    /// <summary>The one-line error (and hint) for a failed request to this server.</summary>
    public CliException Explain(MeridianHttpException e) => e.Error switch
    {
        MeridianHttpError.Unreachable => new CliException(
            e.Message, "Is a Meridian server running there? Start one with `meridian start`, or pass another with -s URL."),
        MeridianHttpError.TokenRejected when _credentialsAreNew => new CliException($"{Server} rejected this CLI's token: {e.ServerMessage}"),
        MeridianHttpError.TokenRejected => new CliException(
            $"{Server} rejected this CLI's token: {e.ServerMessage}",
            $"The token saved for {Server} in {_config.Path} was probably issued by another server (or this server's keys changed). "
            + $"Run `meridian logout -s {Server}` to forget it; the next command creates a new identity."),
        MeridianHttpError.CallFailed => new CliException($"the reducer failed: {e.ServerMessage}"),
        _ => new CliException(e.Message),
    };

    public void Dispose() => _api.Dispose();

    private static MeridianHttpClient Create(string server, string? token, TimeSpan timeout) => new(new MeridianHttpClientOptions
    {
        Server = server,
        Token = token,
        RequestTimeout = timeout,
        UserAgent = "meridian-cli",
    });
}
