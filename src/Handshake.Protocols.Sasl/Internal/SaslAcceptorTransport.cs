namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// One server-side SASL exchange (IMAP AUTHENTICATE, SMTP AUTH) as the engine's acceptor transport: the
/// command's initial response (or the answer to an empty challenge) is the first message, each base64
/// line the next, "*" a cancel (RFC 4422 §3.5); challenges and additional data with success go out as
/// continuations, and the protocol's success or failure line ends it.
/// </summary>
internal sealed class SaslAcceptorTransport(LineConnection lines, TransportSecurity security, string mechanism, byte[]? initialResponse, SaslServerReplies replies) : IAcceptorTransport
{
    private bool _first = true;

    public TransportSecurity Security => security;

    /// <summary>Gets a value indicating whether the client cancelled with "*".</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Gets a value indicating whether the protocol's final line (success, failure or cancel) went out.</summary>
    public bool Concluded { get; private set; }

    /// <summary>Gets a value indicating whether the client refused the server's additional data with success (it could not verify the server).</summary>
    public bool ClientRefusedSuccess { get; private set; }

    public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_first)
        {
            _first = false;
            if (initialResponse is { } initial)
            {
                return new AuthClientMessage(mechanism, initial);
            }

            // No initial response: an empty challenge asks for it (RFC 4422 §5, RFC 9051 §6.2.2).
            await lines.WriteLineAsync(replies.ChallengePrefix, cancellationToken).ConfigureAwait(false);
            return new AuthClientMessage(mechanism, await ReadResponseAsync(cancellationToken).ConfigureAwait(false));
        }

        return new AuthClientMessage(null, await ReadResponseAsync(cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        switch (authEvent.Kind)
        {
            case AuthEventKind.Offer:
                // The mechanisms went out in CAPABILITY / EHLO before the client chose one.
                return;
            case AuthEventKind.Continue:
                await lines.WritePayloadLineAsync(replies.ChallengePrefix, authEvent.Data, initialResponse: false, cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Succeeded:
                if (!authEvent.Data.IsEmpty)
                {
                    // Additional data with success travels as a last challenge; the client answers empty (RFC 4422 §5).
                    await lines.WritePayloadLineAsync(replies.ChallengePrefix, authEvent.Data, initialResponse: false, cancellationToken).ConfigureAwait(false);
                    var answer = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (answer.Length != 0)
                    {
                        ClientRefusedSuccess = true;
                        Cancelled = answer == "*";
                        await ConcludeAsync(Cancelled ? replies.Cancelled : replies.Failure, cancellationToken).ConfigureAwait(false);
                        throw SaslErrors.Violation("The client did not accept the server's final data (it could not verify the server).");
                    }
                }

                await ConcludeAsync(replies.Success, cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Failed:
                await ConcludeAsync(replies.Failure, cancellationToken).ConfigureAwait(false);
                return;
            default:
                // SASL has one mechanism per exchange and no factor chain on the wire.
                await ConcludeAsync(replies.Failure, cancellationToken).ConfigureAwait(false);
                throw SaslErrors.Violation($"A SASL exchange cannot carry a {authEvent.Kind} step (mechanism switch or further factor).");
        }
    }

    private async ValueTask<byte[]> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line == "*")
        {
            Cancelled = true;
            await ConcludeAsync(replies.Cancelled, cancellationToken).ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client cancelled the exchange (*).");
        }

        return SaslBase64.Decode(line);
    }

    private async ValueTask ConcludeAsync(string line, CancellationToken cancellationToken)
    {
        Concluded = true;
        await lines.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
    }
}
