using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The client side of <c>caching_sha2_password</c> (MySQL 8's default): a SHA-256 scramble
/// response first; if the server's cache misses, full authentication with the password over TLS
/// (through the engine's cleartext gate) or RSA-OAEP encrypted (see <see cref="CachingSha2Options"/>).
/// </summary>
/// <param name="options">The options.</param>
public sealed class CachingSha2Plugin(IOptions<CachingSha2Options> options) : IAuthPlugin
{
    /// <summary>The plugin name MySQL uses.</summary>
    public const string PluginName = "caching_sha2_password";

    /// <inheritdoc />
    public string Name => PluginName;

    /// <inheritdoc />
    /// <remarks>The fast path sends a SHA-256 scramble, the RSA path the password encrypted to the server's key; full authentication in cleartext asks the cleartext gate first.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CachingSha2ClientExchange(context, options.Value);
    }
}
