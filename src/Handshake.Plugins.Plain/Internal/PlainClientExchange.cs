using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>
/// The client side of PLAIN: one message, <c>[authzid] NUL authcid NUL passwd</c> (RFC 4616 §2), sent
/// only when the engine's cleartext gate allows it. No authorization identity is sent (the server
/// derives it from the authentication identity).
/// </summary>
internal sealed class PlainClientExchange(AuthExchangeContext context) : IAuthExchange
{
    private byte[]? _message;
    private bool _sent;

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_sent)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server sent a challenge after the PLAIN message; PLAIN has a single client message (RFC 4616 §2).");
        }

        if (!serverData.IsEmpty)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server sent a non-empty challenge before the PLAIN message; PLAIN starts with the client (RFC 4616 §2).");
        }

        var secret = context.RequireSecret();
        if (secret.Kind != AuthSecretKind.Text)
        {
            throw Fail(AuthErrorCode.MissingCredential, $"PLAIN sends a UTF-8 password (RFC 4616 §2); factor {context.FactorIndex} holds a binary secret.");
        }

        var user = Encoding.UTF8.GetBytes(context.UserName);
        if (user.Length is 0 or > PlainMechanism.MaxFieldLength || user.AsSpan().Contains((byte)0))
        {
            throw Fail(AuthErrorCode.MissingCredential, $"PLAIN needs a user name of 1 to {PlainMechanism.MaxFieldLength} UTF-8 octets without NUL (RFC 4616 §2).");
        }

        var password = secret.Bytes;
        if (password.Length is 0 or > PlainMechanism.MaxFieldLength || password.Contains((byte)0))
        {
            throw Fail(AuthErrorCode.MissingCredential, $"PLAIN needs a password of 1 to {PlainMechanism.MaxFieldLength} UTF-8 octets without NUL (RFC 4616 §2).");
        }

        // The one place the password leaves: only over verified TLS, a trusted local socket, or by opt-in.
        context.EnsureCleartextAllowed("the PLAIN password");
        _message = new byte[2 + user.Length + password.Length];
        user.CopyTo(_message.AsSpan(1));
        password.CopyTo(_message.AsSpan(2 + user.Length));
        _sent = true;
        return ValueTask.FromResult(AuthReply.Send(_message));
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        Wipe();
        if (!_sent)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server accepted PLAIN before the client sent its message.");
        }

        if (!finalData.IsEmpty)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server sent additional data with PLAIN's success; PLAIN has none (RFC 4616 §2).");
        }
    }

    public void Dispose() => Wipe();

    private HandshakeException Fail(AuthErrorCode code, string message)
    {
        Wipe();
        return new HandshakeException(code, message, context.PluginName, context.FactorIndex);
    }

    private void Wipe()
    {
        if (_message is not null)
        {
            CryptographicOperations.ZeroMemory(_message);
            _message = null;
        }
    }
}
