using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

internal sealed class AuthNegotiatorFactory(
    AuthPluginRegistry registry,
    IOptions<HandshakeOptions> options,
    IAuthSecurityPolicy policy,
    HandshakeTelemetry telemetry,
    IServiceProvider services) : IAuthNegotiatorFactory
{
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly IRandomSource _random = services.GetService<IRandomSource>() ?? SystemRandomSource.Instance;
    private readonly ILogger _logger = services.GetService<ILoggerFactory>()?.CreateLogger<AuthNegotiator>() ?? NullLogger<AuthNegotiator>.Instance;

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
        new(registry, options.Value, transport ?? TransportSecurity.None, policy, _time, _random, services, _logger, telemetry, credentials, provider, properties);
}
