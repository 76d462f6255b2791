namespace Handshake.Cli.Demo;

/// <summary>One demo page: the server (verifiers, acceptor, users), the transport, and the logins tried against it.</summary>
/// <param name="Key">The page's name for <c>--plugin</c>.</param>
/// <param name="Title">The heading.</param>
/// <param name="Explanation">What the page shows, for a person reading it.</param>
/// <param name="Transport">The transport as the server sees it (and the client, unless an attempt says otherwise).</param>
/// <param name="StartMode">Whether the acceptor offers mechanisms (PostgreSQL) or begins with its default plugin (MySQL).</param>
/// <param name="ConfigureServer">Registers the verifiers, the acceptor and the users; one server serves every attempt, so caches and replay state carry over.</param>
/// <param name="Attempts">The logins, in order.</param>
/// <param name="Resources">Things the page made (certificates, keys), disposed when it ends.</param>
/// <param name="Hooks">What a page that carries state from one login to the next runs around each attempt, or null.</param>
internal sealed record DemoScenario(
    string Key,
    string Title,
    string Explanation,
    TransportSecurity Transport,
    AcceptorStartMode StartMode,
    Action<IHandshakeBuilder> ConfigureServer,
    IReadOnlyList<DemoAttempt> Attempts,
    IReadOnlyList<IDisposable> Resources,
    IDemoHooks? Hooks = null) : IDisposable
{
    public void Dispose()
    {
        foreach (var resource in Resources)
        {
            resource.Dispose();
        }
    }
}
