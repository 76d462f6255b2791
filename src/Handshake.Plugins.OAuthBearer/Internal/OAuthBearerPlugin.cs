namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>The client plugin "OAUTHBEARER" (RFC 7628).</summary>
internal sealed class OAuthBearerPlugin(OAuthBearerClientOptions options, IOAuthBearerTokenProvider? registeredProvider) : IAuthPlugin
{
    // A bearer token is as good as a password to whoever reads it; in an offer it ranks with PLAIN (1),
    // below every challenge-response mechanism, and is eligible only where the cleartext gate would let it go.
    private const int OfferPreference = 1;

    private readonly OAuthBearerTokenCache? _cache = (options.TokenProvider ?? registeredProvider) is { } provider
        ? new OAuthBearerTokenCache(provider, options.RefreshBeforeExpiry)
        : null;

    public string Name => OAuthBearerPluginNames.OAuthBearer;

    // A bearer token is replayable by whoever reads it (RFC 6750 §5.3): the engine opens the cleartext gate first.
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new OAuthBearerClientExchange(context, options, _cache);
    }

    public int GetOfferPreference(AuthExchangeContext context) => OfferPreference;
}
