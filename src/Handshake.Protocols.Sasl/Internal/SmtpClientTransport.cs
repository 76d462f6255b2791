using System.Globalization;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// SMTP AUTH as the engine's client transport (RFC 4954): the offer is the EHLO AUTH keyword's list; the
/// first message goes with the command as the initial response ("=" when empty); "334 base64" replies are
/// challenges; 235 ends with success, any 4xx/5xx with failure.
/// </summary>
internal sealed class SmtpClientTransport(LineConnection lines, TransportSecurity security, IReadOnlyList<string> mechanisms)
    : SaslClientTransport(lines, security, mechanisms)
{
    private const int Success = 235;
    private const int Challenge = 334;

    protected override async ValueTask<AuthEvent> ReadEventAsync(CancellationToken cancellationToken)
    {
        var reply = await SmtpReply.ReadAsync(Lines, cancellationToken).ConfigureAwait(false);
        switch (reply.Code)
        {
            case Challenge:
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

    protected override ValueTask SendCommandAsync(string mechanism, ReadOnlyMemory<byte> firstMessage, CancellationToken cancellationToken) =>
        Lines.WritePayloadLineAsync($"AUTH {mechanism} ", firstMessage, initialResponse: true, cancellationToken);
}
