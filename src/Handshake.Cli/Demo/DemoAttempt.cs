namespace Handshake.Cli.Demo;

/// <summary>One login on a demo page: how the client is configured, what it presents, and what must happen.</summary>
/// <param name="Label">What the reader is told, e.g. "logs in with the right password".</param>
/// <param name="ConfigureClient">Registers the client plugins (the client has its own service provider, as in a real application).</param>
/// <param name="Login">The credentials presented.</param>
/// <param name="ExpectSuccess">Whether the login must succeed for the page to pass.</param>
/// <param name="ClientTransport">What the client sees of the transport when it differs from the server (a man in the middle).</param>
internal sealed record DemoAttempt(
    string Label,
    Action<IHandshakeBuilder> ConfigureClient,
    Func<AuthCredentials> Login,
    bool ExpectSuccess,
    TransportSecurity? ClientTransport = null);
