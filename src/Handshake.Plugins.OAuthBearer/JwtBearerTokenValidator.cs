using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// Validates JWT access tokens locally (no network): signature against configured keys, issuer,
/// audience and lifetime on the verifier's clock, then maps <see cref="JwtBearerValidationOptions.UserClaim"/>
/// to the user. Built on Microsoft.IdentityModel.JsonWebTokens; its messages are never passed on (they may
/// quote the token): refusals carry a fixed, log-safe reason.
/// </summary>
public sealed class JwtBearerTokenValidator : IOAuthBearerTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly JwtBearerValidationOptions _options;
    private readonly List<SecurityKey> _keys;

    /// <summary>Creates a validator; the keys are read once, here.</summary>
    /// <param name="options">The validation settings.</param>
    /// <exception cref="ArgumentException">The options name no issuer, audience or signing key, or a key does not parse.</exception>
    public JwtBearerTokenValidator(JwtBearerValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = Check(options);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _options = options;
        _keys = LoadKeys(options);
    }

    /// <inheritdoc />
    public async ValueTask<OAuthBearerValidationResult> ValidateAsync(OAuthBearerValidationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = [.. Issuers()],
            ValidateAudience = true,
            ValidAudiences = [.. Audiences()],
            ValidateLifetime = true,
            RequireExpirationTime = true,
            // On the verifier's clock (VerifierContext.Time), so a server's tests and its fleet agree on "now".
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, request.Context.Time.GetUtcNow().UtcDateTime),
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = _keys,
            ClockSkew = _options.ClockSkew,
            ValidAlgorithms = _options.ValidAlgorithms.Count > 0 ? [.. _options.ValidAlgorithms] : null,
            NameClaimType = _options.UserClaim,
            LogValidationExceptions = false,
        };

        var result = await _handler.ValidateTokenAsync(request.Token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return OAuthBearerValidationResult.Invalid(Describe(result.Exception));
        }

        if (result.SecurityToken is not JsonWebToken jwt)
        {
            return OAuthBearerValidationResult.Invalid("the token is not a JWS");
        }

        if (!jwt.TryGetPayloadValue<string>(_options.UserClaim, out var user) || string.IsNullOrEmpty(user))
        {
            return OAuthBearerValidationResult.Invalid($"the token has no string '{_options.UserClaim}' claim naming the user");
        }

        if (_options.RequiredScope is { } required && !HasScope(jwt, required))
        {
            return OAuthBearerValidationResult.Invalid($"the token lacks the scope '{required}'", OAuthBearerMechanism.InsufficientScopeStatus, required);
        }

        return OAuthBearerValidationResult.Valid(user);
    }

    /// <summary>Checks the settings; null when they are complete.</summary>
    internal static string? Check(JwtBearerValidationOptions options)
    {
        if (string.IsNullOrEmpty(options.Issuer) && options.ValidIssuers.Count == 0)
        {
            return "JwtBearerValidationOptions needs an Issuer (or ValidIssuers): a token from any issuer would otherwise pass.";
        }

        if (string.IsNullOrEmpty(options.Audience) && options.ValidAudiences.Count == 0)
        {
            return "JwtBearerValidationOptions needs an Audience (or ValidAudiences): a token issued for another service would otherwise pass.";
        }

        if (string.IsNullOrEmpty(options.JsonWebKeySet) && options.SigningKeyPems.Count == 0 && options.SigningKeys.Count == 0)
        {
            return "JwtBearerValidationOptions needs signing keys: JsonWebKeySet, SigningKeyPems or SigningKeys.";
        }

        if (string.IsNullOrEmpty(options.UserClaim))
        {
            return "JwtBearerValidationOptions.UserClaim must name a claim (default 'sub').";
        }

        if (options.ValidAlgorithms.Any(a => string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)))
        {
            return "JwtBearerValidationOptions.ValidAlgorithms must not contain 'none': unsigned tokens are never accepted.";
        }

        return options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10)
            ? "JwtBearerValidationOptions.ClockSkew must be between 0 and 10 minutes."
            : null;
    }

    private static List<SecurityKey> LoadKeys(JwtBearerValidationOptions options)
    {
        var keys = new List<SecurityKey>(options.SigningKeys);
        if (!string.IsNullOrEmpty(options.JsonWebKeySet))
        {
            try
            {
                keys.AddRange(new JsonWebKeySet(options.JsonWebKeySet).GetSigningKeys());
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"JwtBearerValidationOptions.JsonWebKeySet is not a JWK Set ({ex.GetType().Name}).", nameof(options), ex);
            }
        }

        foreach (var pem in options.SigningKeyPems)
        {
            keys.Add(ImportPem(pem));
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("JwtBearerValidationOptions yields no signing key (the JWK Set has no signing keys).", nameof(options));
        }

        return keys;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The key lives as long as the validator (a singleton), inside its SecurityKey.")]
    private static SecurityKey ImportPem(string pem)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new ArgumentException("JwtBearerValidationOptions.SigningKeyPems takes public keys only (PUBLIC KEY); a server never needs the issuer's private key.", nameof(pem));
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            throw new ArgumentException("A JwtBearerValidationOptions.SigningKeyPems entry is neither an RSA nor an EC public key in PEM.", nameof(pem), ex);
        }
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "the token expired",
        SecurityTokenNotYetValidException => "the token is not valid yet (nbf)",
        SecurityTokenNoExpirationException => "the token has no expiry (exp)",
        SecurityTokenInvalidLifetimeException => "the token's lifetime is invalid",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not this server",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed by an unknown key",
        SecurityTokenInvalidSignatureException => "the token's signature did not verify",
        SecurityTokenInvalidAlgorithmException => "the token's signature algorithm is not accepted",
        SecurityTokenMalformedException => "the token is not a well-formed JWT",
        null => "the token did not validate",
        _ => $"the token did not validate ({ex.GetType().Name})",
    };

    /// <summary>RFC 7519 §4.1.4 and §4.1.5: <c>exp</c> required and in the future, <c>nbf</c> (when present) in the past, both within the skew.</summary>
    private bool CheckLifetime(DateTime? notBefore, DateTime? expires, DateTime now)
    {
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException();
        }

        if (exp.Add(_options.ClockSkew) <= now)
        {
            throw new SecurityTokenExpiredException();
        }

        return notBefore is not { } nbf || nbf.Subtract(_options.ClockSkew) <= now ? true : throw new SecurityTokenNotYetValidException();
    }

    private static bool HasScope(JsonWebToken jwt, string required)
    {
        if (jwt.TryGetPayloadValue<string>("scope", out var scope) && scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(required, StringComparer.Ordinal))
        {
            return true;
        }

        if (jwt.TryGetPayloadValue<string>("scp", out var scp) && scp.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(required, StringComparer.Ordinal))
        {
            return true;
        }

        return jwt.TryGetPayloadValue<string[]>("scp", out var scopes) && scopes.Contains(required, StringComparer.Ordinal);
    }

    private IEnumerable<string> Issuers() => string.IsNullOrEmpty(_options.Issuer) ? _options.ValidIssuers : [_options.Issuer, .. _options.ValidIssuers];

    private IEnumerable<string> Audiences() => string.IsNullOrEmpty(_options.Audience) ? _options.ValidAudiences : [_options.Audience, .. _options.ValidAudiences];
}
