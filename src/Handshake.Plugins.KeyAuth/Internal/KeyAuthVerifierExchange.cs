using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>The server side of one key auth factor: issues a challenge, optionally lists the user's keys, verifies the signature.</summary>
internal sealed class KeyAuthVerifierExchange(VerifierContext context, KeyAuthVerifier owner) : IVerifierExchange
{
    /// <summary>One detail for an unknown user, an unknown key and a bad signature, so even the server's logs do not split them by accident.</summary>
    private const string NoMatch = "no key of the user matches the response, or the signature did not verify";

    private readonly byte[] _challenge = new byte[KeyAuthDefaults.ChallengeLength];
    private DateTimeOffset _issuedAt;
    private State _state;
    private List<StoredKey>? _keys;
    private bool _keysLoaded;

    private enum State
    {
        NotBegun,
        AwaitingQuery,
        AwaitingResponse,
        Done,
    }

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        if (_state != State.NotBegun)
        {
            throw new InvalidOperationException("The exchange already began.");
        }

        context.Random.Fill(_challenge);
        _issuedAt = context.Time.GetUtcNow();
        _state = owner.Options.AdvertiseKeys ? State.AwaitingQuery : State.AwaitingResponse;
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(owner.Options.AdvertiseKeys ? KeyAuthMessages.KeysOffer() : KeyAuthMessages.Challenge(_challenge));
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        var state = _state;
        _state = State.Done;
        try
        {
            var type = KeyAuthMessages.ReadType(clientData.Span, context.Mechanism, context.FactorIndex, "client");
            if (state == State.AwaitingQuery && type == KeyAuthMessages.ClientKeyQuery && clientData.Length == 2)
            {
                var listed = await ListKeysAsync(cancellationToken).ConfigureAwait(false);
                _state = State.AwaitingResponse;
                return VerifierStep.Continue(KeyAuthMessages.KeyList(listed, _challenge));
            }

            if (state == State.AwaitingResponse && type == KeyAuthMessages.ClientResponse)
            {
                return await VerifyAsync(clientData, cancellationToken).ConfigureAwait(false);
            }

            return state == State.Done
                ? VerifierStep.Reject(AuthErrorCode.ReplayDetected, "a second response arrived for a challenge already answered")
                : VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"unexpected key auth message type {type} in state {state}");
        }
        catch (HandshakeException ex)
        {
            return VerifierStep.Reject(ex.Code, ex.Message);
        }
    }

    public void Dispose()
    {
        if (_keys is { } keys)
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }

        _keys = null;
        CryptographicOperations.ZeroMemory(_challenge);
    }

    private async ValueTask<VerifierStep> VerifyAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        var (fingerprint, algorithm, signature) = KeyAuthMessages.ParseResponse(clientData.Span, context.Mechanism, context.FactorIndex);
        var now = context.Time.GetUtcNow();
        var expires = _issuedAt + owner.Options.ChallengeLifetime;
        if (now > expires)
        {
            return VerifierStep.Reject(AuthErrorCode.Timeout, $"the challenge expired: answered after {(now - _issuedAt).TotalSeconds:0.#} s, lifetime {owner.Options.ChallengeLifetime.TotalSeconds:0.#} s");
        }

        switch (owner.Challenges.TryConsume(_challenge, expires, now))
        {
            case ConsumedChallengeStore.Outcome.Reused:
                return VerifierStep.Reject(AuthErrorCode.ReplayDetected, "the challenge was already used");
            case ConsumedChallengeStore.Outcome.Full:
                return VerifierStep.Reject(AuthErrorCode.ReplayDetected, "too many unexpired challenges are tracked to rule out reuse; refused to stay safe");
        }

        var userName = context.UserName ?? throw KeyAuthMessages.Violation("The client's response arrived before its user name was known.", context.Mechanism, context.FactorIndex);
        var keys = await LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var key = keys?.Find(k => k.Fingerprint.Equals(fingerprint));
        var data = KeyAuthSignedData.Build(context.Mechanism, userName, context.FactorIndex, _challenge, context.Transport);
        if (key is null)
        {
            // Unknown user or unknown key: spend the work of a verification, then fail exactly as a bad signature does.
            _ = KeyTypes.Verify(KeyAuthVerifier.DecoyKey, KeyAuthAlgorithm.EcdsaP256Sha256, data, signature);
            return VerifierStep.Reject(AuthErrorCode.InvalidCredential, NoMatch);
        }

        if (key.Algorithm != algorithm || !KeyTypes.Verify(key.Key, algorithm, data, signature))
        {
            return VerifierStep.Reject(AuthErrorCode.InvalidCredential, NoMatch);
        }

        if (await owner.IsRevokedAsync(fingerprint, cancellationToken).ConfigureAwait(false))
        {
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, $"key {fingerprint} is revoked");
        }

        return VerifierStep.Accept();
    }

    private async ValueTask<IReadOnlyList<KeyAuthFingerprint>> ListKeysAsync(CancellationToken cancellationToken)
    {
        var keys = await LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            // Unknown user: a made-up fingerprint, stable per user name, so asking twice gives the same plausible answer.
            return [KeyAuthFingerprint.FromHash(ServerSecrets.DeriveForUnknownUser(owner.DecoyListKey, "key auth fingerprint", context.UserName ?? string.Empty))];
        }

        var listed = new List<KeyAuthFingerprint>(keys.Count);
        foreach (var key in keys)
        {
            if (!await owner.IsRevokedAsync(key.Fingerprint, cancellationToken).ConfigureAwait(false))
            {
                listed.Add(key.Fingerprint);
            }
        }

        return listed;
    }

    private async ValueTask<List<StoredKey>?> LoadKeysAsync(CancellationToken cancellationToken)
    {
        if (_keysLoaded)
        {
            return _keys;
        }

        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        _keysLoaded = true;
        if (stored is null)
        {
            return null;
        }

        try
        {
            _keys = StoredKeyParser.Parse(stored.Value, owner.Options.MinimumRsaKeySize);
        }
        catch (FormatException ex)
        {
            throw new HandshakeException(AuthErrorCode.InvalidStoredCredential, $"the stored key auth credential of user '{context.UserName}' is invalid: {ex.Message}", context.Mechanism, context.FactorIndex);
        }

        return _keys;
    }
}
