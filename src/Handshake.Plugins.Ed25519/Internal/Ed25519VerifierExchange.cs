using System.Security.Cryptography;

namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>One server run of ed25519: a 32-byte random scramble out, one signature in, accept or reject.</summary>
internal sealed class Ed25519VerifierExchange(VerifierContext context, Sodium sodium) : IVerifierExchange
{
    // Unknown users are checked against this per-process key (a real point, for a random secret
    // nobody keeps), so they cost the same verification as a wrong password and fail the same way.
    private static readonly Lazy<byte[]> DummyPublicKey = new(() =>
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var key = new byte[Sodium.PointLength];
        Ed25519Signature.DerivePublicKey(secret, key);
        CryptographicOperations.ZeroMemory(secret);
        return key;
    });

    private readonly byte[] _scramble = new byte[MariaDbEd25519.MessageLength];
    private bool _begun;
    private bool _done;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        // MariaDB's server plugin sends raw random bytes (my_random_bytes), not the 7-bit scramble of native password.
        context.Random.Fill(_scramble);
        _begun = true;
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(_scramble);
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (!_begun || _done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "ed25519 takes exactly one client signature after the scramble");
        }

        _done = true;
        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        Ed25519Credential? credential = null;
        if (stored is not null && !Ed25519Credential.TryParse(stored.Value, out credential))
        {
            return VerifierStep.Reject(AuthErrorCode.InvalidStoredCredential, $"the user's ed25519 stored credential is not {Ed25519Credential.FormattedLength} characters of unpadded base64");
        }

        if (clientData.Length != MariaDbEd25519.SignatureLength)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"the client's ed25519 reply is {clientData.Length} bytes; it must be {MariaDbEd25519.SignatureLength}");
        }

        var known = credential is not null;
        var publicKey = credential is null ? DummyPublicKey.Value : credential.PublicKey;
        var valid = sodium.Verify(clientData.Span, _scramble, publicKey);
        return known && valid ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_scramble);
}
