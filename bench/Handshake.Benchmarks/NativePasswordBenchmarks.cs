using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Handshake.Plugins.NativePassword;

namespace Handshake.Benchmarks;

/// <summary>The mysql_native_password response written into a caller's buffer (goal ≤ 0.5 µs, 0 B): three one-block SHA-1s on libcrypto against three BCL one-shots.</summary>
[MemoryDiagnoser]
public class NativePasswordBenchmarks
{
    private readonly byte[] _password = "pencil"u8.ToArray();
    private readonly byte[] _scramble = [.. Enumerable.Range(1, NativePasswordScramble.ScrambleLength).Select(i => (byte)(i * 7 % 94 + 33))];
    private readonly byte[] _response = new byte[NativePasswordScramble.ResponseLength];
    private readonly byte[] _stage = new byte[NativePasswordScramble.ScrambleLength + NativePasswordScramble.ResponseLength];

    /// <summary>The BCL's share: Native41 is three one-shot SHA-1 digests (SHA1(pw), SHA1(stage1), SHA1(scramble || stage2)).</summary>
    [Benchmark(Baseline = true, Description = "Floor: 3 x SHA1.HashData")]
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "mysql_native_password is defined over SHA-1; this is its floor.")]
    public byte[] Floor()
    {
        _ = SHA1.HashData(_password, _response);
        _ = SHA1.HashData(_response, _stage.AsSpan(NativePasswordScramble.ScrambleLength));
        _ = SHA1.HashData(_stage, _response);
        return _response;
    }

    [Benchmark(Description = "NativePasswordScramble.ComputeResponse (caller buffer)")]
    public int ComputeResponse() => NativePasswordScramble.ComputeResponse(_password, _scramble, _response);
}
