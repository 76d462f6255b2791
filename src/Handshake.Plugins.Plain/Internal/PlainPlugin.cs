namespace Handshake.Plugins.Plain.Internal;

/// <summary>The client plugin "PLAIN" (RFC 4616), under its registration's name.</summary>
internal sealed class PlainPlugin(string name) : IAuthPlugin
{
    // Below every challenge-response mechanism (SCRAM ranks 10 and 20): a server that offers SCRAM
    // too gets SCRAM, and the password never leaves the client.
    private const int OfferPreference = 1;

    public string Name => name;

    // RFC 4616: the password travels as it is.
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PlainClientExchange(context);
    }

    public int GetOfferPreference(AuthExchangeContext context) => OfferPreference;
}
