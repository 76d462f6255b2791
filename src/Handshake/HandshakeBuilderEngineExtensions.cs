using System.Diagnostics.CodeAnalysis;
using Handshake.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake;

/// <summary>Engine registrations on the builder: delegate plugins, the acceptor, credential stores, the legacy switch handler.</summary>
public static class HandshakeBuilderEngineExtensions
{
    /// <summary>
    /// Registers a plugin written as a function, mysql2's <c>authPlugins</c> form:
    /// <c>AddPlugin("ssh-key-auth", ctx =&gt; async (data, ct) =&gt; await Sign(ctx, data, ct))</c>.
    /// The factory runs once per exchange; the handler it returns once per round. The plugin does not
    /// declare what it sends of its secret (<see cref="AuthSecretUse.Unspecified"/>): it gets the
    /// secret only where the cleartext gate allows; use the overload taking <see cref="AuthSecretUse"/>
    /// to declare it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="factory">Makes the per-exchange round handler from the context.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlugin(this IHandshakeBuilder builder, string name, Func<AuthExchangeContext, AuthRoundHandler> factory) =>
        builder.AddPlugin(name, AuthSecretUse.Unspecified, factory);

    /// <summary>
    /// Registers a plugin written as a function and declares what it sends of its factor's secret:
    /// <see cref="AuthSecretUse.Cleartext"/> (e.g. <c>mysql_clear_password</c>) is not started unless the
    /// cleartext gate allows; <see cref="AuthSecretUse.Derived"/> (a hash or signature of it) gets the
    /// secret on any transport.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="secretUse">What the plugin sends of its secret.</param>
    /// <param name="factory">Makes the per-exchange round handler from the context.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlugin(this IHandshakeBuilder builder, string name, AuthSecretUse secretUse, Func<AuthExchangeContext, AuthRoundHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!Enum.IsDefined(secretUse))
        {
            throw new ArgumentOutOfRangeException(nameof(secretUse), secretUse, "Not an AuthSecretUse value.");
        }

        return builder.AddPlugin(new DelegateAuthPlugin(name, secretUse, factory));
    }

    /// <summary>
    /// Configures how many slow key derivations (PBKDF2) may run at once in the process
    /// (<see cref="KeyDerivationOptions.MaxConcurrency"/>, the processor count by default); the rest
    /// queue, honouring each handshake's deadline and cancellation.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder ConfigureKeyDerivation(this IHandshakeBuilder builder, Action<KeyDerivationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers a server verifier written as a function called once per client message (no initial data).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <param name="factory">Makes the per-exchange handler from the context.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddVerifier(this IHandshakeBuilder builder, string name, Func<VerifierContext, VerifierRoundHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return builder.AddVerifier(name, null, (context, _) => factory(context));
    }

    /// <summary>
    /// Registers a server verifier written as functions: <paramref name="initialData"/> makes the data
    /// the server sends when it names this plugin (a challenge), and <paramref name="factory"/> gets
    /// that same data to build the per-exchange handler that checks the client's answers.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <param name="initialData">Makes the initial data; none when null.</param>
    /// <param name="factory">Makes the per-exchange handler from the context and the initial data.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddVerifier(this IHandshakeBuilder builder, string name, Func<VerifierContext, ReadOnlyMemory<byte>>? initialData, Func<VerifierContext, ReadOnlyMemory<byte>, VerifierRoundHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.AddVerifier(new DelegateAuthVerifier(name, initialData, factory));
    }

    /// <summary>
    /// Registers mysql2's deprecated single switch handler. It answers for any plugin name no
    /// registered plugin claims: the first call of an exchange gets the plugin name and data, later calls data only.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="handler">The callback.</param>
    /// <returns>The builder.</returns>
    [Obsolete("The single authSwitchHandler callback is deprecated, as in mysql2: register a plugin per method with AddPlugin instead.")]
    public static IHandshakeBuilder AddLegacyAuthSwitchHandler(this IHandshakeBuilder builder, LegacyAuthSwitchHandler handler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        builder.Services.AddSingleton(new LegacyAuthSwitchPlugin(handler));
        return builder;
    }

    /// <summary>Registers the acceptor (server engine) with options validated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the server rules; <see cref="AcceptorOptions.DefaultPlugin"/> is required.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddAcceptor(this IHandshakeBuilder builder, Action<AcceptorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<AcceptorOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcceptorOptions>, AcceptorOptionsValidator>());
        builder.Services.TryAddSingleton<IAuthAcceptorFactory, AuthAcceptorFactory>();
        return builder;
    }

    /// <summary>
    /// Sets the switches of <see cref="FactorPolicyRules"/> (<see cref="FactorPolicyRuleOptions"/>), the
    /// one place they live: the acceptor applies them to every user it loads, and start-up validation
    /// of configured policies (<c>AddFactorPolicies</c>) applies the same ones.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the rules.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder ConfigureFactorPolicyRules(this IHandshakeBuilder builder, Action<FactorPolicyRuleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<FactorPolicyRuleOptions>().Configure(configure);
        return builder;
    }

    /// <summary>Registers a credential store type for the acceptor (replacing any earlier one).</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCredentialStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IHandshakeBuilder builder)
        where TStore : class, ICredentialStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICredentialStore, TStore>());
        return builder;
    }

    /// <summary>Registers an in-memory credential store, filled by <paramref name="configure"/>, and makes it the acceptor's store.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds users.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddInMemoryCredentialStore(this IHandshakeBuilder builder, Action<InMemoryCredentialStore>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var store = new InMemoryCredentialStore();
        configure?.Invoke(store);
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        builder.Services.Replace(ServiceDescriptor.Singleton<ICredentialStore>(store));
        return builder;
    }
}
