using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The client side of <c>caching_sha2_password</c> (MySQL 8's default): a SHA-256 scramble
/// response first; if the server's cache misses, full authentication with the password over TLS
/// (through the engine's cleartext gate) or RSA-OAEP encrypted (see <see cref="CachingSha2Options"/>).
/// </summary>
public sealed class CachingSha2Plugin : IAuthPlugin
{
    private readonly Func<CachingSha2Options> _options;

    /// <summary>Creates the plugin under its wire name, <see cref="CachingSha2PluginNames.CachingSha2Password"/>, with fixed options.</summary>
    /// <param name="options">The options.</param>
    public CachingSha2Plugin(IOptions<CachingSha2Options> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = CachingSha2PluginNames.CachingSha2Password;
        _options = () => options.Value;
    }

    /// <summary>Creates the plugin under <paramref name="name"/>; each exchange reads the options of that name as they are then.</summary>
    /// <param name="name">The plugin name, also the name of its options.</param>
    /// <param name="options">The options monitor.</param>
    public CachingSha2Plugin(string name, IOptionsMonitor<CachingSha2Options> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = () => options.Get(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The fast path sends a SHA-256 scramble, the RSA path the password encrypted to the server's key; full authentication in cleartext asks the cleartext gate first.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CachingSha2ClientExchange(context, _options());
    }
}
