using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

internal sealed class AuthAcceptorFactory(
    EngineServices engine, // first: resolving it runs start-up validation before anything else is built
    AuthVerifierRegistry registry,
    IOptions<AcceptorOptions> options,
    ICredentialStore store,
    HandshakeTelemetry telemetry) : IAuthAcceptorFactory
{
    private readonly ILogger _logger = engine.Loggers.CreateLogger<AuthAcceptor>();

    public AuthAcceptor Create(TransportSecurity? transport = null, AcceptorStartMode mode = AcceptorStartMode.Begin, IReadOnlyDictionary<string, object?>? properties = null) =>
        new(registry, options.Value, store, transport ?? TransportSecurity.None, mode, engine.Time, engine.Random, engine.Services, _logger, telemetry, properties);
}
