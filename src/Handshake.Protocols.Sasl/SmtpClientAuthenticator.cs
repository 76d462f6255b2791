using Handshake.Protocols.Sasl.Internal;

namespace Handshake.Protocols.Sasl;

/// <summary>
/// The client side of SMTP authentication over a <see cref="Stream"/>: greeting, EHLO, STARTTLS
/// (RFC 3207) or implicit TLS (submissions, RFC 8314), then <c>AUTH</c> (RFC 4954) driven by the
/// engine's <see cref="AuthNegotiator.RunAsync(IAuthTransport, HandshakeDeadline, CancellationToken)"/>. The adapter frames lines and upgrades TLS; it never
/// reads a mechanism's payload.
/// </summary>
public static class SmtpClientAuthenticator
{
    /// <summary>Authenticates as an SMTP (submission) client.</summary>
    /// <param name="stream">A connected stream to the server (the caller keeps ownership).</param>
    /// <param name="options">TLS mode, trust, EHLO name, limits and deadlines.</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user and the secrets.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The result, with the stream to continue on (the session is after EHLO and AUTH).</returns>
    /// <exception cref="HandshakeException">
    /// The server refused (<see cref="AuthErrorCode.ServerRejected"/> with <see cref="HandshakeException.ServerErrorCode"/>
    /// e.g. "535 5.7.8"), TLS was required but not offered or failed, a reply broke the protocol or a limit, a
    /// deadline passed, or a plugin failed.
    /// </exception>
    public static async Task<SaslClientResult> ConnectAsync(
        Stream stream,
        SaslClientOptions options,
        IAuthNegotiatorFactory negotiatorFactory,
        AuthCredentials credentials,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(negotiatorFactory);
        ArgumentNullException.ThrowIfNull(credentials);
        if (string.IsNullOrWhiteSpace(options.ClientDomain) || options.ClientDomain.Any(c => char.IsControl(c) || c == ' '))
        {
            throw new ArgumentException("SaslClientOptions.ClientDomain must be a domain or address literal without spaces or control characters.", nameof(options));
        }

        var phase = new SaslClientPhase(options, negotiatorFactory, credentials, "SMTP");
        return await phase.RunAsync(stream, (lines, ct) => RunAsync(lines, options, phase, ct), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SaslClientResult> RunAsync(LineConnection lines, SaslClientOptions options, SaslClientPhase phase, CancellationToken cancellationToken)
    {
        var greeting = await AdapterDeadline.RunAsync(ct => SmtpReply.ReadAsync(lines, ct), options.FirstMessageTimeout, options.TimeProvider, "The SMTP server's greeting", "SaslClientOptions.FirstMessageTimeout", cancellationToken).ConfigureAwait(false);
        if (greeting.Code != 220)
        {
            throw new HandshakeException(AuthErrorCode.ServerRejected, $"The SMTP server refused the connection ({greeting.Code}): {PeerText.Printable(greeting.Text)}") { ServerErrorCode = greeting.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        var keywords = await EhloAsync(lines, options, cancellationToken).ConfigureAwait(false);
        var security = lines.Security;
        var startTls = phase.UsesTls && options.TlsStart == SaslTlsStart.StartTls && !security.IsEncrypted;
        var offered = keywords.Any(k => k.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
        if (startTls && !offered && options.TlsMode != ClientTlsMode.Prefer)
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The SMTP server does not offer STARTTLS, and TlsMode is {options.TlsMode}.");
        }

        if (startTls && offered)
        {
            await lines.WriteLineAsync("STARTTLS", cancellationToken).ConfigureAwait(false);
            var ready = await ReplyAsync(lines, options, cancellationToken).ConfigureAwait(false);
            if (ready.Code != 220)
            {
                throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The SMTP server refused STARTTLS ({ready.Code}): {PeerText.Printable(ready.Text)}");
            }

            security = await lines.StartTlsAsClientAsync(options, cancellationToken).ConfigureAwait(false);

            // Everything learned before TLS is discarded; EHLO again (RFC 3207 §4.2).
            keywords = await EhloAsync(lines, options, cancellationToken).ConfigureAwait(false);
        }

        var auth = keywords.FirstOrDefault(k => k.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) || k.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase));
        var mechanisms = auth is null ? [] : auth[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (mechanisms.Count == 0)
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, "The SMTP server offers no SASL mechanism (no AUTH in its EHLO reply).");
        }

        var negotiator = phase.CreateNegotiator(security);
        var result = await phase.NegotiateAsync(negotiator, new SmtpClientTransport(lines, security, mechanisms)).ConfigureAwait(false);
        return new SaslClientResult(result, lines.Stream, security, keywords);
    }

    private static async Task<IReadOnlyList<string>> EhloAsync(LineConnection lines, SaslClientOptions options, CancellationToken cancellationToken)
    {
        await lines.WriteLineAsync("EHLO " + options.ClientDomain, cancellationToken).ConfigureAwait(false);
        var reply = await ReplyAsync(lines, options, cancellationToken).ConfigureAwait(false);
        if (reply.Code != 250)
        {
            throw new HandshakeException(AuthErrorCode.ServerRejected, $"The SMTP server refused EHLO ({reply.Code}): {PeerText.Printable(reply.Text)}") { ServerErrorCode = reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        // The first line is the server's name; each later line is one extension keyword with its parameters.
        return [.. reply.Lines.Skip(1)];
    }

    private static ValueTask<SmtpReply> ReplyAsync(LineConnection lines, SaslClientOptions options, CancellationToken cancellationToken) =>
        AdapterDeadline.RunAsync(ct => SmtpReply.ReadAsync(lines, ct), options.RoundTimeout, options.TimeProvider, "The SMTP server's reply", "SaslClientOptions.RoundTimeout", cancellationToken);
}
