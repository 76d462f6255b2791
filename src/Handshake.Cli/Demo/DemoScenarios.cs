using Handshake.Testing;

namespace Handshake.Cli.Demo;

/// <summary>The demo pages. The richest one runs when no page is named.</summary>
internal static class DemoScenarios
{
    public static IReadOnlyList<DemoScenario> All { get; } =
    [
        new DemoScenario(
            "hmac",
            "Challenge-response written as two delegates",
            "The server sends 32 random bytes; the client answers HMAC-SHA256(SHA-256(password), challenge || user). Plugin and verifier are each a few lines with AddPlugin/AddVerifier.",
            b => b.AddHmacChallenge(),
            HmacChallengeHandshakeBuilderExtensions.DefaultName,
            s => s.AddUser("alice", new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("wonderland"))),
            () => AuthCredentials.FromPasswords("alice", "wonderland"),
            () => AuthCredentials.FromPasswords("alice", "looking-glass"),
            TransportSecurity.None,
            new DefaultTranscriptRedactor()),
    ];

    public static DemoScenario Default => All[^1];

    public static DemoScenario? Find(string key) => All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
}
