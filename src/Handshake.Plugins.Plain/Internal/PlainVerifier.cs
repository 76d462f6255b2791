using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>
/// The server verifier "PLAIN": offered only over TLS (or a trusted local socket) unless configured
/// otherwise; names the user from the authcid and checks the password through the
/// <see cref="IStoredPasswordChecker"/> of <see cref="PlainVerifierOptions.CredentialFamily"/>.
/// </summary>
internal sealed class PlainVerifier(IOptions<PlainVerifierOptions> options, IEnumerable<IStoredPasswordChecker> checkers) : IAuthVerifier
{
    private readonly PlainVerifierOptions _options = options.Value;
    private readonly IStoredPasswordChecker? _checker = checkers.LastOrDefault(c => string.Equals(c.CredentialFamily, options.Value.CredentialFamily, StringComparison.Ordinal));

    public string Name => PlainMechanism.Name;

    public bool UsesServerStoredPassword => true;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return IsAllowed(transport) ? [PlainMechanism.Name] : [];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var checker = _checker ?? throw new HandshakeException(
            AuthErrorCode.PluginFailure,
            $"PLAIN checks passwords against '{_options.CredentialFamily}' credentials, but no IStoredPasswordChecker is registered for that family (AddScramVerifier registers one for SCRAM-SHA-256).",
            PlainMechanism.Name,
            context.FactorIndex);
        return new PlainServerExchange(context, checker, _options.CredentialFamily, IsAllowed(context.Transport));
    }

    private bool IsAllowed(TransportSecurity transport) => transport.IsConfidential || _options.AllowInsecureTransport;
}
