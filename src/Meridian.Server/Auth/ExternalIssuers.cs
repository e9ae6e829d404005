using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meridian.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Meridian.Server.Auth;

/// <summary>
/// Validates tokens from the external OpenID Connect issuers the operator trusts (protocol.md §7.2, step 2): reads
/// each issuer's discovery document and JWKS, caches them, fetches them again when a token names a key the cache
/// lacks (key rotation, at most once per <see cref="IdentityProviderOptions.MinimumKeyRefreshInterval"/>), and
/// checks signature, lifetime (with clock skew) and, when configured, audience with Microsoft.IdentityModel.
/// </summary>
public sealed class ExternalIssuers : IDisposable
{
    private readonly Dictionary<string, IssuerState> _issuers = new(StringComparer.Ordinal);
    private readonly IdentityProviderOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Trusts the issuers in <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An issuer is not an absolute http(s) URL, or needs HTTPS and is not.</exception>
    public ExternalIssuers(IdentityProviderOptions options, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _http = new HttpClient { Timeout = options.FetchTimeout };
        foreach (var issuer in options.Issuers)
        {
            if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new ArgumentException($"Trusted issuer '{issuer.Issuer}' is not an absolute http(s) URL.", nameof(options));
            var allowHttp = issuer.AllowHttp || uri.IsLoopback;
            if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
                throw new ArgumentException(
                    $"Trusted issuer '{issuer.Issuer}' uses plain HTTP; use HTTPS or set allow_http for it (loopback issuers are always allowed).",
                    nameof(options));
            var retriever = new HttpDocumentRetriever(_http) { RequireHttps = !allowHttp };
            _issuers[Normalize(issuer.Issuer)] = new IssuerState(issuer, retriever);
        }
    }

    /// <summary>The trusted issuers.</summary>
    public IEnumerable<TrustedIssuer> Trusted => _issuers.Values.Select(s => s.Config);

    /// <summary>True when tokens from <paramref name="issuer"/> are validated here (a trailing slash does not matter).</summary>
    public bool IsTrusted(string issuer) => _issuers.ContainsKey(Normalize(issuer));

    /// <summary>Validates <paramref name="token"/>, whose <c>iss</c> is <paramref name="issuer"/>, against that issuer's keys.</summary>
    /// <exception cref="TokenException">The token is not valid, or the issuer is not trusted or cannot be reached.</exception>
    public async Task<(TokenClaims Claims, JsonObject Extra)> ValidateAsync(string token, string issuer, CancellationToken cancellation = default)
    {
        if (!_issuers.TryGetValue(Normalize(issuer), out var state))
            throw NotTrusted(issuer);
        var configuration = await GetConfigurationAsync(state, forceRefresh: false, cancellation).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, Parameters(state, issuer, configuration)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException)
        {
            // The issuer may have rotated its keys since they were cached: fetch them again (rate limited) and retry once.
            var refreshed = await GetConfigurationAsync(state, forceRefresh: true, cancellation).ConfigureAwait(false);
            if (!ReferenceEquals(refreshed, configuration))
                result = await _handler.ValidateTokenAsync(token, Parameters(state, issuer, refreshed)).ConfigureAwait(false);
        }
        if (!result.IsValid)
            throw Explain(result.Exception, state.Config);
        var jwt = (JsonWebToken)result.SecurityToken;
        return ReadClaims(jwt, issuer);
    }

    /// <summary>The error for a token from an issuer that is not trusted.</summary>
    internal TokenException NotTrusted(string issuer) => new(
        _issuers.Count == 0
            ? $"Authorization failed: token issued by '{issuer}', and this server trusts no external issuers (it accepts only tokens it signed)."
            : $"Authorization failed: tokens issued by '{issuer}' are not accepted here; the trusted issuers are "
              + string.Join(", ", _issuers.Values.Select(s => $"'{s.Config.Issuer}'")) + ".",
        malformed: false);

    private TokenValidationParameters Parameters(IssuerState state, string issuer, OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = issuer,
        ValidateAudience = state.Config.Audiences.Count > 0,
        ValidAudiences = state.Config.Audiences,
        IssuerSigningKeys = configuration.SigningKeys,
        TryAllIssuerSigningKeys = true,
        ValidateLifetime = true,
        // Upstream checks exp only when present (protocol.md §7.2).
        RequireExpirationTime = false,
        ClockSkew = _options.ClockSkew,
        LifetimeValidator = CheckLifetime,
    };

    // The library's own lifetime check reads the system clock; this one reads the server's (tests move it).
    private bool CheckLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (expires is { } exp && exp != DateTime.MaxValue && exp < now - _options.ClockSkew)
            throw new SecurityTokenExpiredException("Token has expired.") { Expires = exp };
        if (notBefore is { } nbf && nbf != DateTime.MinValue && nbf > now + _options.ClockSkew)
            throw new SecurityTokenNotYetValidException("Token is not valid yet.") { NotBefore = nbf };
        return true;
    }

    private async Task<OpenIdConnectConfiguration> GetConfigurationAsync(IssuerState state, bool forceRefresh, CancellationToken cancellation)
    {
        var current = state.Current;
        if (!forceRefresh && current is not null && _clock.GetUtcNow() - state.FetchedAt < _options.KeyCacheDuration)
            return current;
        var seenGeneration = state.Generation;
        await state.Lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var now = _clock.GetUtcNow();
            current = state.Current;
            if (current is not null)
            {
                // Another request fetched while this one waited: use what it got.
                if (state.Generation != seenGeneration)
                    return current;
                // Fetches for unknown keys are rate limited, so tokens with made-up key ids cannot hammer the issuer.
                if (forceRefresh ? now - state.LastForcedRefresh < _options.MinimumKeyRefreshInterval : now - state.FetchedAt < _options.KeyCacheDuration)
                    return current;
            }
            if (forceRefresh)
                state.LastForcedRefresh = now;
            var address = Normalize(state.Config.Issuer) + "/.well-known/openid-configuration";
            OpenIdConnectConfiguration fetched;
            try
            {
                fetched = await OpenIdConnectConfigurationRetriever.GetAsync(address, state.Retriever, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                var reason = Innermost(e);
                if (current is not null)
                {
                    // Keep serving with the keys we have (last known good); try again after the minimum interval.
                    _logger.IssuerKeysRefreshFailed(state.Config.Issuer, reason);
                    state.FetchedAt = now - _options.KeyCacheDuration + _options.MinimumKeyRefreshInterval;
                    return current;
                }
                _logger.IssuerKeysUnavailable(state.Config.Issuer, reason);
                throw new TokenException($"Authorization failed: could not read the keys of issuer '{state.Config.Issuer}' ({reason}).", malformed: false);
            }
            if (fetched.Issuer is { Length: > 0 } named && Normalize(named) != Normalize(state.Config.Issuer))
                throw new TokenException(
                    $"Authorization failed: the discovery document of '{state.Config.Issuer}' names a different issuer, '{named}'.", malformed: false);
            state.Current = fetched;
            state.FetchedAt = now;
            state.Generation++;
            return fetched;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private static TokenException Explain(Exception? error, TrustedIssuer issuer) => error switch
    {
        SecurityTokenExpiredException => new TokenException("Token has expired.", malformed: false),
        SecurityTokenNotYetValidException => new TokenException("Token is not valid yet (its nbf is in the future).", malformed: false),
        SecurityTokenInvalidAudienceException => new TokenException(
            $"Token audience is not accepted: issuer '{issuer.Issuer}' is trusted for audience "
            + string.Join(", ", issuer.Audiences.Select(a => $"'{a}'")) + " only.", malformed: false),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => new TokenException(
            $"Authorization failed: the token's signature matches no current key of issuer '{issuer.Issuer}'.", malformed: false),
        SecurityTokenInvalidAlgorithmException => new TokenException(
            "Authorization failed: the token's signing algorithm is not accepted.", malformed: false),
        SecurityTokenMalformedException => new TokenException("Malformed token.", malformed: true),
        _ => new TokenException(
            $"Authorization failed: the token from issuer '{issuer.Issuer}' is not valid ({error?.GetType().Name ?? "unknown reason"}).", malformed: false),
    };

    private static (TokenClaims, JsonObject) ReadClaims(JsonWebToken jwt, string issuer)
    {
        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)) as JsonObject
                ?? throw new TokenException("Malformed token: the payload is not an object.", malformed: true);
        }
        catch (JsonException e)
        {
            throw new TokenException($"Malformed token: {e.Message}", malformed: true);
        }
        var subject = payload["sub"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : "";
        if (subject.Length == 0 || Encoding.UTF8.GetByteCount(subject) > TokenService.MaxClaimBytes)
            throw new TokenException($"Token claim \"sub\" must be 1 to {TokenService.MaxClaimBytes} bytes.", malformed: false);
        if (Encoding.UTF8.GetByteCount(issuer) > TokenService.MaxClaimBytes)
            throw new TokenException($"Token claim \"iss\" must be 1 to {TokenService.MaxClaimBytes} bytes.", malformed: false);
        var audience = jwt.Audiences.ToList();
        var iat = payload["iat"] is JsonValue iv && iv.TryGetValue<long>(out var i) ? i : 0;
        long? exp = payload["exp"] is JsonValue ev && ev.TryGetValue<long>(out var x) ? x : null;
        var claims = new TokenClaims(issuer, subject, audience, iat, exp);
        if (payload["hex_identity"] is JsonValue hv && hv.GetValueKind() == JsonValueKind.String
            && !string.Equals(hv.GetValue<string>(), claims.Identity.ToHexString(), StringComparison.OrdinalIgnoreCase))
            throw new TokenException("Token's hex_identity does not match its issuer and subject.", malformed: false);
        var extra = new JsonObject();
        foreach (var (name, value) in payload)
        {
            if (name is not ("hex_identity" or "sub" or "iss" or "aud" or "iat" or "exp"))
                extra[name] = value?.DeepClone();
        }
        return (claims, extra);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e.Message;
    }

    private static string Normalize(string issuer) => issuer.TrimEnd('/');

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        foreach (var state in _issuers.Values)
            state.Lock.Dispose();
    }

    private sealed class IssuerState(TrustedIssuer config, HttpDocumentRetriever retriever)
    {
        public TrustedIssuer Config { get; } = config;

        public HttpDocumentRetriever Retriever { get; } = retriever;

        public SemaphoreSlim Lock { get; } = new(1, 1);

        public OpenIdConnectConfiguration? Current { get; set; }

        public DateTimeOffset FetchedAt { get; set; }

        public DateTimeOffset LastForcedRefresh { get; set; } = DateTimeOffset.MinValue;

        public int Generation { get; set; }
    }
}
