using Handshake.Plugins.NativePassword.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.NativePassword;

/// <summary>
/// The server side of <c>mysql_native_password</c>: sends a 20-byte scramble and checks the
/// response against the stored <c>*HEX(SHA1(SHA1(pw)))</c> (see <see cref="NativePasswordCredential"/>).
/// </summary>
/// <remarks>
/// It checks a server-stored password, so under MySQL's multi-factor rules it may only be factor 1;
/// the acceptor enforces that through <see cref="UsesServerStoredPassword"/>.
/// </remarks>
public sealed class NativePasswordVerifier : IAuthVerifier
{
    private readonly IOptionsMonitor<NativePasswordVerifierOptions>? _options;

    /// <summary>Creates the verifier with the default options (no pass-through key is recovered).</summary>
    public NativePasswordVerifier()
    {
    }

    /// <summary>Creates the verifier with options read per exchange (what dependency injection uses).</summary>
    /// <param name="options">The options.</param>
    public NativePasswordVerifier(IOptionsMonitor<NativePasswordVerifierOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Name => NativePasswordPlugin.PluginName;

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NativePasswordVerifierExchange(context, _options?.CurrentValue.RecoverPassThroughKey ?? false);
    }
}
