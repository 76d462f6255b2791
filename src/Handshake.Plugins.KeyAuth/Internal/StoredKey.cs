using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>One public key of a user, parsed from the stored credential.</summary>
internal sealed class StoredKey(KeyAuthFingerprint fingerprint, KeyAuthAlgorithm algorithm, AsymmetricAlgorithm key) : IDisposable
{
    public KeyAuthFingerprint Fingerprint { get; } = fingerprint;

    public KeyAuthAlgorithm Algorithm { get; } = algorithm;

    public AsymmetricAlgorithm Key { get; } = key;

    public void Dispose() => Key.Dispose();
}
