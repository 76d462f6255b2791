using System.Security.Cryptography;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>
/// One client run of caching_sha2_password (MySQL sql-common/client_authentication.cc):
/// scramble response; then <c>0x03</c> (fast auth OK, OK follows) or <c>0x04</c> (full auth).
/// </summary>
internal sealed class CachingSha2ClientExchange : IAuthExchange
{
    private const byte RequestPublicKey = 0x02;
    private const byte FastAuthSuccess = 0x03;
    private const byte PerformFullAuthentication = 0x04;

    private readonly AuthExchangeContext _context;
    private readonly CachingSha2Options _options;
    private readonly byte[] _password;
    private readonly byte[] _scramble = new byte[CachingSha2Scramble.ScrambleLength];
    private readonly byte[] _response = GC.AllocateArray<byte>(CachingSha2Scramble.ResponseLength, pinned: true);
    private byte[]? _cleartext;
    private State _state;

    public CachingSha2ClientExchange(AuthExchangeContext context, CachingSha2Options options)
    {
        _context = context;
        _options = options;
        var secret = context.RequireSecret();
        if (secret.Kind != AuthSecretKind.Text)
        {
            // Full authentication sends the password itself, so a pre-hashed secret cannot do.
            throw new HandshakeException(AuthErrorCode.MissingCredential, "caching_sha2_password needs the password as text; a binary (pre-hashed) secret cannot complete full authentication.", context.PluginName, context.FactorIndex);
        }

        _password = GC.AllocateArray<byte>(secret.Length, pinned: true);
        secret.Bytes.CopyTo(_password);
    }

    private enum State
    {
        AwaitingScramble,
        AwaitingAuthResult,
        AwaitingPublicKey,
        Finished,
    }

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_state switch
        {
            State.AwaitingScramble => RespondToScramble(serverData.Span),
            State.AwaitingAuthResult => RespondToAuthResult(serverData.Span),
            State.AwaitingPublicKey => RespondWithRetrievedKey(serverData.Span),
            _ => throw Error(AuthErrorCode.ProtocolViolation, "The server sent more caching_sha2_password data after the exchange finished."),
        });

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        // The fast path's 0x03 marker may arrive as the acceptance's data; nothing else may.
        if (finalData.Length > 1 || (finalData.Length == 1 && finalData.Span[0] != FastAuthSuccess))
        {
            throw Error(AuthErrorCode.ProtocolViolation, $"The server accepted caching_sha2_password with {finalData.Length} unexpected bytes of data; only the fast-auth marker 0x03 is allowed.");
        }

        _state = State.Finished;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_password);
        CryptographicOperations.ZeroMemory(_response);
        if (_cleartext is not null)
        {
            CryptographicOperations.ZeroMemory(_cleartext);
        }
    }

    private AuthReply RespondToScramble(ReadOnlySpan<byte> data)
    {
        if (!CachingSha2Scramble.TryTrimScramble(data, out var scramble))
        {
            throw Error(AuthErrorCode.ProtocolViolation, $"The server's caching_sha2_password scramble is {data.Length} bytes; it must be {CachingSha2Scramble.ScrambleLength} (or {CachingSha2Scramble.ScrambleLength + 1} ending in NUL).");
        }

        scramble.CopyTo(_scramble);
        _state = State.AwaitingAuthResult;
        var written = CachingSha2Scramble.ComputeFastResponse(_password, _scramble, _response);
        return AuthReply.Send(_response.AsMemory(0, written));
    }

    private AuthReply RespondToAuthResult(ReadOnlySpan<byte> data)
    {
        if (data.Length == 1 && data[0] == FastAuthSuccess)
        {
            // The server found us in its cache; its OK follows with nothing more to send.
            _state = State.Finished;
            return AuthReply.None;
        }

        if (data.Length != 1 || data[0] != PerformFullAuthentication)
        {
            throw Error(AuthErrorCode.ProtocolViolation, $"The server answered the caching_sha2_password scramble response with {data.Length} bytes; expected 0x03 (fast auth OK) or 0x04 (full authentication).");
        }

        var transport = _context.Transport;
        if (transport.IsEncrypted || transport.IsTrustedLocal)
        {
            // A MySQL server reads the password in the clear over TLS or a local socket. Over TLS
            // whose certificate was not verified a man in the middle would read it: the gate decides.
            _context.EnsureCleartextAllowed("the password in cleartext (caching_sha2_password full authentication)");
            _state = State.Finished;
            _cleartext = GC.AllocateArray<byte>(_password.Length + 1, pinned: true);
            _password.CopyTo(_cleartext, 0);
            return AuthReply.Send(_cleartext);
        }

        if (!string.IsNullOrEmpty(_options.ServerPublicKeyPem))
        {
            using var rsa = RsaPasswordCipher.TryImport(_options.ServerPublicKeyPem)
                ?? throw Error(AuthErrorCode.KeyUnavailable, "CachingSha2Options.ServerPublicKeyPem is not an RSA key in PEM.");
            return Encrypt(rsa);
        }

        if (!_options.AllowPublicKeyRetrieval)
        {
            throw Error(
                AuthErrorCode.PolicyViolation,
                "The server needs full caching_sha2_password authentication over a plain transport, and fetching its RSA public key is not allowed. Use TLS, configure CachingSha2Options.ServerPublicKeyPem, or set CachingSha2Options.AllowPublicKeyRetrieval (a fetched key can be replaced by a man in the middle).");
        }

        _state = State.AwaitingPublicKey;
        return AuthReply.Send(new[] { RequestPublicKey });
    }

    private AuthReply RespondWithRetrievedKey(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.Length > RsaPasswordCipher.MaxPemLength)
        {
            throw Error(AuthErrorCode.ProtocolViolation, $"The server's caching_sha2_password public key is {data.Length} bytes; expected a PEM of 1 to {RsaPasswordCipher.MaxPemLength} bytes.");
        }

        Span<char> pem = data.Length <= 4096 ? stackalloc char[data.Length] : new char[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            pem[i] = (char)data[i];
        }

        using var rsa = RsaPasswordCipher.TryImport(pem)
            ?? throw Error(AuthErrorCode.ProtocolViolation, "The server's caching_sha2_password public key is not an RSA key in PEM.");
        return Encrypt(rsa);
    }

    private AuthReply Encrypt(RSA rsa)
    {
        try
        {
            return EncryptWithKey(rsa);
        }
        catch (CryptographicException ex)
        {
            // A PEM that parses can still hold a key OpenSSL refuses to use (found by the mysql-client
            // fuzz target: one flipped bit in the modulus). That is the server's fault, not a crash.
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server's RSA public key for caching_sha2_password could not be used to encrypt the password; it is malformed.", _context.PluginName, _context.FactorIndex, innerException: ex);
        }
    }

    private AuthReply EncryptWithKey(RSA rsa)
    {
        if (rsa.KeySize < RsaPasswordCipher.MinKeySizeBits)
        {
            throw Error(AuthErrorCode.PolicyViolation, $"The server's RSA key has {rsa.KeySize} bits; at least {RsaPasswordCipher.MinKeySizeBits} are required to send the password.");
        }

        if (!RsaPasswordCipher.FitsKey(rsa, _password.Length + 1))
        {
            throw Error(AuthErrorCode.PluginFailure, $"The password is too long to encrypt with the server's {rsa.KeySize}-bit RSA key; use TLS.");
        }

        _state = State.Finished;
        return AuthReply.Send(RsaPasswordCipher.Encrypt(rsa, _password, _scramble));
    }

    private HandshakeException Error(AuthErrorCode code, string message) => new(code, message, _context.PluginName, _context.FactorIndex);
}
