using System.Security.Cryptography;
using Handshake.Internal;

namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>One server run of mysql_native_password: scramble out, one response in, accept or reject.</summary>
internal sealed class NativePasswordVerifierExchange(VerifierContext context, bool recoverPassThroughKey = false) : IVerifierExchange, IPassThroughCredentialSource
{
    // Unknown users are checked against this per-process random hash, so they cost the same work
    // as a wrong password and fail the same way.
    private static readonly byte[] DummyDoubleHash = RandomNumberGenerator.GetBytes(NativePasswordScramble.ResponseLength);

    private readonly byte[] _scramble = new byte[NativePasswordScramble.ScrambleLength];
    private bool _begun;
    private bool _done;
    private PassThroughCredential? _passThrough;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        NativePasswordScramble.GenerateScramble(context.Random, _scramble);
        _begun = true;
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MySqlScrambleRules.WithTrailer(_scramble));
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (!_begun || _done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "mysql_native_password takes exactly one client response after the scramble");
        }

        _done = true;
        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        NativePasswordCredential? credential = null;
        if (stored is not null && !NativePasswordCredential.TryParse(stored.Value, out credential))
        {
            return VerifierStep.Reject(AuthErrorCode.InvalidStoredCredential, "the user's mysql_native_password stored credential is not '*' and 40 hex digits");
        }

        var token = clientData.Span;
        if (token.Length is not 0 and not NativePasswordScramble.ResponseLength)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"the client's response is {token.Length} bytes; it must be 0 or {NativePasswordScramble.ResponseLength}");
        }

        var known = credential is not null;
        var doubleHash = credential is null ? DummyDoubleHash : credential.DoubleHash;

        // An account without a password accepts only the empty response; any other account never does.
        if (doubleHash.IsEmpty || token.IsEmpty)
        {
            return known && doubleHash.IsEmpty && token.IsEmpty
                ? VerifierStep.Accept()
                : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
        }

        Span<byte> candidate = stackalloc byte[NativePasswordScramble.ResponseLength];
        try
        {
            var match = Verify(token, _scramble, doubleHash, candidate);
            if (!known || !match)
            {
                return VerifierStep.Reject(AuthErrorCode.InvalidCredential);
            }

            if (recoverPassThroughKey)
            {
                // Only after SHA1(candidate) = stored held: the candidate is SHA1(password).
                _passThrough = PassThroughCredential.ForKey(NativePasswordPluginNames.MySqlNativePassword, context.UserName ?? string.Empty, HashAlgorithmName.SHA1, candidate);
            }

            return VerifierStep.Accept();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }

    public PassThroughCredential? TakePassThroughCredential()
    {
        var taken = _passThrough;
        _passThrough = null;
        return taken;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_scramble);
        _passThrough?.Dispose();
        _passThrough = null;
    }

    /// <summary>candidate SHA1(pw) = token XOR SHA1(scramble || stored); it is right when SHA1(candidate) equals stored.</summary>
    private static bool Verify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> doubleHash, Span<byte> candidate)
    {
        Span<byte> buffer = stackalloc byte[NativePasswordScramble.ScrambleLength + NativePasswordScramble.ResponseLength];
        Span<byte> check = stackalloc byte[NativePasswordScramble.ResponseLength];
        try
        {
            scramble.CopyTo(buffer);
            doubleHash.CopyTo(buffer[NativePasswordScramble.ScrambleLength..]);
            Native41Hash.Sha1(buffer, candidate);
            for (var i = 0; i < candidate.Length; i++)
            {
                candidate[i] ^= token[i];
            }

            Native41Hash.Sha1(candidate, check);
            return CryptographicOperations.FixedTimeEquals(check, doubleHash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(check);
        }
    }
}
