using Handshake.Mfa.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa;

/// <summary>
/// The client side of the TOTP factor. With a secret in the factor's credential slot (binary: the
/// raw key; text: base32 or an <c>otpauth://</c> URI) it computes the current code itself, for
/// service accounts; otherwise it asks <see cref="TotpClientOptions.Prompt"/> for the code a
/// person reads off an authenticator app. The code travels as ASCII digits.
/// </summary>
public sealed class TotpPlugin : IAuthPlugin
{
    private readonly Func<TotpClientOptions> _options;

    /// <summary>Creates the plugin as <see cref="TotpPluginNames.Totp"/>, with fixed options.</summary>
    /// <param name="options">The options.</param>
    public TotpPlugin(IOptions<TotpClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = TotpPluginNames.Totp;
        _options = () => options.Value;
    }

    /// <summary>Creates the plugin under <paramref name="name"/>; each exchange reads the options of that name as they are then.</summary>
    /// <param name="name">The plugin name, also the name of its options.</param>
    /// <param name="options">The options monitor.</param>
    public TotpPlugin(string name, IOptionsMonitor<TotpClientOptions> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = () => options.Get(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The one-time code travels as ASCII digits, and a man in the middle can relay it at once: the engine gates it as cleartext.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    /// <inheritdoc />
    /// <exception cref="HandshakeException">
    /// <see cref="AuthErrorCode.MissingCredential"/> when neither a secret nor a prompt is available;
    /// <see cref="AuthErrorCode.InvalidStoredCredential"/> when the secret cannot be parsed. Both before anything is sent.
    /// </exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The parsed key's ownership passes to the exchange, whose Dispose wipes it.")]
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options();
        var secret = context.Secret;
        if (secret is null)
        {
            if (options.Prompt is null)
            {
                throw new HandshakeException(
                    AuthErrorCode.MissingCredential,
                    $"Factor {context.FactorIndex} ({context.PluginName}) needs a TOTP secret or a code prompt, but user '{context.UserName}' has neither. Supply password{context.FactorIndex} in the credentials (the base32 secret) or set TotpClientOptions.Prompt.",
                    context.PluginName,
                    context.FactorIndex);
            }

            return new TotpClientExchange(context, options, key: null);
        }

        return new TotpClientExchange(context, options, ParseSecret(context, secret, options.Parameters));
    }

    private static TotpKey ParseSecret(AuthExchangeContext context, AuthSecret secret, TotpParameters parameters)
    {
        if (secret.Kind == AuthSecretKind.Binary)
        {
            return secret.IsEmpty ? throw BadSecret(context) : TotpKey.FromBytes(secret.Bytes, parameters);
        }

        var count = secret.CharCount;
        var chars = GC.AllocateArray<char>(count, pinned: true);
        try
        {
            secret.CopyChars(chars);
            return TotpKey.TryParse(chars, parameters, out _) ?? throw BadSecret(context);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    private static HandshakeException BadSecret(AuthExchangeContext context) =>
        new(
            AuthErrorCode.InvalidStoredCredential,
            $"The TOTP secret for factor {context.FactorIndex} ({context.PluginName}) is not a base32 secret or an otpauth://totp URI, or has invalid parameters.",
            context.PluginName,
            context.FactorIndex);
}
