using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// The acceptor's verify of a SCRAM-SHA-256 client-final alone: each invocation takes one exchange that
/// [IterationSetup] already ran up to server-first (the same pinned nonce, so one client-final fits all)
/// and verifies the proof and signs the server-final. Throughput = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(Exchanges, 1)]
public class ScramVerifyClientFinalBenchmarks
{
    private const int Exchanges = 65536;
    private const byte ServerNonceByte = 0x37;
    private static readonly byte[] ClientFirst = Encoding.ASCII.GetBytes(Rfc7677.ClientFirst);
    private readonly IVerifierExchange[] _ready = new IVerifierExchange[Exchanges];
    private ServiceProvider _services = null!;
    private IAuthVerifier _verifier = null!;
    private VerifierContext _context = null!;
    private byte[] _clientFinal = null!;
    private int _next;

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

        using var exchange = _verifier.Start(_context);
        var serverFirst = Encoding.ASCII.GetString(exchange.ProcessAsync(ClientFirst, CancellationToken.None).AsTask().GetAwaiter().GetResult().Data.Span);
        _clientFinal = ClientFinalFor(serverFirst);
        var accepted = exchange.ProcessAsync(_clientFinal, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (accepted.Kind != VerifierStepKind.Accept)
        {
            throw new InvalidOperationException($"The verifier did not accept the client-final ({accepted}).");
        }
    }

    [IterationSetup]
    public void StartExchanges()
    {
        for (var i = 0; i < Exchanges; i++)
        {
            _ready[i]?.Dispose();
            _ready[i] = _verifier.Start(_context);
            _ = _ready[i].ProcessAsync(ClientFirst, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var exchange in _ready)
        {
            exchange?.Dispose();
        }

        _services.Dispose();
    }

    [Benchmark(Description = "Server: verify client-final + sign server-final (one exchange)")]
    public VerifierStepKind VerifyClientFinal()
    {
        var step = _ready[_next++].ProcessAsync(_clientFinal, CancellationToken.None);
        return step.IsCompletedSuccessfully && step.Result.Kind == VerifierStepKind.Accept ? VerifierStepKind.Accept : throw new InvalidOperationException("The client-final was not accepted synchronously.");
    }

    internal static byte[] ClientFinalFor(string serverFirst)
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
