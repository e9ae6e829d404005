using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meridian.Server.Tests.Auth;

/// <summary>
/// A minimal OpenID Connect issuer on loopback (Kestrel, port 0): a discovery document and a JWKS of RSA keys,
/// which <see cref="Rotate"/> replaces. Counts the fetches so tests can see the server's caching.
/// </summary>
internal sealed class LocalOidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<(string Kid, RSA Key)> _retired = [];
    private (string Kid, RSA Key) _current;
    private int _discoveryFetches;
    private int _jwksFetches;

    private LocalOidcIssuer(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
        _current = NewKey();
    }

    public string Issuer { get; }

    public int DiscoveryFetches => Volatile.Read(ref _discoveryFetches);

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>When set, the JWKS still lists the keys <see cref="Rotate"/> retired.</summary>
    public bool KeepRetiredKeys { get; set; }

    public static async Task<LocalOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        LocalOidcIssuer? self = null;
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref self!._discoveryFetches);
            return Results.Json(new JsonObject
            {
                ["issuer"] = self.Issuer,
                ["jwks_uri"] = self.Issuer + "/jwks",
                ["authorization_endpoint"] = self.Issuer + "/authorize",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            });
        });
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref self!._jwksFetches);
            return Results.Json(self.Jwks());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new LocalOidcIssuer(app, address.TrimEnd('/'));
        return self;
    }

    /// <summary>Publishes a new signing key and stops signing with (and, unless kept, publishing) the old one.</summary>
    public void Rotate()
    {
        lock (_gate)
        {
            _retired.Add(_current);
            _current = NewKey();
        }
    }

    /// <summary>A token signed with the current key (or <paramref name="key"/>), with the given claims.</summary>
    public string Mint(
        string subject,
        object? audience = null,
        DateTimeOffset? expires = null,
        DateTimeOffset? notBefore = null,
        string? issuer = null,
        (string Kid, RSA Key)? key = null,
        IDictionary<string, object>? extra = null)
    {
        (string Kid, RSA Key) signing;
        lock (_gate)
            signing = key ?? _current;
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? Issuer,
            ["sub"] = subject,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (expires ?? now.AddHours(1)).ToUnixTimeSeconds(),
        };
        if (audience is not null)
            claims["aud"] = audience;
        if (notBefore is { } nbf)
            claims["nbf"] = nbf.ToUnixTimeSeconds();
        foreach (var (name, value) in extra ?? new Dictionary<string, object>())
            claims[name] = value;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signing.Key) { KeyId = signing.Kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A key pair the issuer never publishes (for forged tokens).</summary>
    public static (string Kid, RSA Key) NewKey() => (Guid.NewGuid().ToString("N")[..12], RSA.Create(2048));

    private JsonObject Jwks()
    {
        var keys = new JsonArray();
        lock (_gate)
        {
            foreach (var (kid, key) in KeepRetiredKeys ? [.. _retired, _current] : new[] { _current })
            {
                var p = key.ExportParameters(includePrivateParameters: false);
                keys.Add(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = kid,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                });
            }
        }
        return new JsonObject { ["keys"] = keys };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _current.Key.Dispose();
        foreach (var (_, key) in _retired)
            key.Dispose();
    }
}
