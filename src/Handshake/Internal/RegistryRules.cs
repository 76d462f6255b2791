using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Internal;

internal static class RegistryRules
{
    /// <summary>Resolves a registry so a duplicate name surfaces at start-up validation, not at the first connection.</summary>
    public static T? Check<T>(IServiceProvider services, List<string> failures)
        where T : class
    {
        try
        {
            return services.GetRequiredService<T>();
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
            return null;
        }
    }
}
