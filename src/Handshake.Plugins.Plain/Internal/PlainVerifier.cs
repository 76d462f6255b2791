using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>
/// The server verifier "PLAIN", under its registration's name: offered only over TLS (or a trusted
/// local socket) unless configured otherwise; names the user from the authcid and checks the password
/// through the <see cref="IStoredPasswordChecker"/> of <see cref="PlainVerifierOptions.CredentialFamily"/>.
/// The options of its name are read for each offer and each exchange.
/// </summary>
internal sealed class PlainVerifier(string name, IOptionsMonitor<PlainVerifierOptions> options, IEnumerable<IStoredPasswordChecker> checkers) : IAuthVerifier
{
    private readonly IReadOnlyList<IStoredPasswordChecker> _checkers = [.. checkers];

    public string Name => name;

    public bool UsesServerStoredPassword => true;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(options.Get(name), transport) ? [name] : [];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = options.Get(name);
        var checker = _checkers.LastOrDefault(c => string.Equals(c.CredentialFamily, current.CredentialFamily, StringComparison.Ordinal)) ?? throw new HandshakeException(
            AuthErrorCode.PluginFailure,
            $"PLAIN checks passwords against '{current.CredentialFamily}' credentials, but no IStoredPasswordChecker is registered for that family (AddScramVerifier registers one for SCRAM-SHA-256).",
            name,
            context.FactorIndex);
        return new PlainServerExchange(context, checker, current.CredentialFamily, IsAllowed(current, context.Transport));
    }

    private static bool IsAllowed(PlainVerifierOptions options, TransportSecurity transport) => transport.IsConfidential || options.AllowInsecureTransport;
}
