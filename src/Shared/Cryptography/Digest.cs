using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Handshake.Internal.Cryptography;

/// <summary>
/// SHA-1, SHA-256 or SHA-512 with HMAC (RFC 2104) and PBKDF2 (RFC 8018 §5.2) built on the hash's block
/// function. The compression is always someone else's: OpenSSL's <c>SHA*_Transform</c> through
/// <see cref="LibCrypto"/> where the process can load it and the known-answer self-test passes, the
/// BCL (<see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, int, HashAlgorithmName)"/>,
/// <see cref="CryptographicOperations.HmacData(HashAlgorithmName, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>)
/// otherwise. Shared as source by the plugins, which may depend on Abstractions only.
/// </summary>
/// <remarks>
/// Why block level: the BCL's PBKDF2 rebuilds the HMAC state through EVP for every iteration (four
/// compressions and the EVP setup); RFC 2104's inner and outer pad states depend on the password only,
/// so they are computed once per derivation and each iteration is then two compressions of blocks
/// whose padding is fixed (the message is always one pad block plus one digest).
/// </remarks>
internal sealed unsafe class Digest
{
    /// <summary>The largest input handed to libcrypto in one call (the calls skip the GC transition, so they stay short); longer inputs go to the BCL.</summary>
    public const int MaxNativeInput = 16 * 1024;

    private const int MaxBlockSize = 128;
    private const int MaxHashSize = 64;
    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5C;

    private static readonly Lazy<Digest> DefaultSha1 = new(() => Select(HashAlgorithmName.SHA1));
    private static readonly Lazy<Digest> DefaultSha256 = new(() => Select(HashAlgorithmName.SHA256));
    private static readonly Lazy<Digest> DefaultSha512 = new(() => Select(HashAlgorithmName.SHA512));

    private readonly NativeDigestFunctions? _native;

    private Digest(HashAlgorithmName algorithm, NativeDigestFunctions? native)
    {
        Algorithm = algorithm;
        _native = native;
        (HashSize, BlockSize, WordSize) = Shape(algorithm);
    }

    /// <summary>Gets SHA-1, as selected for this process.</summary>
    public static Digest Sha1 => DefaultSha1.Value;

    /// <summary>Gets SHA-256, as selected for this process.</summary>
    public static Digest Sha256 => DefaultSha256.Value;

    /// <summary>Gets SHA-512, as selected for this process.</summary>
    public static Digest Sha512 => DefaultSha512.Value;

    /// <summary>Gets the hash algorithm.</summary>
    public HashAlgorithmName Algorithm { get; }

    /// <summary>Gets the digest length in bytes (equal to the chaining state's length for these three hashes).</summary>
    public int HashSize { get; }

    /// <summary>Gets the block length in bytes.</summary>
    public int BlockSize { get; }

    /// <summary>Gets whether the block function is libcrypto's (false: the BCL's one-shot calls).</summary>
    public bool IsNative => _native is not null;

    private int WordSize { get; }

    /// <summary>The digest selected for this process: libcrypto when allowed, resolvable and self-tested, else the BCL.</summary>
    public static Digest For(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA1 ? Sha1
        : algorithm == HashAlgorithmName.SHA256 ? Sha256
        : algorithm == HashAlgorithmName.SHA512 ? Sha512
        : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "Only SHA-1, SHA-256 and SHA-512 are supported.");

    /// <summary>The BCL path, always available: the fallback, and the reference the tests compare against.</summary>
    public static Digest Bcl(HashAlgorithmName algorithm)
    {
        _ = Shape(algorithm);
        return new Digest(algorithm, native: null);
    }

    /// <summary>The libcrypto path without the self-test or the switch, or null where the library or a symbol is missing.</summary>
    public static Digest? Native(HashAlgorithmName algorithm)
    {
        _ = Shape(algorithm);
        var functions = LibCrypto.Resolve(Prefix(algorithm));
        return functions is null ? null : new Digest(algorithm, functions);
    }

    /// <summary>The selection rule, apart for tests: the native candidate only when not switched off and its self-test passes.</summary>
    internal static Digest Choose(Digest? native, Digest bcl, bool nativeDisabled, Func<Digest, bool> selfTest) =>
        native is not null && !nativeDisabled && selfTest(native) ? native : bcl;

    /// <summary>H(data).</summary>
    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination);
        if (_native is null || data.Length > MaxNativeInput)
        {
            _ = CryptographicOperations.HashData(Algorithm, data, destination);
            return;
        }

        var raw = stackalloc byte[LibCrypto.ContextSize + LibCrypto.ContextAlignment];
        var context = Align(raw);
        try
        {
            fixed (byte* input = data)
            fixed (byte* output = destination)
            {
                _ = _native.Init(context);
                _ = _native.Update(context, input, (nuint)data.Length);
                _ = _native.Final(output, context);
            }
        }
        finally
        {
            Wipe(context, LibCrypto.ContextSize);
        }
    }

    /// <summary>HMAC(key, data) (RFC 2104).</summary>
    public void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination);
        if (_native is null || data.Length > MaxNativeInput || key.Length > MaxNativeInput)
        {
            _ = CryptographicOperations.HmacData(Algorithm, key, data, destination);
            return;
        }

        var raw = stackalloc byte[(3 * LibCrypto.ContextSize) + LibCrypto.ContextAlignment];
        var inner = Align(raw);
        var outer = inner + LibCrypto.ContextSize;
        var work = outer + LibCrypto.ContextSize;
        try
        {
            PreparePads(key, inner, outer);
            fixed (byte* output = destination)
            {
                FinishHmac(inner, outer, work, data, output);
            }
        }
        finally
        {
            Wipe(inner, 3 * LibCrypto.ContextSize);
        }
    }

    /// <summary>Precomputes HMAC's inner and outer pad states for a key that signs many messages (a stored credential's).</summary>
    public HmacKey CreateHmacKey(ReadOnlySpan<byte> key)
    {
        if (_native is null || key.Length > MaxNativeInput)
        {
            return new HmacKey(this, key.ToArray());
        }

        var states = GC.AllocateArray<byte>(2 * LibCrypto.ContextSize, pinned: true);
        var raw = stackalloc byte[(2 * LibCrypto.ContextSize) + LibCrypto.ContextAlignment];
        var inner = Align(raw);
        try
        {
            PreparePads(key, inner, inner + LibCrypto.ContextSize);
            new ReadOnlySpan<byte>(inner, 2 * LibCrypto.ContextSize).CopyTo(states);
        }
        finally
        {
            Wipe(inner, 2 * LibCrypto.ContextSize);
        }

        return new HmacKey(this, states, isPadStates: true);
    }

    /// <summary>PBKDF2-HMAC (RFC 8018 §5.2; RFC 5802's Hi() when the output is one digest long).</summary>
    public void Pbkdf2(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (_native is null || salt.Length > MaxNativeInput || password.Length > MaxNativeInput)
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, destination, iterations, Algorithm);
            return;
        }

        var raw = stackalloc byte[(3 * LibCrypto.ContextSize) + LibCrypto.ContextAlignment];
        var inner = Align(raw);
        var outer = inner + LibCrypto.ContextSize;
        var work = outer + LibCrypto.ContextSize;
        var innerBlock = stackalloc byte[MaxBlockSize];
        var outerBlock = stackalloc byte[MaxBlockSize];
        var sum = stackalloc byte[MaxHashSize];
        var counter = stackalloc byte[sizeof(int)];
        try
        {
            PreparePads(password, inner, outer);
            PadFixedBlock(innerBlock);
            PadFixedBlock(outerBlock);
            var transform = _native.Transform;
            fixed (byte* saltBytes = salt)
            fixed (byte* output = destination)
            {
                for (int index = 1, offset = 0; offset < destination.Length; index++, offset += HashSize)
                {
                    // U1 = PRF(P, S || INT(i)): a message of any length, so libcrypto pads it (Update/Final).
                    CopyContext(inner, work);
                    _ = _native.Update(work, saltBytes, (nuint)salt.Length);
                    BinaryPrimitives.WriteInt32BigEndian(new Span<byte>(counter, sizeof(int)), index);
                    _ = _native.Update(work, counter, sizeof(int));
                    _ = _native.Final(outerBlock, work);
                    CopyContext(outer, work);
                    _ = _native.Update(work, outerBlock, (nuint)HashSize);
                    _ = _native.Final(innerBlock, work);
                    new ReadOnlySpan<byte>(innerBlock, HashSize).CopyTo(new Span<byte>(sum, HashSize));

                    // U2..Uc: each one inner and one outer compression of a fixed-padding block.
                    for (var round = 1; round < iterations; round++)
                    {
                        CopyState(inner, work);
                        transform(work, innerBlock);
                        StateToBigEndian(work, outerBlock);
                        CopyState(outer, work);
                        transform(work, outerBlock);
                        StateToBigEndian(work, innerBlock);
                        Xor(sum, innerBlock);
                    }

                    new ReadOnlySpan<byte>(sum, Math.Min(HashSize, destination.Length - offset)).CopyTo(new Span<byte>(output + offset, destination.Length - offset));
                }
            }
        }
        finally
        {
            Wipe(inner, 3 * LibCrypto.ContextSize);
            Wipe(innerBlock, MaxBlockSize);
            Wipe(outerBlock, MaxBlockSize);
            Wipe(sum, MaxHashSize);
        }
    }

    /// <summary>The rest of an HMAC from precomputed pad states: H(outer || H(inner || data)).</summary>
    internal void FinishHmac(byte* inner, byte* outer, byte* work, ReadOnlySpan<byte> data, byte* output)
    {
        var innerDigest = stackalloc byte[MaxHashSize];
        try
        {
            fixed (byte* input = data)
            {
                CopyContext(inner, work);
                _ = _native!.Update(work, input, (nuint)data.Length);
                _ = _native.Final(innerDigest, work);
                CopyContext(outer, work);
                _ = _native.Update(work, innerDigest, (nuint)HashSize);
                _ = _native.Final(output, work);
            }
        }
        finally
        {
            Wipe(innerDigest, MaxHashSize);
            Wipe(work, LibCrypto.ContextSize);
        }
    }

    internal static byte* Align(byte* raw) => (byte*)(((nuint)raw + (LibCrypto.ContextAlignment - 1)) & ~(nuint)(LibCrypto.ContextAlignment - 1));

    internal static void Wipe(byte* memory, int length) => CryptographicOperations.ZeroMemory(new Span<byte>(memory, length));

    internal void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"The destination must hold {HashSize} bytes.", nameof(destination));
        }
    }

    private static (int HashSize, int BlockSize, int WordSize) Shape(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA1 ? (20, 64, sizeof(uint))
        : algorithm == HashAlgorithmName.SHA256 ? (32, 64, sizeof(uint))
        : algorithm == HashAlgorithmName.SHA512 ? (64, 128, sizeof(ulong))
        : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "Only SHA-1, SHA-256 and SHA-512 are supported.");

    private static string Prefix(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA1 ? "SHA1" : algorithm == HashAlgorithmName.SHA256 ? "SHA256" : "SHA512";

    private static Digest Select(HashAlgorithmName algorithm) =>
        Choose(NativeCryptoSwitch.IsDisabled ? null : Native(algorithm), Bcl(algorithm), NativeCryptoSwitch.IsDisabled, DigestSelfTest.Passes);

    private static void CopyContext(byte* from, byte* to) => Buffer.MemoryCopy(from, to, LibCrypto.ContextSize, LibCrypto.ContextSize);

    private void Xor(byte* sum, byte* block)
    {
        // HashSize (20, 32, 64) is a whole number of 32-bit words for all three hashes.
        var s = (uint*)sum;
        var b = (uint*)block;
        for (var i = 0; i < HashSize / sizeof(uint); i++)
        {
            s[i] ^= b[i];
        }
    }

    /// <summary>Keys longer than a block are hashed first; the key is zero-padded to a block and XORed with ipad and opad (RFC 2104 §2).</summary>
    private void PreparePads(ReadOnlySpan<byte> key, byte* inner, byte* outer)
    {
        var pad = stackalloc byte[MaxBlockSize];
        var padSpan = new Span<byte>(pad, BlockSize);
        try
        {
            padSpan.Clear();
            if (key.Length > BlockSize)
            {
                Hash(key, padSpan);
            }
            else
            {
                key.CopyTo(padSpan);
            }

            for (var i = 0; i < BlockSize; i++)
            {
                pad[i] ^= InnerPad;
            }

            _ = _native!.Init(inner);
            _ = _native.Update(inner, pad, (nuint)BlockSize);
            for (var i = 0; i < BlockSize; i++)
            {
                pad[i] ^= InnerPad ^ OuterPad;
            }

            _ = _native.Init(outer);
            _ = _native.Update(outer, pad, (nuint)BlockSize);
        }
        finally
        {
            Wipe(pad, MaxBlockSize);
        }
    }

    /// <summary>
    /// The padding of a message that is one pad block plus one digest (FIPS 180-4 §5.1): the digest,
    /// 0x80, zeros, and the message length in bits, big-endian, in the last 8 (SHA-1, SHA-256) or 16
    /// (SHA-512) bytes. Only the first HashSize bytes change from one iteration to the next.
    /// </summary>
    private void PadFixedBlock(byte* block)
    {
        var span = new Span<byte>(block, BlockSize);
        span.Clear();
        span[HashSize] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(span[(BlockSize - sizeof(ulong))..], (ulong)(BlockSize + HashSize) * 8);
    }

    /// <summary>Copies the chaining state h[] (the first member of SHA_CTX, SHA256_CTX and SHA512_CTX).</summary>
    private void CopyState(byte* from, byte* to) => Buffer.MemoryCopy(from, to, HashSize, HashSize);

    /// <summary>Writes h[] as the digest: each word big-endian (FIPS 180-4 §6.1.2 step 4, §6.2.2, §6.4.2).</summary>
    private void StateToBigEndian(byte* state, byte* destination)
    {
        if (!BitConverter.IsLittleEndian)
        {
            Buffer.MemoryCopy(state, destination, HashSize, HashSize);
        }
        else if (WordSize == sizeof(uint))
        {
            BinaryPrimitives.ReverseEndianness(new ReadOnlySpan<uint>(state, HashSize / sizeof(uint)), new Span<uint>(destination, HashSize / sizeof(uint)));
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(new ReadOnlySpan<ulong>(state, HashSize / sizeof(ulong)), new Span<ulong>(destination, HashSize / sizeof(ulong)));
        }
    }
}
