using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Handshake;

/// <summary>Registration helpers plugin packages build on.</summary>
public static class HandshakeBuilderExtensions
{
    /// <summary>Registers a client plugin type as a singleton. Registering the same type twice is harmless.</summary>
    /// <typeparam name="TPlugin">The plugin type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlugin<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPlugin>(this IHandshakeBuilder builder)
        where TPlugin : class, IAuthPlugin
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthPlugin, TPlugin>());
        return builder;
    }

    /// <summary>Registers a client plugin instance. Two plugins with one name fail at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="plugin">The plugin.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlugin(this IHandshakeBuilder builder, IAuthPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plugin);
        builder.Services.AddSingleton(plugin);
        return builder;
    }

    /// <summary>Registers a server verifier type as a singleton. Registering the same type twice is harmless.</summary>
    /// <typeparam name="TVerifier">The verifier type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddVerifier<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TVerifier>(this IHandshakeBuilder builder)
        where TVerifier : class, IAuthVerifier
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthVerifier, TVerifier>());
        return builder;
    }

    /// <summary>Registers a server verifier instance. Two verifiers with one name fail at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="verifier">The verifier.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddVerifier(this IHandshakeBuilder builder, IAuthVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(verifier);
        builder.Services.AddSingleton(verifier);
        return builder;
    }

    /// <summary>
    /// Registers the stored-credential format of a verifier (what <see cref="IHandshakeCatalog"/> lists).
    /// A second format for the same verifier name is ignored, so a package may register its own on every call.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="format">The format.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCredentialFormat(this IHandshakeBuilder builder, IStoredCredentialFormat format)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(format);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IStoredCredentialFormat) && d.ImplementationInstance is IStoredCredentialFormat f && string.Equals(f.VerifierName, format.VerifierName, StringComparison.Ordinal)))
        {
            builder.Services.AddSingleton(format);
        }

        return builder;
    }

    /// <summary>
    /// Registers how the messages of the plugin (and verifier) named <paramref name="pluginName"/> are
    /// redacted (what <see cref="IHandshakeCatalog.FindPayloadRedactor"/> returns). A second redactor for
    /// the same name is ignored, so a package may register its own on every call.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="pluginName">The name the plugin is registered under.</param>
    /// <param name="redactor">The redactor.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPayloadRedactor(this IHandshakeBuilder builder, string pluginName, IPayloadRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registration = new PayloadRedactorRegistration(pluginName, redactor);
        if (!builder.Services.Any(d => d.ServiceType == typeof(PayloadRedactorRegistration) && d.ImplementationInstance is PayloadRedactorRegistration r && string.Equals(r.PluginName, pluginName, StringComparison.Ordinal)))
        {
            builder.Services.AddSingleton(registration);
        }

        return builder;
    }
}
