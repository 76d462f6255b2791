namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// The server verifier "OAUTHBEARER": offered only over TLS (or a trusted local socket) unless configured
/// otherwise; the token's validator names the user.
/// </summary>
internal sealed class OAuthBearerVerifier(OAuthBearerVerifierOptions options, IOAuthBearerTokenValidator? registeredValidator) : IAuthVerifier
{
    public string Name => OAuthBearerPluginNames.OAuthBearer;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(transport) ? [OAuthBearerPluginNames.OAuthBearer] : [];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var validator = options.TokenValidator ?? registeredValidator ?? throw new HandshakeException(
            AuthErrorCode.PluginFailure,
            "OAUTHBEARER has no token validator: set OAuthBearerVerifierOptions.TokenValidator or register one (AddOAuthBearerJwtValidation).",
            OAuthBearerPluginNames.OAuthBearer,
            context.FactorIndex);
        return new OAuthBearerServerExchange(context, options, validator, IsAllowed(context.Transport));
    }

    private bool IsAllowed(TransportSecurity transport) => transport.IsConfidential || options.AllowInsecureTransport;
}
