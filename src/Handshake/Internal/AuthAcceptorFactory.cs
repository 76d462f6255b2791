using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

internal sealed class AuthAcceptorFactory(
    AuthVerifierRegistry registry,
    IOptions<AcceptorOptions> options,
    ICredentialStore store,
    HandshakeTelemetry telemetry,
    IServiceProvider services) : IAuthAcceptorFactory
{
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly IRandomSource _random = services.GetService<IRandomSource>() ?? SystemRandomSource.Instance;
    private readonly ILogger _logger = services.GetService<ILoggerFactory>()?.CreateLogger<AuthAcceptor>() ?? NullLogger<AuthAcceptor>.Instance;

    public AuthAcceptor Create(TransportSecurity? transport = null, AcceptorStartMode mode = AcceptorStartMode.Begin, IReadOnlyDictionary<string, object?>? properties = null) =>
        new(registry, options.Value, store, transport ?? TransportSecurity.None, mode, _time, _random, services, _logger, telemetry, properties);
}
