using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Testing.Conformance.Adapters.Internal;

/// <summary>Wraps every registration of a service type, whatever its form (type, instance or factory), so a test changes how registered plugins behave without knowing them.</summary>
internal static class ServiceDecoration
{
    public static void Decorate<TService>(IServiceCollection services, Func<TService, TService> wrap)
        where TService : class
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(TService) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = new ServiceDescriptor(typeof(TService), sp => wrap(Create<TService>(sp, descriptor)), descriptor.Lifetime);
        }
    }

    private static TService Create<TService>(IServiceProvider services, ServiceDescriptor descriptor)
        where TService : class =>
        (TService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
