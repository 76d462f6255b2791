namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// IMAP AUTHENTICATE as the engine's client transport (RFC 9051 §6.2.2): the offer is the server's
/// AUTH= capabilities; the first message goes with the command (SASL-IR, RFC 4959) or after the
/// server's empty continuation; "+ base64" lines are challenges; the tagged reply ends the exchange.
/// </summary>
internal sealed class ImapClientTransport(LineConnection lines, TransportSecurity security, IReadOnlyList<string> mechanisms, bool initialResponse, string tag) : IAuthTransport
{
    private bool _offered;
    private bool _commandSent;
    private bool _challengeUnanswered;
    private byte[]? _heldInitial;

    public TransportSecurity Security => security;

    /// <summary>Gets the capabilities the server sent with its OK, when it did.</summary>
    public IReadOnlyList<string>? CapabilitiesAfter { get; private set; }

    public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_offered)
        {
            _offered = true;
            return AuthEvent.Offer(mechanisms);
        }

        if (_challengeUnanswered)
        {
            // The mechanism had nothing to say to the last challenge (SCRAM's server-final data arrives as
            // a continuation): RFC 9051 §6.2.2 has the client answer it with an empty line.
            _challengeUnanswered = false;
            await lines.WriteLineAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line == "+" || line.StartsWith("+ ", StringComparison.Ordinal))
            {
                var challenge = SaslBase64.Decode(line.Length > 2 ? line[2..].Trim() : string.Empty);
                if (_heldInitial is { } held)
                {
                    // No SASL-IR: the server's empty continuation asks for the initial response.
                    _heldInitial = null;
                    try
                    {
                        await lines.WritePayloadLineAsync(string.Empty, held, initialResponse: false, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        System.Security.Cryptography.CryptographicOperations.ZeroMemory(held);
                    }

                    continue;
                }

                _challengeUnanswered = true;
                return AuthEvent.Continue(challenge);
            }

            if (line.StartsWith("* ", StringComparison.Ordinal))
            {
                var (status, _, _, text) = ImapResponse.ParseStatus(line[2..]);
                if (status == "CAPABILITY")
                {
                    CapabilitiesAfter = ImapResponse.SplitCapabilities(text);
                }
                else if (status == "BYE")
                {
                    return AuthEvent.Failed("BYE", text);
                }

                continue;
            }

            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                var (status, code, arguments, text) = ImapResponse.ParseStatus(line[(tag.Length + 1)..]);
                if (status == "OK")
                {
                    if (code == "CAPABILITY")
                    {
                        CapabilitiesAfter = ImapResponse.SplitCapabilities(arguments);
                    }

                    return AuthEvent.Succeeded();
                }

                return AuthEvent.Failed(code ?? status, text);
            }

            throw SaslErrors.Violation($"The IMAP server sent an unexpected line during AUTHENTICATE: '{SaslErrors.Printable(line)}'.");
        }
    }

    public async ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
    {
        _challengeUnanswered = false;
        if (_commandSent)
        {
            await lines.WritePayloadLineAsync(string.Empty, message.Data, initialResponse: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        _commandSent = true;
        var mechanism = message.PluginName ?? throw SaslErrors.Violation("The negotiator chose no mechanism.");
        if (initialResponse)
        {
            await lines.WritePayloadLineAsync($"{tag} AUTHENTICATE {mechanism} ", message.Data, initialResponse: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _heldInitial = message.Data.ToArray();
            await lines.WriteLineAsync($"{tag} AUTHENTICATE {mechanism}", cancellationToken).ConfigureAwait(false);
        }
    }
}
