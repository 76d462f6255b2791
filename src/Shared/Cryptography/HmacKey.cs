using System.Security.Cryptography;

namespace Handshake.Internal.Cryptography;

/// <summary>
/// An HMAC key whose inner and outer pad states (RFC 2104 §2) are computed once, when a long-lived
/// key such as a stored credential's StoredKey or ServerKey is loaded, so each MAC then costs the
/// message's compressions plus one. The states are as secret as the key: they are kept in pinned
/// memory and wiped by <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class HmacKey : IDisposable
{
    private readonly Digest _digest;
    private readonly byte[] _material;
    private readonly bool _isPadStates;

    /// <summary>Wraps the key itself (the BCL path), or the two libcrypto contexts after the inner and outer pad blocks (<paramref name="isPadStates"/>).</summary>
    internal HmacKey(Digest digest, byte[] key, bool isPadStates = false)
    {
        _digest = digest;
        _material = key;
        _isPadStates = isPadStates;
    }

    /// <summary>Gets the digest this key MACs with.</summary>
    public Digest Digest => _digest;

    /// <summary>HMAC(key, data) into <paramref name="destination"/> (at least the digest's length).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        _digest.CheckDestination(destination);
        if (!_isPadStates || data.Length > Digest.MaxNativeInput)
        {
            if (_isPadStates)
            {
                throw new ArgumentException($"A message MACed with precomputed states is at most {Digest.MaxNativeInput} bytes.", nameof(data));
            }

            _ = CryptographicOperations.HmacData(_digest.Algorithm, _material, data, destination);
            return;
        }

        var raw = stackalloc byte[LibCrypto.ContextSize + LibCrypto.ContextAlignment];
        var work = Digest.Align(raw);
        fixed (byte* states = _material)
        fixed (byte* output = destination)
        {
            _digest.FinishHmac(states, states + LibCrypto.ContextSize, work, data, output);
        }
    }

    /// <summary>Wipes the key or its pad states.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_material);
}
