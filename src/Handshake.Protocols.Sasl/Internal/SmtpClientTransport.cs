using System.Globalization;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// SMTP AUTH as the engine's client transport (RFC 4954): the offer is the EHLO AUTH keyword's list; the
/// first message goes with the command as the initial response ("=" when empty); "334 base64" replies are
/// challenges; 235 ends with success, any 4xx/5xx with failure.
/// </summary>
internal sealed class SmtpClientTransport(LineConnection lines, TransportSecurity security, IReadOnlyList<string> mechanisms) : IAuthTransport
{
    private const int Success = 235;
    private const int Challenge = 334;
    private bool _offered;
    private bool _commandSent;
    private bool _challengeUnanswered;

    public TransportSecurity Security => security;

    public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_offered)
        {
            _offered = true;
            return AuthEvent.Offer(mechanisms);
        }

        if (_challengeUnanswered)
        {
            // Additional data with success arrives as a 334 challenge; the client answers with an empty line (RFC 4954 §4).
            _challengeUnanswered = false;
            await lines.WriteLineAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        }

        var reply = await SmtpReply.ReadAsync(lines, cancellationToken).ConfigureAwait(false);
        switch (reply.Code)
        {
            case Challenge:
                _challengeUnanswered = true;
                return AuthEvent.Continue(SaslBase64.Decode(reply.Lines[0].Trim()));
            case Success:
                return AuthEvent.Succeeded();
            case >= 400 and < 600:
                var code = reply.Code.ToString(CultureInfo.InvariantCulture) + (reply.EnhancedCode is { } enhanced ? " " + enhanced : string.Empty);
                return AuthEvent.Failed(code, reply.Text);
            default:
                throw SaslErrors.Violation($"The SMTP server answered AUTH with reply {reply.Code}.");
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
        await lines.WritePayloadLineAsync($"AUTH {mechanism} ", message.Data, initialResponse: true, cancellationToken).ConfigureAwait(false);
    }
}
