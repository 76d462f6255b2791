using System.Security.Cryptography;
using System.Text;

namespace Handshake.Mfa.Internal;

/// <summary>One TOTP factor on the client: a single answer to the server's prompt.</summary>
internal sealed class TotpClientExchange(AuthExchangeContext context, TotpClientOptions options, TotpKey? key) : IAuthExchange
{
    // A prompt is a short sentence; more than this from a peer is cut, never shown whole.
    private const int MaxPromptBytes = 256;
    private bool _answered;

    // The code sent: a secret until its time step passes, wiped when the exchange ends.
    private byte[]? _code;

    public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        if (_answered)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server asked for a second TOTP code in one factor; the factor is a single code.", context.PluginName, context.FactorIndex);
        }

        _answered = true;

        // A code is short-lived but a man in the middle can relay it at once: it goes out only where a password may.
        context.EnsureCleartextAllowed("a one-time code");
        if (key is not null)
        {
            var parameters = key.Parameters;
            var code = new byte[parameters.Digits];
            Totp.WriteCode(key.Key, Totp.GetTimeStep(context.Time.GetUtcNow(), parameters.PeriodSeconds), parameters, code);
            _code = code;
            return AuthReply.Send(code);
        }

        var digits = options.Parameters.Digits;
        var prompt = new TotpPromptContext(context.PluginName, context.FactorIndex, context.UserName, ToPrintable(serverData.Span), digits);
        var answer = await options.Prompt!(prompt, cancellationToken).ConfigureAwait(false);
        _code = ValidateAnswer(answer, digits);
        return AuthReply.Send(_code);
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
    }

    public void Dispose()
    {
        key?.Dispose();
        if (_code is not null)
        {
            CryptographicOperations.ZeroMemory(_code);
        }
    }

    private byte[] ValidateAnswer(string? answer, int digits)
    {
        // Apps show codes as "123 456"; spaces are dropped, anything else but ASCII digits is refused.
        var code = new byte[digits];
        var count = 0;
        foreach (var c in answer ?? string.Empty)
        {
            if (c == ' ')
            {
                continue;
            }

            if (c is < '0' or > '9' || count == digits)
            {
                count = -1;
                break;
            }

            code[count++] = (byte)c;
        }

        if (count != digits)
        {
            CryptographicOperations.ZeroMemory(code);
            throw new HandshakeException(
                AuthErrorCode.InvalidCredential,
                $"The code entered for factor {context.FactorIndex} ({context.PluginName}) must be exactly {digits} digits; nothing was sent.",
                context.PluginName,
                context.FactorIndex);
        }

        return code;
    }

    private static string ToPrintable(ReadOnlySpan<byte> data) =>
        PeerText.Printable(Encoding.UTF8.GetString(data.Length > MaxPromptBytes ? data[..MaxPromptBytes] : data), MaxPromptBytes);
}
