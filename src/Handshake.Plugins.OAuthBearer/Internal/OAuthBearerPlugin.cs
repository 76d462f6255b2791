using Microsoft.Extensions.Options;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>The client plugin "OAUTHBEARER" (RFC 7628) under its registration's name; the options of that name are read when each exchange starts.</summary>
internal sealed class OAuthBearerPlugin(string name, IOptionsMonitor<OAuthBearerClientOptions> options, IOAuthBearerTokenProvider? registeredProvider) : IAuthPlugin
{
    // A bearer token is as good as a password to whoever reads it; in an offer it ranks with PLAIN (1),
    // below every challenge-response mechanism, and is eligible only where the cleartext gate would let it go.
    private const int OfferPreference = 1;

    private readonly Lock _gate = new();
    private (IOAuthBearerTokenProvider Provider, TimeSpan Refresh, OAuthBearerTokenCache Cache)? _cache;

    public string Name => name;

    // A bearer token is replayable by whoever reads it (RFC 6750 §5.3): the engine opens the cleartext gate first.
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = options.Get(name);
        return new OAuthBearerClientExchange(context, current, CacheFor(current));
    }

    public int GetOfferPreference(AuthExchangeContext context) => OfferPreference;

    /// <summary>The token cache of the provider the options name now: kept while the provider and refresh margin stay, replaced when they change.</summary>
    private OAuthBearerTokenCache? CacheFor(OAuthBearerClientOptions current)
    {
        if ((current.TokenProvider ?? registeredProvider) is not { } provider)
        {
            return null;
        }

        lock (_gate)
        {
            if (_cache is not { } cached || !ReferenceEquals(cached.Provider, provider) || cached.Refresh != current.RefreshBeforeExpiry)
            {
                _cache = cached = (provider, current.RefreshBeforeExpiry, new OAuthBearerTokenCache(provider, current.RefreshBeforeExpiry));
            }

            return cached.Cache;
        }
    }
}
