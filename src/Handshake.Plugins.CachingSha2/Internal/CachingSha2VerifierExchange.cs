using System.Security.Cryptography;
using Handshake.Internal;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>
/// One server run of caching_sha2_password (MySQL sql/auth/sha2_password.cc): scramble out; the
/// client's SHA-256 response in; <c>0x03</c> + OK on a cache hit, else <c>0x04</c> and full
/// authentication (cleartext over a secure transport, a <c>0x02</c> key request, or RSA).
/// </summary>
internal sealed class CachingSha2VerifierExchange(CachingSha2Verifier verifier, VerifierContext context) : IVerifierExchange
{
    private const byte RequestPublicKey = 0x02;
    private const byte FastAuthSuccess = 0x03;
    private const byte PerformFullAuthentication = 0x04;
    private const int MaxPasswordLength = 1024;
    private static readonly byte[] FastAuthSuccessMarker = [FastAuthSuccess];
    private static readonly byte[] FullAuthenticationMarker = [PerformFullAuthentication];

    private readonly byte[] _scramble = new byte[CachingSha2Scramble.ScrambleLength];
    private State _state;
    private StoredCredential? _stored;
    private CachingSha2Credential? _credential;
    private bool _keySent;

    private enum State
    {
        NotBegun,
        AwaitingScrambleResponse,
        AwaitingFullAuthentication,
        Finished,
    }

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        CachingSha2Scramble.GenerateScramble(context.Random, _scramble);
        _state = State.AwaitingScrambleResponse;
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MySqlScrambleRules.WithTrailer(_scramble));
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.AwaitingScrambleResponse:
                _state = State.Finished;
                _stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
                if (_stored is null)
                {
                    // The same parse a known user's stored form costs, so an unknown user's reply is not quicker.
                    _ = CachingSha2Credential.TryParse(verifier.UnknownUserStoredValue, out _);
                }
                else if (!CachingSha2Credential.TryParse(_stored.Value, out _credential))
                {
                    return VerifierStep.Reject(AuthErrorCode.InvalidStoredCredential, "the user's caching_sha2_password stored credential is not in the $SHA2$ form");
                }

                return await ProcessScrambleResponseAsync(clientData, cancellationToken).ConfigureAwait(false);
            case State.AwaitingFullAuthentication:
                if (IsPublicKeyRequest(clientData.Span))
                {
                    _keySent = true;
                    return VerifierStep.Continue(verifier.PublicKeyPemBytes);
                }

                // Full authentication runs the stored credential's SHA-256 crypt (5000 rounds by default, and
                // the same for an unknown user's stand-in) and, over a plain transport, an RSA decryption:
                // deliberately slow work, run under the process's key-derivation limiter like SCRAM's PBKDF2,
                // so a storm of uncached logins queues instead of occupying every thread-pool thread.
                VerifierStep step;
                byte[]? toCache;
                using (await context.KeyDerivation.AcquireAsync(cancellationToken).ConfigureAwait(false))
                {
                    step = ProcessFullAuthentication(clientData.Span, out toCache);
                }

                if (toCache is not null)
                {
                    try
                    {
                        await verifier.Cache.SetAsync(context.UserName!, _stored!.Value, toCache, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(toCache);
                    }
                }

                return step;
            default:
                return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "caching_sha2_password got a client message after the exchange finished");
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_scramble);

    private async ValueTask<VerifierStep> ProcessScrambleResponseAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        // libmysqlclient sends a single NUL for an empty password; other clients send nothing.
        var token = clientData.Length == 1 && clientData.Span[0] == 0 ? ReadOnlyMemory<byte>.Empty : clientData;
        if (token.Length != CachingSha2Scramble.ResponseLength || _credential is { IsEmpty: true })
        {
            return ProcessScrambleResponse(token.Span, cached: null);
        }

        // The cache is asked for every user, known or not (an unknown one against an empty stored
        // value, which never hits), so a shared cache's round trip does not tell them apart.
        var cached = GC.AllocateArray<byte>(CachingSha2Scramble.ResponseLength, pinned: true);
        try
        {
            var hit = await verifier.Cache.TryGetAsync(context.UserName ?? string.Empty, _stored?.Value ?? verifier.UnknownUserStoredValue, cached, cancellationToken).ConfigureAwait(false);
            return ProcessScrambleResponse(token.Span, hit ? cached : null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cached);
        }
    }

    private VerifierStep ProcessScrambleResponse(ReadOnlySpan<byte> token, byte[]? cached)
    {
        if (token.Length is not 0 and not CachingSha2Scramble.ResponseLength)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"the client's scramble response is {token.Length} bytes; it must be 0 or {CachingSha2Scramble.ResponseLength}");
        }

        var known = _credential is not null;
        if (known && _credential!.IsEmpty)
        {
            return token.IsEmpty ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
        }

        if (token.IsEmpty)
        {
            // An empty response never matches an account with a password (nor the fake one of an unknown user).
            return VerifierStep.Reject(AuthErrorCode.InvalidCredential);
        }

        // Every user takes the same steps here: one cache lookup (done by the caller; an unknown user's
        // with a stand-in stored form) and the fast check's two SHA-256s (against a stand-in entry on a
        // miss), so the time to answer does not tell a cached user from an uncached or unknown one.
        var match = FastVerify(token, cached ?? verifier.UnknownUserDoubleHash);
        if (known && cached is not null && match)
        {
            // The adapter sends 0x03 as AuthMoreData, then OK.
            return VerifierStep.Accept(FastAuthSuccessMarker);
        }

        // A miss, a stale entry, a wrong response and an unknown user all look the same: full authentication.
        _state = State.AwaitingFullAuthentication;
        return VerifierStep.Continue(FullAuthenticationMarker);
    }

    private VerifierStep ProcessFullAuthentication(ReadOnlySpan<byte> data, out byte[]? toCache)
    {
        toCache = null;
        _state = State.Finished;
        var transport = context.Transport;
        var keyLength = verifier.Key.KeySize / 8;
        byte[]? decrypted = null;
        try
        {
            ReadOnlySpan<byte> passwordWithNul;
            if (transport.IsEncrypted || transport.IsTrustedLocal)
            {
                passwordWithNul = data;
            }
            else if (data.Length != keyLength)
            {
                // Not an RSA block: a client sending the password in the clear over a plain transport.
                return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "the client sent a cleartext password over a plain transport; only RSA-encrypted passwords are accepted there");
            }
            else
            {
                try
                {
                    decrypted = verifier.Key.Decrypt(data.ToArray(), RSAEncryptionPadding.OaepSHA1);
                }
                catch (CryptographicException)
                {
                    return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client's RSA-encrypted password did not decrypt with the server's key");
                }

                RsaPasswordCipher.Xor(decrypted, _scramble);
                passwordWithNul = decrypted;
            }

            if (passwordWithNul.IsEmpty || passwordWithNul[^1] != 0 || passwordWithNul.Length > MaxPasswordLength + 1)
            {
                return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client's full-authentication password is not NUL-terminated or is too long");
            }

            var password = passwordWithNul[..^1];
            var credential = _credential ?? verifier.UnknownUserCredential;
            var match = credential.Verify(password);
            if (_credential is null || !match)
            {
                return VerifierStep.Reject(AuthErrorCode.InvalidCredential);
            }

            Span<byte> stage1 = stackalloc byte[CachingSha2Scramble.ResponseLength];
            var stage2 = GC.AllocateArray<byte>(CachingSha2Scramble.ResponseLength, pinned: true);
            Digest.Sha256.Hash(password, stage1);
            Digest.Sha256.Hash(stage1, stage2);
            CryptographicOperations.ZeroMemory(stage1);

            // Recorded by the caller (the cache may be a shared store, reached asynchronously), which wipes it.
            toCache = stage2;
            return VerifierStep.Accept();
        }
        finally
        {
            if (decrypted is not null)
            {
                CryptographicOperations.ZeroMemory(decrypted);
            }
        }
    }

    /// <summary>The client's request for the server's RSA public key (once per exchange); anything else is the password.</summary>
    private bool IsPublicKeyRequest(ReadOnlySpan<byte> data) => data.Length == 1 && data[0] == RequestPublicKey && !_keySent;

    /// <summary>candidate SHA256(pw) = token XOR SHA256(cached || scramble); it is right when SHA256(candidate) equals cached.</summary>
    private bool FastVerify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> cached)
    {
        Span<byte> buffer = stackalloc byte[CachingSha2Scramble.ResponseLength + CachingSha2Scramble.ScrambleLength];
        Span<byte> candidate = stackalloc byte[CachingSha2Scramble.ResponseLength];
        Span<byte> check = stackalloc byte[CachingSha2Scramble.ResponseLength];
        try
        {
            cached.CopyTo(buffer);
            _scramble.CopyTo(buffer[CachingSha2Scramble.ResponseLength..]);
            verifier.Hasher.Sha256(buffer, candidate);
            for (var i = 0; i < candidate.Length; i++)
            {
                candidate[i] ^= token[i];
            }

            verifier.Hasher.Sha256(candidate, check);
            return CryptographicOperations.FixedTimeEquals(check, cached);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(candidate);
            CryptographicOperations.ZeroMemory(check);
        }
    }
}
