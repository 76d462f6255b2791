using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

internal sealed class AuthNegotiatorFactory(
    EngineServices engine, // first: resolving it runs start-up validation before anything else is built
    AuthPluginRegistry registry,
    IOptions<HandshakeOptions> options,
    IAuthSecurityPolicy policy,
    HandshakeTelemetry telemetry) : IAuthNegotiatorFactory
{
    private readonly ILogger _logger = engine.Loggers.CreateLogger<AuthNegotiator>();

    public AuthNegotiator Create(AuthCredentials credentials, TransportSecurity? transport = null, IReadOnlyDictionary<string, object?>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return New(credentials, null, transport, properties);
    }

    public AuthNegotiator CreateWithProvider(IAuthCredentialProvider credentialProvider, TransportSecurity? transport = null, IReadOnlyDictionary<string, object?>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(credentialProvider);
        return New(null, credentialProvider, transport, properties);
    }

    private AuthNegotiator New(AuthCredentials? credentials, IAuthCredentialProvider? provider, TransportSecurity? transport, IReadOnlyDictionary<string, object?>? properties) =>
        new(registry, options.Value, transport ?? TransportSecurity.None, policy, engine.Time, engine.Random, engine.Services, _logger, telemetry, credentials, provider, properties);
}
