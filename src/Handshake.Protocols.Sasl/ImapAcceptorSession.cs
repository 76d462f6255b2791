using Handshake.Protocols.Sasl.Internal;

namespace Handshake.Protocols.Sasl;

/// <summary>
/// The server side of IMAP authentication over a <see cref="Stream"/> (RFC 9051): greeting with
/// capabilities, STARTTLS or implicit TLS (imaps), and <c>AUTHENTICATE</c> with SASL-IR (RFC 4959) driven
/// by the engine's <see cref="AuthAcceptor.RunAsync(IAcceptorTransport, string, HandshakeDeadline, CancellationToken)"/> in <see cref="AcceptorStartMode.Offer"/>: the
/// mechanisms of <c>AcceptorOptions.OfferedPlugins</c> are advertised before anyone is named, and the
/// chosen verifier names the user. A failure answers <c>NO [AUTHENTICATIONFAILED]</c> whatever its reason.
/// </summary>
public static class ImapAcceptorSession
{
    /// <summary>Serves one IMAP session until LOGOUT, a limit or a deadline.</summary>
    /// <param name="stream">The accepted connection (the caller keeps ownership).</param>
    /// <param name="options">TLS, limits and deadlines.</param>
    /// <param name="acceptorFactory">Creates an acceptor per exchange (register verifiers and <c>AcceptorOptions.OfferedPlugins</c>).</param>
    /// <param name="cancellationToken">Ends the session.</param>
    /// <returns>How the session ended.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (TLS without a certificate).</exception>
    public static Task<SaslAcceptorResult> AcceptAsync(Stream stream, SaslAcceptorOptions options, IAuthAcceptorFactory acceptorFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptorFactory);
        return SaslAcceptorPhase.RunAsync(stream, options, lines => new ImapServerDialogue(lines, options, acceptorFactory), cancellationToken);
    }
}
