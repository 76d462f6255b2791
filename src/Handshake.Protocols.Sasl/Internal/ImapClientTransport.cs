namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// IMAP AUTHENTICATE as the engine's client transport (RFC 9051 §6.2.2): the offer is the server's
/// AUTH= capabilities; the first message goes with the command (SASL-IR, RFC 4959) or after the
/// server's empty continuation; "+ base64" lines are challenges; the tagged reply ends the exchange.
/// </summary>
internal sealed class ImapClientTransport(LineConnection lines, TransportSecurity security, IReadOnlyList<string> mechanisms, bool initialResponse, string tag)
    : SaslClientTransport(lines, security, mechanisms)
{
    private byte[]? _heldInitial;

    /// <summary>Gets the capabilities the server sent with its OK, when it did.</summary>
    public IReadOnlyList<string>? CapabilitiesAfter { get; private set; }

    protected override async ValueTask<AuthEvent> ReadEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await Lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line == "+" || line.StartsWith("+ ", StringComparison.Ordinal))
            {
                var challenge = SaslBase64.Decode(line.Length > 2 ? line[2..].Trim() : string.Empty);
                if (_heldInitial is { } held)
                {
                    // No SASL-IR: the server's empty continuation asks for the initial response.
                    _heldInitial = null;
                    try
                    {
                        await Lines.WritePayloadLineAsync(string.Empty, held, initialResponse: false, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        System.Security.Cryptography.CryptographicOperations.ZeroMemory(held);
                    }

                    continue;
                }

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

            throw SaslErrors.Violation($"The IMAP server sent an unexpected line during AUTHENTICATE: '{PeerText.Printable(line)}'.");
        }
    }

    protected override async ValueTask SendCommandAsync(string mechanism, ReadOnlyMemory<byte> firstMessage, CancellationToken cancellationToken)
    {
        if (initialResponse)
        {
            await Lines.WritePayloadLineAsync($"{tag} AUTHENTICATE {mechanism} ", firstMessage, initialResponse: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _heldInitial = firstMessage.ToArray();
            await Lines.WriteLineAsync($"{tag} AUTHENTICATE {mechanism}", cancellationToken).ConfigureAwait(false);
        }
    }
}
