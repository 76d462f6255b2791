namespace Handshake.Plugins.KeyAuth;

/// <summary>What a remote signer is asked to sign, and for whom.</summary>
public sealed class KeyAuthSigningRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="context">The exchange's context.</param>
    /// <param name="dataToSign">The bytes to sign (layout in <see cref="KeyAuthSignedData"/>).</param>
    /// <param name="acceptedKeys">Fingerprints the server listed in multi-round mode; empty in single-round mode.</param>
    public KeyAuthSigningRequest(AuthExchangeContext context, ReadOnlyMemory<byte> dataToSign, IReadOnlyList<KeyAuthFingerprint> acceptedKeys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(acceptedKeys);
        Context = context;
        DataToSign = dataToSign;
        AcceptedKeys = acceptedKeys;
    }

    /// <summary>Gets the exchange's context.</summary>
    public AuthExchangeContext Context { get; }

    /// <summary>Gets the exact bytes to sign; the signer hashes them with the algorithm's hash.</summary>
    public ReadOnlyMemory<byte> DataToSign { get; }

    /// <summary>Gets the keys the server accepts (multi-round mode): the signer should pick one of them. Empty when the server did not say.</summary>
    public IReadOnlyList<KeyAuthFingerprint> AcceptedKeys { get; }
}
