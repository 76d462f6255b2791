namespace Handshake.Plugins.KeyAuth;

/// <summary>What a key source is asked for: the key of this user for this factor.</summary>
public sealed class KeyAuthKeyRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="context">The exchange's context (user, factor, that factor's secret).</param>
    /// <param name="acceptedKeys">Fingerprints the server listed in multi-round mode; empty in single-round mode.</param>
    public KeyAuthKeyRequest(AuthExchangeContext context, IReadOnlyList<KeyAuthFingerprint> acceptedKeys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(acceptedKeys);
        Context = context;
        AcceptedKeys = acceptedKeys;
    }

    /// <summary>Gets the exchange's context: <see cref="AuthExchangeContext.UserName"/>, <see cref="AuthExchangeContext.FactorIndex"/>, <see cref="AuthExchangeContext.Secret"/>.</summary>
    public AuthExchangeContext Context { get; }

    /// <summary>Gets the keys the server accepts for the user (multi-round mode), or an empty list when it did not say.</summary>
    public IReadOnlyList<KeyAuthFingerprint> AcceptedKeys { get; }
}
