using Handshake.Testing;

namespace Handshake.Cli.Demo;

/// <summary>One demo page: which methods are registered, which users exist, who logs in.</summary>
internal sealed record DemoScenario(
    string Key,
    string Title,
    string Explanation,
    Action<IHandshakeBuilder> Register,
    string DefaultPlugin,
    Action<InMemoryCredentialStore> Users,
    Func<AuthCredentials> GoodLogin,
    Func<AuthCredentials> BadLogin,
    TransportSecurity Transport,
    ITranscriptRedactor Redactor);
