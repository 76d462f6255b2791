using System.Security.Cryptography;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>One client run of mysql_clear_password: whatever the server sent, the password and a NUL, once (libmariadb: strlen + 1).</summary>
internal sealed class ClearPasswordClientExchange(AuthExchangeContext context) : IAuthExchange
{
    private byte[]? _message;
    private bool _sent;

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_sent)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server sent more data after the mysql_clear_password packet; the method has a single client packet.", context.PluginName, context.FactorIndex);
        }

        // The server's data (MariaDB's PAM plugin sends its first prompt there) is not read: the password is the whole answer.
        var secret = context.RequireSecret();
        var password = secret.Bytes;
        if (password.Length > DialogWire.MaxAnswerBytes || password.Contains((byte)0))
        {
            throw new HandshakeException(AuthErrorCode.MissingCredential, $"mysql_clear_password sends the password NUL-terminated: it must be at most {DialogWire.MaxAnswerBytes} bytes without a NUL; nothing was sent.", context.PluginName, context.FactorIndex);
        }

        // The one place the password leaves: only over verified TLS, a trusted local socket, or by opt-in.
        context.EnsureCleartextAllowed("the password in cleartext (mysql_clear_password)");
        _message = GC.AllocateArray<byte>(password.Length + 1, pinned: true);
        password.CopyTo(_message);
        _sent = true;
        return ValueTask.FromResult(AuthReply.Send(_message));
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData) => Wipe();

    public void Dispose() => Wipe();

    private void Wipe()
    {
        if (_message is not null)
        {
            CryptographicOperations.ZeroMemory(_message);
            _message = null;
        }
    }
}
