namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// Checks a bearer token for the OAUTHBEARER verifier and names the user it vouches for (a JWT
/// validator, an RFC 7662 introspection client, a test double). <see cref="JwtBearerTokenValidator"/>
/// is the implementation this package ships.
/// </summary>
public interface IOAuthBearerTokenValidator
{
    /// <summary>Validates a token.</summary>
    /// <param name="request">The token and what came with it.</param>
    /// <param name="cancellationToken">Cancelled when the handshake's deadline passes.</param>
    /// <returns>The user, or why the token was refused. Exceptions count as an <c>invalid_token</c> refusal.</returns>
    ValueTask<OAuthBearerValidationResult> ValidateAsync(OAuthBearerValidationRequest request, CancellationToken cancellationToken);
}
