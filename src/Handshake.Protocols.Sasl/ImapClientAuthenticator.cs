using System.Globalization;
using Handshake.Protocols.Sasl.Internal;

namespace Handshake.Protocols.Sasl;

/// <summary>
/// The client side of IMAP authentication over a <see cref="Stream"/>: greeting, CAPABILITY, STARTTLS or
/// implicit TLS (imaps), then <c>AUTHENTICATE</c> (RFC 9051 §6.2.2, SASL-IR RFC 4959) driven by the
/// engine's <see cref="AuthNegotiator.RunAsync(IAuthTransport, HandshakeDeadline, CancellationToken)"/>. The adapter frames lines and upgrades TLS; it never
/// reads a mechanism's payload.
/// </summary>
public static class ImapClientAuthenticator
{
    /// <summary>Authenticates as an IMAP client.</summary>
    /// <param name="stream">A connected stream to the server (the caller keeps ownership).</param>
    /// <param name="options">TLS mode, trust, limits and deadlines.</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user and the secrets.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The result, with the stream to continue on.</returns>
    /// <exception cref="HandshakeException">
    /// The server refused (<see cref="AuthErrorCode.ServerRejected"/> with <see cref="HandshakeException.ServerErrorCode"/>
    /// e.g. AUTHENTICATIONFAILED), TLS was required but not offered or failed, a line broke the protocol or a
    /// limit, a deadline passed, or a plugin failed.
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
        var phase = new SaslClientPhase(options, negotiatorFactory, credentials, "IMAP");
        return await phase.RunAsync(stream, (lines, ct) => new ImapClientDialogue(lines, options, phase).RunAsync(ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command/response steps before and around AUTHENTICATE.</summary>
    private sealed class ImapClientDialogue(LineConnection lines, SaslClientOptions options, SaslClientPhase phase)
    {
        private int _tag;
        private IReadOnlyList<string>? _capabilities;

        public async Task<SaslClientResult> RunAsync(CancellationToken cancellationToken)
        {
            var security = lines.Security;
            var greeting = await AdapterDeadline.RunAsync(lines.ReadLineAsync, options.FirstMessageTimeout, options.TimeProvider, "The IMAP server's greeting", "SaslClientOptions.FirstMessageTimeout", cancellationToken).ConfigureAwait(false);
            ReadGreeting(greeting);
            _capabilities ??= await CapabilityAsync(cancellationToken).ConfigureAwait(false);

            var startTls = phase.UsesTls && options.TlsStart == SaslTlsStart.StartTls && !security.IsEncrypted;
            if (startTls && !ImapResponse.Has(_capabilities, "STARTTLS") && options.TlsMode != ClientTlsMode.Prefer)
            {
                throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The IMAP server does not offer STARTTLS, and TlsMode is {options.TlsMode}.");
            }

            if (startTls && ImapResponse.Has(_capabilities, "STARTTLS"))
            {
                var tag = NextTag();
                await lines.WriteLineAsync($"{tag} STARTTLS", cancellationToken).ConfigureAwait(false);
                var (status, _, text) = await ReadTaggedAsync(tag, cancellationToken).ConfigureAwait(false);
                if (status != "OK")
                {
                    throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The IMAP server refused STARTTLS: {PeerText.Printable(text)}");
                }

                security = await lines.StartTlsAsClientAsync(options, cancellationToken).ConfigureAwait(false);

                // Capabilities learned before TLS may have been forged: ask again (RFC 9051 §6.2.1).
                _capabilities = await CapabilityAsync(cancellationToken).ConfigureAwait(false);
            }

            var mechanisms = ImapResponse.Mechanisms(_capabilities);
            if (mechanisms.Count == 0)
            {
                throw new HandshakeException(AuthErrorCode.PolicyViolation, ImapResponse.Has(_capabilities, "LOGINDISABLED")
                    ? "The IMAP server disables authentication on this connection (LOGINDISABLED); use TLS."
                    : "The IMAP server offers no SASL mechanism (no AUTH= capability).");
            }

            var negotiator = phase.CreateNegotiator(security);
            var transport = new ImapClientTransport(lines, security, mechanisms, ImapResponse.Has(_capabilities, "SASL-IR"), NextTag());
            var result = await phase.NegotiateAsync(negotiator, transport).ConfigureAwait(false);
            return new SaslClientResult(result, lines.Stream, security, transport.CapabilitiesAfter ?? _capabilities);
        }

        private void ReadGreeting(string greeting)
        {
            if (!greeting.StartsWith("* ", StringComparison.Ordinal))
            {
                throw SaslErrors.Violation($"The server's greeting is not an IMAP greeting: '{PeerText.Printable(greeting)}'.");
            }

            var (status, code, arguments, text) = ImapResponse.ParseStatus(greeting[2..]);
            switch (status)
            {
                case "OK":
                    _capabilities = code == "CAPABILITY" ? ImapResponse.SplitCapabilities(arguments) : null;
                    return;
                case "PREAUTH":
                    throw SaslErrors.Violation("The IMAP server greeted with PREAUTH: the connection is authenticated without any exchange, so no authentication ran.");
                case "BYE":
                    throw new HandshakeException(AuthErrorCode.ServerRejected, $"The IMAP server refused the connection: {PeerText.Printable(text)}") { ServerErrorCode = "BYE" };
                default:
                    throw SaslErrors.Violation($"The server's greeting is not an IMAP greeting: '{PeerText.Printable(greeting)}'.");
            }
        }

        private async Task<IReadOnlyList<string>> CapabilityAsync(CancellationToken cancellationToken)
        {
            var tag = NextTag();
            await lines.WriteLineAsync($"{tag} CAPABILITY", cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string>? capabilities = null;
            var (status, _, text) = await ReadTaggedAsync(tag, cancellationToken, untagged => capabilities = untagged).ConfigureAwait(false);
            if (status != "OK" || capabilities is null)
            {
                throw SaslErrors.Violation($"The IMAP server did not answer CAPABILITY: {PeerText.Printable(text)}");
            }

            return capabilities;
        }

        private async Task<(string Status, string? Code, string Text)> ReadTaggedAsync(string tag, CancellationToken cancellationToken, Action<IReadOnlyList<string>>? onCapability = null)
        {
            // A bounded number of untagged lines per command: a server streaming them forever is cut off.
            for (var i = 0; i < 64; i++)
            {
                var line = await AdapterDeadline.RunAsync(lines.ReadLineAsync, options.RoundTimeout, options.TimeProvider, "The IMAP server's reply", "SaslClientOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
                if (line.StartsWith("* ", StringComparison.Ordinal))
                {
                    var (untagged, _, _, text) = ImapResponse.ParseStatus(line[2..]);
                    if (untagged == "CAPABILITY")
                    {
                        onCapability?.Invoke(ImapResponse.SplitCapabilities(text));
                    }
                    else if (untagged == "BYE")
                    {
                        throw new HandshakeException(AuthErrorCode.ServerRejected, $"The IMAP server closed the connection: {PeerText.Printable(text)}") { ServerErrorCode = "BYE" };
                    }

                    continue;
                }

                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    var (status, code, _, text) = ImapResponse.ParseStatus(line[(tag.Length + 1)..]);
                    return (status, code, text);
                }

                throw SaslErrors.Violation($"The IMAP server sent an unexpected line: '{PeerText.Printable(line)}'.");
            }

            throw SaslErrors.Violation("The IMAP server sent more than 64 untagged lines for one command.");
        }

        private string NextTag() => "H" + (++_tag).ToString(CultureInfo.InvariantCulture);
    }
}
