using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>
/// What both engine factories take from the container, resolved once. Constructing it runs every
/// <c>ValidateOnStart</c> check of the container: a generic host runs them when it starts, but an
/// application that only calls <c>BuildServiceProvider</c> has no start, so without this a bad option
/// would surface at the first <c>Create()</c> (or, for a rarely used plugin, at the first connection
/// that needs it). Resolving a factory is that application's start.
/// </summary>
internal sealed class EngineServices
{
    public EngineServices(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        Services = services;
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Random = services.GetService<IRandomSource>() ?? SystemRandomSource.Instance;
        Loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
    }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    public IRandomSource Random { get; }

    public ILoggerFactory Loggers { get; }
}
