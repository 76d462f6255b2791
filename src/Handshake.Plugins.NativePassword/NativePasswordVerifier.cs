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

    /// <summary>Creates the verifier under its wire name, <see cref="NativePasswordPluginNames.MySqlNativePassword"/>, with the default options (no pass-through key is recovered).</summary>
    public NativePasswordVerifier()
        : this(NativePasswordPluginNames.MySqlNativePassword)
    {
    }

    /// <summary>Creates the verifier under <paramref name="name"/>, with the default options.</summary>
    /// <param name="name">The verifier name.</param>
    public NativePasswordVerifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Creates the verifier under <paramref name="name"/>, reading the options of that name per exchange (what dependency injection uses).</summary>
    /// <param name="name">The verifier name.</param>
    /// <param name="options">The named options.</param>
    public NativePasswordVerifier(string name, IOptionsMonitor<NativePasswordVerifierOptions> options)
        : this(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NativePasswordVerifierExchange(context, _options?.Get(Name).RecoverPassThroughKey ?? false);
    }
}
