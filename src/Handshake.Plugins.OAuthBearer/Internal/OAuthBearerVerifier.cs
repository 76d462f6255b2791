using Microsoft.Extensions.Options;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// The server verifier "OAUTHBEARER" under its registration's name: offered only over TLS (or a trusted
/// local socket) unless configured otherwise; the token's validator names the user. The options of its
/// name are read for each offer and exchange.
/// </summary>
internal sealed class OAuthBearerVerifier(string name, IOptionsMonitor<OAuthBearerVerifierOptions> options, IOAuthBearerTokenValidator? registeredValidator) : IAuthVerifier
{
    public string Name => name;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(options.Get(name), transport) ? [name] : [];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = options.Get(name);
        var validator = current.TokenValidator ?? registeredValidator ?? throw new HandshakeException(
            AuthErrorCode.PluginFailure,
            "OAUTHBEARER has no token validator: set OAuthBearerVerifierOptions.TokenValidator or register one (AddOAuthBearerJwtValidation).",
            name,
            context.FactorIndex);
        return new OAuthBearerServerExchange(context, current, validator, IsAllowed(current, context.Transport));
    }

    private static bool IsAllowed(OAuthBearerVerifierOptions options, TransportSecurity transport) => transport.IsConfidential || options.AllowInsecureTransport;
}
