using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>The client side of one key auth factor: answers a challenge (or a key list, then its challenge) with a signature.</summary>
internal sealed class KeyAuthClientExchange(AuthExchangeContext context, KeyAuthClientOptions options) : IAuthExchange
{
    private State _state;
    private AsymmetricAlgorithm? _key;
    private bool _listed;

    private enum State
    {
        Start,
        AwaitingKeyList,
        Answered,
    }

    public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        var type = KeyAuthMessages.ReadType(serverData.Span, context.PluginName, context.FactorIndex, "server");
        switch (type)
        {
            case KeyAuthMessages.ServerChallenge when _state == State.Start:
                {
                    var challenge = KeyAuthMessages.ParseChallenge(serverData.Span, context.PluginName, context.FactorIndex);
                    _state = State.Answered;
                    return AuthReply.Send(await AnswerAsync(challenge, [], cancellationToken).ConfigureAwait(false));
                }

            case KeyAuthMessages.ServerKeysOffer when _state == State.Start && serverData.Length == 2:
                _state = State.AwaitingKeyList;
                return AuthReply.Send(KeyAuthMessages.KeyQuery());

            case KeyAuthMessages.ServerKeyList when _state == State.AwaitingKeyList:
                {
                    var (keys, challenge) = KeyAuthMessages.ParseKeyList(serverData.Span, context.PluginName, context.FactorIndex);
                    _state = State.Answered;
                    _listed = true;
                    return AuthReply.Send(await AnswerAsync(challenge, keys, cancellationToken).ConfigureAwait(false));
                }

            default:
                throw KeyAuthMessages.Violation($"The server sent key auth message type {type} where this client expected {Expected()}.", context.PluginName, context.FactorIndex);
        }
    }

    /// <summary>Key auth proves the client only; the server's identity rests on TLS, so an acceptance needs no proof.</summary>
    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        DisposeKey();
    }

    public void Dispose() => DisposeKey();

    private string Expected() => _state switch
    {
        State.Start => "a challenge (1) or a key offer (3)",
        State.AwaitingKeyList => "a key list (2)",
        _ => "nothing more (the signature was already sent)",
    };

    private async ValueTask<byte[]> AnswerAsync(byte[] challenge, KeyAuthFingerprint[] acceptedKeys, CancellationToken cancellationToken)
    {
        var data = KeyAuthSignedData.Build(context.PluginName, context.UserName, context.FactorIndex, challenge, context.Transport);
        return options.Signer is { } signer
            ? await SignRemotelyAsync(signer, data, acceptedKeys, cancellationToken).ConfigureAwait(false)
            : await SignLocallyAsync(data, acceptedKeys, cancellationToken).ConfigureAwait(false);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A signer is user code: whatever it throws becomes one typed error naming the plugin.")]
    private async ValueTask<byte[]> SignRemotelyAsync(IKeyAuthSigner signer, byte[] data, KeyAuthFingerprint[] acceptedKeys, CancellationToken cancellationToken)
    {
        KeyAuthSignature? result;
        try
        {
            result = await signer.SignAsync(new KeyAuthSigningRequest(context, data, acceptedKeys), cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            throw ex.WithContext(context.PluginName, context.FactorIndex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new HandshakeException(
                AuthErrorCode.KeyUnavailable,
                $"The remote signer of plugin '{context.PluginName}' failed for factor {context.FactorIndex} ({ex.GetType().Name}).",
                context.PluginName,
                context.FactorIndex,
                innerException: RedactedException.From(ex)); // the application's own message might name a secret
        }

        if (result is null)
        {
            throw new HandshakeException(AuthErrorCode.KeyUnavailable, $"The remote signer of plugin '{context.PluginName}' returned no signature.", context.PluginName, context.FactorIndex);
        }

        if (result.Algorithm is not (KeyAuthAlgorithm.EcdsaP256Sha256 or KeyAuthAlgorithm.EcdsaP384Sha384 or KeyAuthAlgorithm.RsaPssSha256))
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The remote signer of plugin '{context.PluginName}' used algorithm {result.Algorithm}, which key auth does not speak.", context.PluginName, context.FactorIndex);
        }

        if (result.Signature.Length is 0 or > KeyAuthMessages.MaxSignatureLength)
        {
            throw new HandshakeException(AuthErrorCode.KeyUnavailable, $"The remote signer of plugin '{context.PluginName}' returned a signature of {result.Signature.Length} bytes.", context.PluginName, context.FactorIndex);
        }

        EnsureAccepted(result.KeyFingerprint, acceptedKeys);
        return KeyAuthMessages.Response(result.KeyFingerprint, result.Algorithm, result.Signature.Span);
    }

    private async ValueTask<byte[]> SignLocallyAsync(byte[] data, KeyAuthFingerprint[] acceptedKeys, CancellationToken cancellationToken)
    {
        _key = await FetchKeyAsync(acceptedKeys, cancellationToken).ConfigureAwait(false);
        var algorithm = KeyTypes.AlgorithmOf(_key, options.MinimumRsaKeySize);
        if (algorithm == KeyAuthAlgorithm.None)
        {
            throw new HandshakeException(
                AuthErrorCode.PolicyViolation,
                $"The key for factor {context.FactorIndex} ({context.PluginName}) is {Describe(_key)}; key auth signs with ECDSA P-256/P-384 or RSA of at least {options.MinimumRsaKeySize} bits.",
                context.PluginName,
                context.FactorIndex);
        }

        var fingerprint = KeyAuthFingerprint.FromPublicKey(_key);
        EnsureAccepted(fingerprint, acceptedKeys);
        var signature = KeyTypes.Sign(_key, algorithm, data);
        DisposeKey();
        return KeyAuthMessages.Response(fingerprint, algorithm, signature);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A key source is user code: whatever it throws becomes one typed error naming the plugin.")]
    private async ValueTask<AsymmetricAlgorithm> FetchKeyAsync(KeyAuthFingerprint[] acceptedKeys, CancellationToken cancellationToken)
    {
        if (options.PrivateKeyPem is { } pem)
        {
            return PemKeyLoader.Load(pem, context);
        }

        AsymmetricAlgorithm? key;
        try
        {
            key = await options.KeySource!.GetKeyAsync(new KeyAuthKeyRequest(context, acceptedKeys), cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            throw ex.WithContext(context.PluginName, context.FactorIndex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new HandshakeException(
                AuthErrorCode.KeyUnavailable,
                $"The key source of plugin '{context.PluginName}' failed to fetch the key for user '{context.UserName}', factor {context.FactorIndex} ({ex.GetType().Name}).",
                context.PluginName,
                context.FactorIndex,
                innerException: RedactedException.From(ex)); // the application's own message might name a secret
        }

        return key ?? throw new HandshakeException(
            AuthErrorCode.KeyUnavailable,
            $"The key source of plugin '{context.PluginName}' returned no key for user '{context.UserName}', factor {context.FactorIndex}.",
            context.PluginName,
            context.FactorIndex);
    }

    private void EnsureAccepted(KeyAuthFingerprint fingerprint, KeyAuthFingerprint[] acceptedKeys)
    {
        // In multi-round mode the server said which keys it takes: signing with another would only fail later, less clearly.
        if (_listed && Array.IndexOf(acceptedKeys, fingerprint) < 0)
        {
            throw new HandshakeException(
                AuthErrorCode.KeyUnavailable,
                $"The server accepts {acceptedKeys.Length} key(s) for user '{context.UserName}' and key {fingerprint} is not one of them.",
                context.PluginName,
                context.FactorIndex);
        }
    }

    private static string Describe(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => $"ECDSA on curve {ec.ExportParameters(false).Curve.Oid?.FriendlyName ?? ec.ExportParameters(false).Curve.Oid?.Value ?? "(unnamed)"}",
        RSA rsa => $"RSA of {rsa.KeySize} bits",
        _ => key.GetType().Name,
    };

    private void DisposeKey()
    {
        var key = _key;
        _key = null;
        key?.Dispose();
    }
}
