using Handshake.Protocols.Sasl.Internal;

namespace Handshake.Protocols.Sasl;

/// <summary>
/// The server side of SMTP submission authentication over a <see cref="Stream"/>: greeting, EHLO with the
/// AUTH keyword, STARTTLS (RFC 3207) or implicit TLS (submissions, RFC 8314), and <c>AUTH</c> (RFC 4954)
/// driven by the engine's <see cref="AuthAcceptor.RunAsync(IAcceptorTransport, string, HandshakeDeadline, CancellationToken)"/> in <see cref="AcceptorStartMode.Offer"/>.
/// A failure answers <c>535 5.7.8</c> whatever its reason.
/// </summary>
public static class SmtpAcceptorSession
{
    /// <summary>Serves one SMTP session until QUIT, a limit or a deadline.</summary>
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
        return SaslAcceptorPhase.RunAsync(stream, options, lines => new SmtpServerDialogue(lines, options, acceptorFactory), cancellationToken);
    }
}
