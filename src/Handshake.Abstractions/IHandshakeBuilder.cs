using Microsoft.Extensions.DependencyInjection;

namespace Handshake;

/// <summary>What <c>AddHandshake</c> returns; plugin packages add extension methods to it.</summary>
public interface IHandshakeBuilder
{
    /// <summary>Gets the service collection the engine and plugins register into.</summary>
    IServiceCollection Services { get; }
}
