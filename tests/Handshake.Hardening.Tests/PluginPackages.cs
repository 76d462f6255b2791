using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Hardening.Tests;

/// <summary>
/// A container with every plugin package's default registrations, found without a list: each
/// <c>Handshake.Plugins.*</c> / <c>Handshake.Mfa</c> assembly next to the tests is loaded and every public
/// <c>Add*(this IHandshakeBuilder)</c> method that needs nothing more (its other parameters optional) and
/// registers a plugin or verifier is called. A plugin package added to the tests' references then shows
/// up in the catalogue by itself.
/// </summary>
internal static class PluginPackages
{
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        .. Directory.GetFiles(AppContext.BaseDirectory, "Handshake.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n!.StartsWith("Handshake.Plugins.", StringComparison.Ordinal) || n == "Handshake.Mfa")
            .Order(StringComparer.Ordinal)
            .Select(n => Assembly.Load(new AssemblyName(n!))),
    ];

    public static IReadOnlyList<MethodInfo> DefaultRegistrations { get; } =
    [
        .. Assemblies
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && !m.IsGenericMethodDefinition && m.ReturnType == typeof(IHandshakeBuilder))
            .Where(m => m.GetParameters() is [{ ParameterType: var first }, .. var rest] && first == typeof(IHandshakeBuilder) && rest.All(p => p.IsOptional))
            .Where(RegistersAPluginOrVerifier)
            .OrderBy(m => m.DeclaringType!.FullName, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal),
    ];

    public static ServiceProvider BuildContainer()
    {
        var services = new ServiceCollection();
        Register(services.AddHandshake());
        return services.BuildServiceProvider();
    }

    public static void Register(IHandshakeBuilder builder)
    {
        foreach (var method in DefaultRegistrations)
        {
            Invoke(method, builder);
        }
    }

    private static void Invoke(MethodInfo method, IHandshakeBuilder builder) =>
        _ = method.Invoke(null, [builder, .. method.GetParameters().Skip(1).Select(p => p.DefaultValue)]);

    // Helpers that configure a plugin's collaborators (a token validator) but add no plugin are left out:
    // without their settings they would fail validation, and they add nothing to the catalogue.
    private static bool RegistersAPluginOrVerifier(MethodInfo method)
    {
        var services = new ServiceCollection();
        Invoke(method, services.AddHandshake());
        return services.Any(d => d.ServiceType == typeof(IAuthPlugin) || d.ServiceType == typeof(IAuthVerifier));
    }
}
