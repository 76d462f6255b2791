using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// A client SCRAM-SHA-256 handshake at 4096 iterations, cold and with the
/// derived-key cache warm, against the floor: one Rfc2898DeriveBytes.Pbkdf2 call with the same
/// password, salt, iteration count and hash (the Ratio column is handshake / floor).
/// </summary>
[MemoryDiagnoser]
public class ScramClientBenchmarks
{
    private static readonly byte[] ServerFirst = Encoding.ASCII.GetBytes(Rfc7677.ServerFirstFor(ScramTranscript.PinnedClientNonce));
    private static readonly byte[] ServerFinal = Encoding.ASCII.GetBytes(Rfc7677.ServerFinalFor(ScramTranscript.PinnedClientNonce));
    private static readonly byte[] AuthMessage = Encoding.ASCII.GetBytes(
        $"n={Rfc7677.User},r={ScramTranscript.PinnedClientNonce},{Rfc7677.ServerFirstFor(ScramTranscript.PinnedClientNonce)},c=biws,r={ScramTranscript.PinnedClientNonce}{Rfc7677.ServerNoncePart}");

    private readonly byte[] _salted = new byte[SHA256.HashSizeInBytes];
    private readonly byte[] _key = new byte[SHA256.HashSizeInBytes];
    private readonly byte[] _out = new byte[SHA256.HashSizeInBytes];
    private ServiceProvider _cold = null!;
    private ServiceProvider _warm = null!;
    private AuthCredentials _credentials = null!;
    private ScramTranscript _coldClient = null!;
    private ScramTranscript _warmClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _credentials = AuthCredentials.FromPasswords(Rfc7677.User, Rfc7677.Password);
        _cold = HandshakeHost.Scram(warmCache: false, new PinnedRandom(ScramTranscript.PinnedByte));
        _warm = HandshakeHost.Scram(warmCache: true, new PinnedRandom(ScramTranscript.PinnedByte));
        _coldClient = new ScramTranscript(_cold, _credentials, ServerFirst, ServerFinal);
        _warmClient = new ScramTranscript(_warm, _credentials, ServerFirst, ServerFinal);

        // Each path must really succeed (and the warm container's cache gets its one entry here).
        _coldClient.RunBareSteps();
        _warmClient.RunBareSteps();
        _coldClient.RunNegotiatorAsync().AsTask().GetAwaiter().GetResult();
        _warmClient.RunNegotiatorAsync().AsTask().GetAwaiter().GetResult();
        HandshakeHost.RunInMemoryAsync(_cold, _credentials).GetAwaiter().GetResult();
        HandshakeHost.RunInMemoryAsync(_warm, _credentials).GetAwaiter().GetResult();
        HandshakeHost.RunSansIoPairAsync(_cold, _credentials).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _credentials.Dispose();
        _cold.Dispose();
        _warm.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Floor: Rfc2898DeriveBytes.Pbkdf2 (4096, SHA-256)")]
    public byte[] FloorPbkdf2()
    {
        Rfc2898DeriveBytes.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, _salted, Rfc7677.Iterations, HashAlgorithmName.SHA256);
        return _salted;
    }

    [Benchmark(Description = "Cold: bare client steps (IAuthExchange)")]
    public void ColdBareClientSteps() => _coldClient.RunBareSteps();

    [Benchmark(Description = "Cold: sans-I/O negotiator")]
    public ValueTask ColdSansIoNegotiator() => _coldClient.RunNegotiatorAsync();

    [Benchmark(Description = "ScramCredential.Create (server verifier, 4096)")]
    public ScramCredential CreateCredential() => ScramCredential.Create(Rfc7677.Password, Rfc7677.Salt, Rfc7677.Iterations);

    [Benchmark(Description = "Cold: in-memory handshake vs acceptor")]
    public Task ColdInMemoryHandshake() => HandshakeHost.RunInMemoryAsync(_cold, _credentials);

    [Benchmark(Description = "Cold: sans-I/O negotiator + acceptor, one thread")]
    public Task ColdSansIoPair() => HandshakeHost.RunSansIoPairAsync(_cold, _credentials);

    /// <summary>
    /// The BCL's share of a warm-cache client: the cache key's HMAC of the password, H(ClientKey),
    /// HMAC(StoredKey, AuthMessage) and HMAC(ServerKey, AuthMessage), as one-shot calls (RFC 5802 §3).
    /// </summary>
    [Benchmark(Description = "Floor (warm): 3 x HMACSHA256.HashData + SHA256.HashData")]
    public byte[] WarmFloor()
    {
        _ = HMACSHA256.HashData(_salted, Rfc7677.PasswordBytes, _key);
        _ = SHA256.HashData(_key, _out);
        _ = HMACSHA256.HashData(_out, AuthMessage, _key);
        _ = HMACSHA256.HashData(_salted, AuthMessage, _out);
        return _out;
    }

    [Benchmark(Description = "Warm cache: bare client steps")]
    public void WarmBareClientSteps() => _warmClient.RunBareSteps();

    [Benchmark(Description = "Warm cache: sans-I/O negotiator")]
    public ValueTask WarmSansIoNegotiator() => _warmClient.RunNegotiatorAsync();

    [Benchmark(Description = "Warm cache: in-memory handshake vs acceptor")]
    public Task WarmInMemoryHandshake() => HandshakeHost.RunInMemoryAsync(_warm, _credentials);
}
