using Handshake.Plugins.MariaDbPam.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// The server side of <c>mysql_clear_password</c>: takes the NUL-terminated password and checks it with
/// the <see cref="IStoredPasswordChecker"/> of <see cref="ClearPasswordVerifierOptions.CredentialFamily"/>.
/// Not offered, and rejecting, over a transport that is not safe for cleartext unless configured otherwise.
/// </summary>
public sealed class ClearPasswordVerifier : IAuthVerifier
{
    private readonly Func<ClearPasswordVerifierOptions> _options;
    private readonly IServiceProvider _services;

    /// <summary>Creates the verifier as <see cref="MariaDbPamPluginNames.ClearPassword"/>, with fixed options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="services">Where the password checker is found.</param>
    public ClearPasswordVerifier(IOptions<ClearPasswordVerifierOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        Name = MariaDbPamPluginNames.ClearPassword;
        _options = () => options.Value;
        _services = services;
    }

    /// <summary>Creates the verifier under <paramref name="name"/>, reading the options of that name for each offer and exchange.</summary>
    internal ClearPasswordVerifier(string name, IOptionsMonitor<ClearPasswordVerifierOptions> options, IServiceProvider services)
    {
        Name = name;
        _options = () => options.Get(name);
        _services = services;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <inheritdoc />
    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(_options(), transport) ? [Name] : [];
    }

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options();
        var checker = _services.GetServices<IStoredPasswordChecker>().LastOrDefault(c => string.Equals(c.CredentialFamily, options.CredentialFamily, StringComparison.Ordinal))
            ?? throw new HandshakeException(
                AuthErrorCode.PluginFailure,
                $"mysql_clear_password checks passwords against '{options.CredentialFamily}' credentials, but no IStoredPasswordChecker is registered for that family (AddScramVerifier registers one for SCRAM-SHA-256).",
                Name,
                context.FactorIndex);
        return new ClearPasswordVerifierExchange(context, checker, options.CredentialFamily, IsAllowed(options, context.Transport));
    }

    private static bool IsAllowed(ClearPasswordVerifierOptions options, TransportSecurity transport) => CleartextTransport.ServerMayAsk(transport, options.AllowInsecureTransport);
}
