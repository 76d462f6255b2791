using Microsoft.Extensions.Time.Testing;

namespace Handshake.Fuzz.Targets;

/// <summary>
/// One protocol set up for replay: a client plugin and a verifier that talk to each other directly
/// through their exchanges (no engine in between, so no engine catch-all can hide an untyped exception).
/// </summary>
internal sealed class Conversation
{
    public const string User = "alice";

    public required string Name { get; init; }

    public required IAuthPlugin Plugin { get; init; }

    public required Func<IAuthVerifier> Verifier { get; init; }

    public required string Mechanism { get; init; }

    public required Func<AuthCredentials> Credentials { get; init; }

    public required StoredCredential Stored { get; init; }

    public TransportSecurity Transport { get; init; } = TransportSecurity.None;

    public IServiceProvider? Services { get; init; }

    /// <summary>Whether the client must refuse any final data but the real one (SCRAM's server signature).</summary>
    public bool FinalIsProof { get; init; }

    /// <summary>Whether the client's last message is a NUL-terminated string (caching_sha2 full authentication).</summary>
    public bool NulTerminatedFinal { get; init; }

    /// <summary>
    /// The part of the client's last message acceptance depends on, when the mechanism lets other parts vary
    /// (OAUTHBEARER: the token; the GS2 flag, the scheme's case and optional keys may differ legitimately).
    /// </summary>
    public Func<byte[], byte[]>? FinalCredential { get; init; }

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public AuthExchangeContext ClientContext(AuthCredentials credentials) =>
        new(Mechanism, 1, credentials, Transport, PermissivePolicy.Instance)
        {
            Random = new DeterministicRandom(1),
            Time = NewClock(),
            Services = Services,
        };

    public VerifierContext VerifierContext(StoredCredential? stored) =>
        new(Verifier().Name, Mechanism, 1, Transport, new FixedCredentialSource(User, stored))
        {
            Random = new DeterministicRandom(2),
            Time = NewClock(),
            Services = Services,
        };

    /// <summary>Runs an honest conversation once and returns what each side sent; the server list ends with the final data.</summary>
    public (List<byte[]> ServerMessages, List<byte[]> ClientMessages) Record()
    {
        using var credentials = Credentials();
        using var client = Plugin.Start(ClientContext(credentials));
        using var server = Verifier().Start(VerifierContext(Stored));
        var serverMessages = new List<byte[]>();
        var clientMessages = new List<byte[]>();
        var data = Wait(server.BeginAsync(CancellationToken.None)).ToArray();
        for (var round = 0; round < 16; round++)
        {
            serverMessages.Add(data);
            var reply = Wait(client.RespondAsync(data, CancellationToken.None));
            if (!reply.HasData)
            {
                throw new InvalidOperationException($"{Name}: the client sent nothing in round {round}.");
            }

            clientMessages.Add(reply.Data.ToArray());
            var step = Wait(server.ProcessAsync(reply.Data, CancellationToken.None));
            switch (step.Kind)
            {
                case VerifierStepKind.Continue:
                    data = step.Data.ToArray();
                    break;
                case VerifierStepKind.Accept:
                    serverMessages.Add(step.Data.ToArray());
                    client.OnServerAccepted(step.Data);
                    return (serverMessages, clientMessages);
                default:
                    throw new InvalidOperationException($"{Name}: the honest conversation was rejected ({step.Reason}).");
            }
        }

        throw new InvalidOperationException($"{Name}: no end after 16 rounds.");
    }

    private static T Wait<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();
}
