using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// Issue 9 item 4: the acceptor side of SCRAM-SHA-256 (StoredKey/ServerKey only, no PBKDF2).
/// The baseline runs an exchange up to the server-first message; the second benchmark also
/// verifies the client-final and signs the server-final. Verify alone = the difference.
/// </summary>
[MemoryDiagnoser]
public class ScramVerifierBenchmarks
{
    private const byte ServerNonceByte = 0x37;
    private static readonly byte[] ClientFirst = Encoding.ASCII.GetBytes(Rfc7677.ClientFirst);
    private ServiceProvider _services = null!;
    private IAuthVerifier _verifier = null!;
    private VerifierContext _context = null!;
    private byte[] _clientFinal = null!;
    private byte[] _authMessage = null!;
    private readonly byte[] _floorKey = new byte[SHA256.HashSizeInBytes];
    private readonly byte[] _floorOut = new byte[SHA256.HashSizeInBytes];

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScramVerifier();
        _services = services.BuildServiceProvider();
        _verifier = _services.GetServices<IAuthVerifier>().Single(v => v.Name == HandshakeHost.ScramMechanism);
        _context = new VerifierContext(HandshakeHost.ScramMechanism, HandshakeHost.ScramMechanism, 1, TransportSecurity.None, new FixedCredentialSource(Rfc7677.User, Rfc7677.Credential.ToStoredCredential()))
        {
            Random = new PinnedRandom(ServerNonceByte),
        };

        // Take the server-first our verifier sends, and answer it as the RFC 5802 §3 client would.
        using var exchange = _verifier.Start(_context);
        var serverFirst = exchange.ProcessAsync(ClientFirst, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var serverFirstText = Encoding.ASCII.GetString(serverFirst.Data.Span);
        _clientFinal = ClientFinalFor(serverFirstText);
        _authMessage = Encoding.ASCII.GetBytes($"{Rfc7677.ClientFirst[3..]},{serverFirstText},{Encoding.ASCII.GetString(_clientFinal)[..^47]}");
        var accepted = exchange.ProcessAsync(_clientFinal, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (accepted.Kind != VerifierStepKind.Accept)
        {
            throw new InvalidOperationException($"The verifier did not accept the client-final ({accepted}).");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Server: start + client-first -> server-first")]
    public async ValueTask<VerifierStepKind> ServerFirstOnly()
    {
        using var exchange = _verifier.Start(_context);
        _ = await exchange.BeginAsync(CancellationToken.None).ConfigureAwait(false);
        return (await exchange.ProcessAsync(ClientFirst, CancellationToken.None).ConfigureAwait(false)).Kind;
    }

    [Benchmark(Description = "Server: whole exchange incl. client-final verify")]
    public async ValueTask<VerifierStepKind> WholeExchange()
    {
        using var exchange = _verifier.Start(_context);
        _ = await exchange.BeginAsync(CancellationToken.None).ConfigureAwait(false);
        _ = await exchange.ProcessAsync(ClientFirst, CancellationToken.None).ConfigureAwait(false);
        var step = await exchange.ProcessAsync(_clientFinal, CancellationToken.None).ConfigureAwait(false);
        return step.Kind == VerifierStepKind.Accept ? step.Kind : throw new InvalidOperationException(step.ToString());
    }

    /// <summary>
    /// The BCL's share of one verify: HMAC(StoredKey, AuthMessage), H(ClientKey), HMAC(ServerKey,
    /// AuthMessage) as one-shot calls on the same sizes (RFC 5802 §3). Not a baseline: a floor.
    /// </summary>
    [Benchmark(Description = "Floor: 2 x HMACSHA256.HashData + SHA256.HashData")]
    public byte[] VerifyFloor()
    {
        _ = HMACSHA256.HashData(Rfc7677.Credential.StoredKey.Span, _authMessage, _floorKey);
        _ = SHA256.HashData(_floorKey, _floorOut);
        _ = HMACSHA256.HashData(Rfc7677.Credential.ServerKey.Span, _authMessage, _floorOut);
        return _floorOut;
    }

    private static byte[] ClientFinalFor(string serverFirst)
    {
        var nonce = serverFirst.Split(',')[0][2..];
        var withoutProof = "c=biws,r=" + nonce;
        var authMessage = Encoding.ASCII.GetBytes($"{Rfc7677.ClientFirst[3..]},{serverFirst},{withoutProof}");
        var salted = Rfc2898DeriveBytes.Pbkdf2(Rfc7677.PasswordBytes, Rfc7677.Salt, Rfc7677.Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] ^= clientKey[i];
        }

        return Encoding.ASCII.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(signature));
    }
}
