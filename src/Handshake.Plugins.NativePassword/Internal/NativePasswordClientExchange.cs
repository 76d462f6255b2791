using System.Security.Cryptography;

namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>One client run of mysql_native_password: a single response to the scramble, then the server's OK.</summary>
internal sealed class NativePasswordClientExchange : IAuthExchange
{
    private readonly AuthExchangeContext _context;

    // SHA1(pw), computed once; the response buffer is reused so the round allocates nothing.
    private readonly byte[] _stage1 = GC.AllocateArray<byte>(NativePasswordScramble.ResponseLength, pinned: true);
    private readonly byte[] _response = GC.AllocateArray<byte>(NativePasswordScramble.ResponseLength, pinned: true);
    private readonly bool _emptyPassword;
    private bool _responded;

    public NativePasswordClientExchange(AuthExchangeContext context)
    {
        _context = context;
        var secret = context.RequireSecret();
        var bytes = secret.Bytes;
        if (bytes.IsEmpty)
        {
            _emptyPassword = true;
        }
        else if (secret.Kind is AuthSecretKind.Binary or AuthSecretKind.PassThrough)
        {
            // A pass-through key (recovered by a verifier) is SHA1(password), as mysql2's passwordSha1 is.
            if (bytes.Length != NativePasswordScramble.ResponseLength)
            {
                throw new HandshakeException(
                    secret.Kind == AuthSecretKind.PassThrough ? AuthErrorCode.PassThroughMismatch : AuthErrorCode.MissingCredential,
                    $"A binary or pass-through secret for mysql_native_password must be the {NativePasswordScramble.ResponseLength}-byte SHA-1 of the password (mysql2's passwordSha1); this one has {bytes.Length} bytes.",
                    context.PluginName,
                    context.FactorIndex);
            }

            bytes.CopyTo(_stage1);
        }
        else
        {
            Native41Hash.Sha1(bytes, _stage1);
        }
    }

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        if (_responded)
        {
            // Native41 is one round: the server answers OK or ERR, never more data.
            throw Violation("The server sent more data after the mysql_native_password response; the method has a single round.");
        }

        if (!NativePasswordScramble.TryTrimScramble(serverData.Span, out var scramble))
        {
            throw Violation($"The server's mysql_native_password scramble is {serverData.Length} bytes; it must be {NativePasswordScramble.ScrambleLength} (or {NativePasswordScramble.ScrambleLength + 1} ending in NUL).");
        }

        _responded = true;
        if (_emptyPassword)
        {
            return ValueTask.FromResult(AuthReply.Send(ReadOnlyMemory<byte>.Empty));
        }

        _ = NativePasswordScramble.ComputeResponseFromPasswordHash(_stage1, scramble, _response);
        return ValueTask.FromResult(AuthReply.Send(_response));
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        // No mutual authentication in Native41: an OK is all there is.
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_stage1);
        CryptographicOperations.ZeroMemory(_response);
    }

    private HandshakeException Violation(string message) =>
        new(AuthErrorCode.ProtocolViolation, message, _context.PluginName, _context.FactorIndex);
}
