using Handshake.Plugins.KeyAuth.Internal;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// The client side of key auth ("ssh-key-auth"): signs the server's single-use challenge, bound to
/// the plugin, user, factor and TLS channel, with a private key from PEM, an asynchronous
/// <see cref="IKeyAuthKeySource"/>, or a remote <see cref="IKeyAuthSigner"/>.
/// </summary>
/// <remarks>
/// <para>Messages, version 1 (the first byte; lengths unsigned big-endian):</para>
/// <code>
/// server -> client  Challenge  01 01 | u8 n | n challenge bytes (the server sends 32)
/// server -> client  KeysOffer  01 03                               (multi-round mode: "ask me for my key list")
/// client -> server  KeyQuery   01 02
/// server -> client  KeyList    01 02 | u8 k (0..32) | k x 32-byte fingerprint | u8 n | n challenge bytes
/// client -> server  Response   01 01 | 32-byte key fingerprint | u8 algorithm id | u16 m | m signature bytes
/// </code>
/// <para>
/// The fingerprint is the OpenSSH SHA-256 fingerprint (<see cref="KeyAuthFingerprint"/>); the algorithm
/// id is a <see cref="KeyAuthAlgorithm"/> value; the signature covers <see cref="KeyAuthSignedData"/>.
/// </para>
/// <para>
/// Errors: a key that cannot be fetched, decrypted or parsed, and any signer or key source failure,
/// is <see cref="AuthErrorCode.KeyUnavailable"/>; a key of an unsupported type (another curve,
/// Ed25519, RSA below <see cref="KeyAuthClientOptions.MinimumRsaKeySize"/>) is
/// <see cref="AuthErrorCode.PolicyViolation"/>, because it is this side's configuration, not the
/// peer, that is wrong; a malformed server message is <see cref="AuthErrorCode.ProtocolViolation"/>.
/// Every error names the plugin and factor. Key objects are disposed as soon as the signature is
/// made, and in any case when the exchange ends.
/// </para>
/// </remarks>
public sealed class KeyAuthPlugin : IAuthPlugin
{
    private readonly Func<KeyAuthClientOptions> _options;

    /// <summary>Creates the plugin under the default name "ssh-key-auth".</summary>
    /// <param name="options">Where the signature comes from.</param>
    public KeyAuthPlugin(KeyAuthClientOptions options)
        : this(KeyAuthPluginNames.SshKeyAuth, options)
    {
    }

    /// <summary>Creates the plugin under a name of your choice.</summary>
    /// <param name="name">The plugin name the server will ask for.</param>
    /// <param name="options">Where the signature comes from.</param>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public KeyAuthPlugin(string name, KeyAuthClientOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        if (KeyAuthOptionsValidation.Check(options) is { } failure)
        {
            throw new ArgumentException(failure, nameof(options));
        }

        Name = name;
        _options = () => options;
    }

    /// <summary>Creates the plugin under <paramref name="name"/>, reading the options of that name when each exchange starts (checked at start-up by the registration's validator).</summary>
    internal KeyAuthPlugin(string name, Microsoft.Extensions.Options.IOptionsMonitor<KeyAuthClientOptions> options)
    {
        Name = name;
        _options = () => options.Get(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The factor's secret, when present, only unlocks the private key locally; a signature leaves.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KeyAuthClientExchange(context, _options());
    }
}
