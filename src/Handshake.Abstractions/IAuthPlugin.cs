namespace Handshake;

/// <summary>
/// A client authentication method, keyed by <see cref="Name"/> (compared ordinally). Singletons:
/// stateless, thread-safe; per-handshake state lives in the <see cref="IAuthExchange"/> it starts.
/// </summary>
public interface IAuthPlugin
{
    /// <summary>Gets the plugin or mechanism name as the protocol spells it (e.g. "mysql_native_password").</summary>
    string Name { get; }

    /// <summary>Starts this plugin's part of one handshake factor.</summary>
    /// <param name="context">Who, which factor, that factor's secret, and the transport's guarantees.</param>
    /// <returns>The exchange, called once per round.</returns>
    /// <exception cref="HandshakeException">The exchange cannot start (e.g. <see cref="AuthErrorCode.MissingCredential"/>).</exception>
    IAuthExchange Start(AuthExchangeContext context);

    /// <summary>
    /// When the server offers a list of mechanisms, says whether this one may be chosen and how
    /// strongly: negative means not eligible in this context (e.g. a channel-binding mechanism on a
    /// plain transport); among eligible ones the highest wins, ties going to the server's order.
    /// </summary>
    /// <param name="context">The context the exchange would start with.</param>
    /// <returns>The preference; 0 by default.</returns>
    int GetOfferPreference(AuthExchangeContext context) => 0;

    /// <summary>
    /// Gets what this plugin sends of its factor's secret. The engine's cleartext gate acts on it
    /// before <see cref="Start"/>: a <see cref="AuthSecretUse.Cleartext"/> plugin is not started over a
    /// transport the gate refuses, and an undeclared one (<see cref="AuthSecretUse.Unspecified"/>, the
    /// default) gets no secret there.
    /// </summary>
    AuthSecretUse SecretUse => AuthSecretUse.Unspecified;
}
