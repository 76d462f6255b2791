using System.Diagnostics.CodeAnalysis;
using Handshake.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake;

/// <summary>
/// The one registration pattern plugin packages follow, modelled on ASP.NET Core's <c>AddScheme</c>:
/// a plugin or verifier is registered under a name (its wire name by default), its settings are named
/// options of that name read with <c>IOptionsMonitor&lt;T&gt;.Get(name)</c> when an exchange starts, and
/// its validator sees only that name's options. Registering one name twice is harmless (the
/// configurations add up); two names give two independent registrations.
/// </summary>
public static class NamedRegistrationExtensions
{
    /// <summary>
    /// Adds the named options <paramref name="name"/>, applies <paramref name="configure"/>, and has them
    /// checked at start-up by <paramref name="check"/> (once per name, through a
    /// <see cref="NamedOptionsValidator{TOptions}"/> that skips other names).
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The registration's name.</param>
    /// <param name="configure">Adjusts the options, or null.</param>
    /// <param name="check">Returns the failures of a value of the options, given the container (for checks that need other registrations).</param>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<TOptions> AddNamedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IHandshakeBuilder builder, string name, Action<TOptions>? configure, Func<IServiceProvider, TOptions, IEnumerable<string>> check)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(check);
        return builder.AddNamed(name, configure, sp => new NamedOptionsValidator<TOptions>(name, o => check(sp, o)));
    }

    /// <summary>
    /// Adds the named options <paramref name="name"/>, applies <paramref name="configure"/>, and has them
    /// checked at start-up by the plugin's own validator, which sees only this name's options (it is
    /// wrapped in a <see cref="NamedOptionsValidator{TOptions}"/> that skips other names).
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The registration's name.</param>
    /// <param name="configure">Adjusts the options, or null.</param>
    /// <param name="validator">Makes the plugin's validator from the container.</param>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<TOptions> AddNamedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IHandshakeBuilder builder, string name, Action<TOptions>? configure, Func<IServiceProvider, IValidateOptions<TOptions>> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(validator);
        return builder.AddNamed(name, configure, sp => new NamedOptionsValidator<TOptions>(name, validator(sp)));
    }

    /// <summary>Registers a client plugin made by <paramref name="factory"/> under <paramref name="name"/>, once per name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin's name (what its <see cref="IAuthPlugin.Name"/> returns).</param>
    /// <param name="factory">Makes the plugin from the container.</param>
    /// <returns>Whether it was added (false when the name was registered by this method before).</returns>
    public static bool TryAddNamedPlugin(this IHandshakeBuilder builder, string name, Func<IServiceProvider, IAuthPlugin> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!Mark(builder.Services, typeof(IAuthPlugin), name))
        {
            return false;
        }

        builder.Services.AddSingleton(factory);
        return true;
    }

    /// <summary>Registers a server verifier made by <paramref name="factory"/> under <paramref name="name"/>, once per name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier's name (what its <see cref="IAuthVerifier.Name"/> returns).</param>
    /// <param name="factory">Makes the verifier from the container.</param>
    /// <returns>Whether it was added (false when the name was registered by this method before).</returns>
    public static bool TryAddNamedVerifier(this IHandshakeBuilder builder, string name, Func<IServiceProvider, IAuthVerifier> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!Mark(builder.Services, typeof(IAuthVerifier), name))
        {
            return false;
        }

        builder.Services.AddSingleton(factory);
        return true;
    }

    private static OptionsBuilder<TOptions> AddNamed<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IHandshakeBuilder builder, string name, Action<TOptions>? configure, Func<IServiceProvider, NamedOptionsValidator<TOptions>> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var options = builder.Services.AddOptions<TOptions>(name);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        if (Mark(builder.Services, typeof(IValidateOptions<TOptions>), name))
        {
            builder.Services.AddSingleton<IValidateOptions<TOptions>>(validator);
        }

        return options;
    }

    private static bool Mark(IServiceCollection services, Type kind, string name)
    {
        if (services.Any(d => d.ServiceType == typeof(NamedRegistrationMarker) && d.ImplementationInstance is NamedRegistrationMarker m && m.Kind == kind && string.Equals(m.Name, name, StringComparison.Ordinal)))
        {
            return false;
        }

        services.AddSingleton(new NamedRegistrationMarker(kind, name));
        return true;
    }
}
