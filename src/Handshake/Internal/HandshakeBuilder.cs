using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Internal;

internal sealed class HandshakeBuilder(IServiceCollection services) : IHandshakeBuilder
{
    public IServiceCollection Services { get; } = services;
}
