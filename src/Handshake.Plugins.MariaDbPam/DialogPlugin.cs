using Handshake.Plugins.MariaDbPam.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// The client side of MariaDB's <c>dialog</c> plugin, which MariaDB's PAM authentication (<c>auth_pam</c>)
/// asks its questions through: each round the server sends one question (a type byte, 2 for an echo
/// question or 4 for a password-like one, plus 1 for the last, then the text) and the client answers
/// with one NUL-terminated line. Answers come from the factor's secret, a TOTP code, or
/// <see cref="DialogClientOptions.Prompt"/> (see <see cref="DialogClientOptions.UseDefaultAnswers"/>).
/// </summary>
/// <remarks>
/// Every answer travels in the clear, so each question passes the engine's cleartext gate first
/// (verified TLS, a trusted local socket, or <c>HandshakeOptions.AllowCleartextWithoutVerifiedTls</c>).
/// </remarks>
public sealed class DialogPlugin : IAuthPlugin
{
    private readonly Func<DialogClientOptions> _options;

    /// <summary>Creates the plugin as <see cref="MariaDbPamPluginNames.Dialog"/>, with fixed options.</summary>
    /// <param name="options">The options.</param>
    public DialogPlugin(IOptions<DialogClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = MariaDbPamPluginNames.Dialog;
        _options = () => options.Value;
    }

    /// <summary>Creates the plugin under <paramref name="name"/>; each exchange reads the options of that name as they are then.</summary>
    /// <param name="name">The plugin name, also the name of its options.</param>
    /// <param name="options">The options monitor.</param>
    public DialogPlugin(string name, IOptionsMonitor<DialogClientOptions> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = () => options.Get(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The answers (the password, a code) leave as they are typed: the engine opens the cleartext gate first.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DialogClientExchange(context, _options());
    }
}
