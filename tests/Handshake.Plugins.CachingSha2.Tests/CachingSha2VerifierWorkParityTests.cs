using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>
/// The reply to the scramble must not tell a cached user from an uncached or unknown one: every path
/// does the same primitive work, counted through the verifier's SHA-256 seam and the cache's lookups.
/// </summary>
public sealed class CachingSha2VerifierWorkParityTests
{
    private const string Password = "secret";
    private static readonly byte[] Scramble = Convert.FromHexString("0a2f4a6f4b492230584c724a250d035052021715");
    private static readonly byte[] Response = Convert.FromHexString("f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c");

    public static TheoryData<string> Paths => ["cached, right response", "cached, wrong response", "known, not cached", "known, stale cache entry", "unknown user"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task ProcessAsync_ScrambleResponse_SameWorkAsACachedUsersAccept(string path)
    {
        var reference = await MeasureAsync("cached, right response");
        Assert.Equal(VerifierStepKind.Accept, reference.Kind);

        ArgumentNullException.ThrowIfNull(path);
        var measured = await MeasureAsync(path);
        Assert.Equal(path == "cached, right response" ? VerifierStepKind.Accept : VerifierStepKind.Continue, measured.Kind);
        Assert.Equal(reference.Lookups, measured.Lookups);
        Assert.Equal(reference.HashedLengths, measured.HashedLengths);
    }

    private static async Task<(VerifierStepKind Kind, long Lookups, int[] HashedLengths)> MeasureAsync(string path)
    {
        var cache = new CachingSha2PasswordCache(4);
        using var verifier = new CachingSha2Verifier(Options.Create(new CachingSha2VerifierOptions { PrivateKeyPem = TestKeys.ServerPrivatePem, UnknownUserIterations = 1000 }), cache, Options.Create(new ServerSecretOptions()));
        var hasher = new CountingHasher();
        verifier.Hasher = hasher;
        var stored = CachingSha2Credential.FromPassword(Password, iterations: 1000).ToStoredCredential();
        var doubleHash = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(Password)));
        if (path.StartsWith("cached", StringComparison.Ordinal))
        {
            cache.Set("alice", stored.Value, doubleHash);
        }
        else if (path == "known, stale cache entry")
        {
            cache.Set("alice", CachingSha2Credential.FromPassword("old password", iterations: 1000).Format(), doubleHash);
        }

        var response = path == "cached, wrong response" ? Response.Select(b => (byte)(b ^ 1)).ToArray() : Response;
        using var exchange = verifier.Start(new VerifierContext(CachingSha2PluginNames.CachingSha2Password, CachingSha2PluginNames.CachingSha2Password, 1, TransportSecurity.None, new FixedCredentialSource("alice", path == "unknown user" ? null : stored))
        {
            Random = new FixedRandomSource(Scramble),
        });
        _ = await exchange.BeginAsync(CancellationToken.None);
        var lookupsBefore = cache.Lookups;
        hasher.Lengths.Clear();
        var step = await exchange.ProcessAsync(response, CancellationToken.None);
        return (step.Kind, cache.Lookups - lookupsBefore, [.. hasher.Lengths]);
    }

    private sealed class CountingHasher : ICachingSha2Hasher
    {
        public List<int> Lengths { get; } = [];

        public void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
        {
            Lengths.Add(data.Length);
            _ = SHA256.HashData(data, destination);
        }
    }
}
