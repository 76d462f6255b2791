using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Handshake.Internal.Cryptography;

namespace Handshake.Benchmarks;

/// <summary>
/// PBKDF2 at 4096 iterations, one digest of output (SCRAM's Hi()): the BCL's
/// <see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, int, HashAlgorithmName)"/>
/// (the baseline) against the block-level PBKDF2 on libcrypto's SHA*_Transform. The floor of the latter
/// is 2 x 4095 + 4 compressions.
/// </summary>
[MemoryDiagnoser]
public class Pbkdf2Benchmarks
{
    private byte[] _output = null!;
    private Digest _native = null!;

    [Params("SHA1", "SHA256", "SHA512")]
    public string Hash { get; set; } = "SHA256";

    [GlobalSetup]
    public void Setup()
    {
        var algorithm = new HashAlgorithmName(Hash);
        _native = Digest.For(algorithm);
        if (!_native.IsNative)
        {
            throw new InvalidOperationException("The libcrypto path is not active in this process; nothing to compare.");
        }

        _output = new byte[_native.HashSize];
        var expected = Rfc2898DeriveBytes.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, Rfc7677.Iterations, algorithm, _native.HashSize);
        _native.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, Rfc7677.Iterations, _output);
        if (!expected.AsSpan().SequenceEqual(_output))
        {
            throw new InvalidOperationException("The block-level PBKDF2 differs from the BCL's.");
        }
    }

    [Benchmark(Baseline = true, Description = "BCL Rfc2898DeriveBytes.Pbkdf2 (4096)")]
    public byte[] Bcl()
    {
        Rfc2898DeriveBytes.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, _output, Rfc7677.Iterations, new HashAlgorithmName(Hash));
        return _output;
    }

    [Benchmark(Description = "Block-level PBKDF2 on libcrypto (4096)")]
    public byte[] BlockLevel()
    {
        _native.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, Rfc7677.Iterations, _output);
        return _output;
    }
}
