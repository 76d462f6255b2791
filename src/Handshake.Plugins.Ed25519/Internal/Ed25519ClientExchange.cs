using System.Security.Cryptography;

namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>One client run of client_ed25519: the server's 32-byte scramble in, one 64-byte signature out, then OK or ERR.</summary>
internal sealed class Ed25519ClientExchange : IAuthExchange
{
    private readonly AuthExchangeContext _context;
    private readonly Sodium _sodium;

    // SHA-512(password), held only until the one signature is made; the reply buffer is wiped on Dispose.
    private readonly byte[] _expandedKey = GC.AllocateArray<byte>(MariaDbEd25519.ExpandedKeyLength, pinned: true);
    private readonly byte[] _signature = GC.AllocateArray<byte>(MariaDbEd25519.SignatureLength, pinned: true);
    private bool _responded;

    public Ed25519ClientExchange(AuthExchangeContext context, Sodium sodium)
    {
        _context = context;
        _sodium = sodium;
        var secret = context.RequireSecret();
        var bytes = secret.Bytes;
        if (secret.Kind == AuthSecretKind.Binary)
        {
            if (bytes.Length != MariaDbEd25519.ExpandedKeyLength)
            {
                throw new HandshakeException(
                    AuthErrorCode.MissingCredential,
                    $"A binary secret for client_ed25519 must be the {MariaDbEd25519.ExpandedKeyLength}-byte SHA-512 of the password; this one has {bytes.Length} bytes.",
                    context.PluginName,
                    context.FactorIndex);
            }

            bytes.CopyTo(_expandedKey);
        }
        else
        {
            // MariaDB's client hashes the password bytes as given (libmariadb: strlen(passwd)); an
            // empty password is signed like any other and fails at a server that stored none.
            MariaDbEd25519.ExpandPassword(bytes, _expandedKey);
        }
    }

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        if (_responded)
        {
            throw Violation("The server sent more data after the client_ed25519 signature; the method has a single round.");
        }

        if (serverData.Length != MariaDbEd25519.MessageLength)
        {
            throw Violation($"The server's client_ed25519 scramble is {serverData.Length} bytes; MariaDB sends exactly {MariaDbEd25519.MessageLength}.");
        }

        _responded = true;
        try
        {
            MariaDbEd25519.Sign(_sodium, _expandedKey, serverData.Span, _signature);
        }
        catch (CryptographicException)
        {
            throw new HandshakeException(AuthErrorCode.PluginFailure, "libsodium could not complete the client_ed25519 signature.", _context.PluginName, _context.FactorIndex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_expandedKey);
        }

        return ValueTask.FromResult(AuthReply.Send(_signature));
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        // No mutual authentication in MariaDB's ed25519: the server proves nothing, an OK is all there is.
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_expandedKey);
        CryptographicOperations.ZeroMemory(_signature);
    }

    private HandshakeException Violation(string message) =>
        new(AuthErrorCode.ProtocolViolation, message, _context.PluginName, _context.FactorIndex);
}
