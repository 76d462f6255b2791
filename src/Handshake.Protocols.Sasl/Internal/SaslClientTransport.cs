namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// What the IMAP and SMTP client transports share (RFC 4422 §5 as both profiles frame it): the offer is
/// the server's advertised list; the first message travels with the protocol's command, every later one
/// as a base64 line; a challenge the mechanism had nothing to answer (additional data with success, e.g.
/// SCRAM's server-final) is answered with an empty line before the next read.
/// </summary>
internal abstract class SaslClientTransport(LineConnection lines, TransportSecurity security, IReadOnlyList<string> mechanisms) : IAuthTransport
{
    private bool _offered;
    private bool _commandSent;
    private bool _challengeUnanswered;

    public TransportSecurity Security => security;

    protected LineConnection Lines => lines;

    public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_offered)
        {
            _offered = true;
            return AuthEvent.Offer(mechanisms);
        }

        if (_challengeUnanswered)
        {
            _challengeUnanswered = false;
            await lines.WriteLineAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        }

        var next = await ReadEventAsync(cancellationToken).ConfigureAwait(false);
        _challengeUnanswered = next.Kind == AuthEventKind.Continue;
        return next;
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
        await SendCommandAsync(mechanism, message.Data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the server's next step: a challenge (Continue), success or failure.</summary>
    protected abstract ValueTask<AuthEvent> ReadEventAsync(CancellationToken cancellationToken);

    /// <summary>Sends the protocol's command naming the mechanism, with or before the first message.</summary>
    protected abstract ValueTask SendCommandAsync(string mechanism, ReadOnlyMemory<byte> firstMessage, CancellationToken cancellationToken);
}
