using BenchmarkDotNet.Attributes;
using Handshake.Plugins.NativePassword;

namespace Handshake.Benchmarks;

/// <summary>Issue 9 item 5: the mysql_native_password response written into a caller's buffer (goal ≤ 1 µs, 0 B).</summary>
[MemoryDiagnoser]
public class NativePasswordBenchmarks
{
    private readonly byte[] _password = "pencil"u8.ToArray();
    private readonly byte[] _scramble = [.. Enumerable.Range(1, NativePasswordScramble.ScrambleLength).Select(i => (byte)(i * 7 % 94 + 33))];
    private readonly byte[] _response = new byte[NativePasswordScramble.ResponseLength];

    [Benchmark(Description = "NativePasswordScramble.ComputeResponse (caller buffer)")]
    public int ComputeResponse() => NativePasswordScramble.ComputeResponse(_password, _scramble, _response);
}
