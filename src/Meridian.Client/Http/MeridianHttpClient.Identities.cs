using System.Net;
using System.Text.Json;

namespace Meridian.Client.Http;

public sealed partial class MeridianHttpClient
{
    /// <summary>Asks the server for a new identity and its token (<c>POST /v1/identity</c>). Sets nothing: assign <see cref="Token"/> to use it.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public async Task<IdentityToken> CreateIdentityAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, "v1/identity", null, token: null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            var error = response.ToException(Server);
            throw new MeridianHttpException(
                error.Error, $"{Server} did not give an identity: {response.Message}", Server, response.Status, response.Message);
        }
        return ParseJson(response, "POST /v1/identity", root =>
        {
            var token = root.GetProperty("token").GetString();
            var identity = root.GetProperty("identity").GetString();
            return string.IsNullOrEmpty(token) || string.IsNullOrEmpty(identity)
                ? throw new FormatException("no token")
                : new IdentityToken(identity!, token!);
        });
    }

    /// <summary>
    /// Checks that the server answers and, when there is a <see cref="Token"/>, that it accepts it
    /// (<c>GET /v1/ping</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">
    /// The server is unreachable, or refuses the token (<see cref="MeridianHttpError.TokenRejected"/>, <see cref="MeridianHttpError.BadRequest"/>).
    /// </exception>
    public async Task PingAsync(CancellationToken cancellationToken = default) =>
        await RequestAsync(HttpMethod.Get, "v1/ping", null, cancellationToken).ConfigureAwait(false);

    /// <summary>Whether <see cref="Token"/> proves <paramref name="identity"/> (<c>GET /v1/identity/:identity/verify</c>).</summary>
    /// <param name="identity">The identity, 64 hexadecimal digits.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when it does; false when the token is valid but belongs to another identity.</returns>
    /// <exception cref="MeridianHttpException">The server does not accept the token at all, or the request failed.</exception>
    public async Task<bool> VerifyIdentityAsync(string identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var response = await SendAsync(HttpMethod.Get, $"v1/identity/{Uri.EscapeDataString(identity)}/verify", null, Token, cancellationToken)
            .ConfigureAwait(false);
        if (response.IsSuccess)
            return true;
        if (response.Status == HttpStatusCode.BadRequest && response.Body.Contains("does not belong", StringComparison.Ordinal))
            return false;
        throw response.ToException(Server);
    }

    /// <summary>The databases <paramref name="ownerIdentity"/> owns (<c>GET /v1/identity/:identity/databases</c>).</summary>
    /// <param name="ownerIdentity">The owner, 64 hexadecimal digits.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MeridianHttpException">The request failed.</exception>
    public async Task<IReadOnlyList<DatabaseListing>> ListDatabasesAsync(string ownerIdentity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ownerIdentity);
        var response = await RequestAsync(HttpMethod.Get, $"v1/identity/{Uri.EscapeDataString(ownerIdentity)}/databases", null, cancellationToken)
            .ConfigureAwait(false);
        return ParseJson(response, "the database list", root =>
        {
            var list = new List<DatabaseListing>();
            if (root.TryGetProperty("databases", out var databases) && databases.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in databases.EnumerateArray())
                    list.Add(new DatabaseListing(d.GetProperty("name").GetString(), d.GetProperty("identity").GetString() ?? ""));
            }
            else if (root.TryGetProperty("identities", out var identities) && identities.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in identities.EnumerateArray())
                    list.Add(new DatabaseListing(null, d.GetString() ?? ""));
            }
            else
            {
                throw new FormatException("no list");
            }
            return (IReadOnlyList<DatabaseListing>)list;
        });
    }
}
