using System.Diagnostics.Metrics;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.Sasl.Tests;

/// <summary>Both roles' services: SCRAM-SHA-256(-PLUS) and PLAIN, one user with a SCRAM-SHA-256 credential.</summary>
internal static class SaslTestServices
{
    public const string ScramSha256 = "SCRAM-SHA-256";

    private static readonly Lazy<StoredCredential> Credential = new(() => ScramCredential.Create("conformance-secret", SystemRandomSource.Instance, 4096).ToStoredCredential());

    public static ServiceProvider Create(IMeterFactory? meters = null, Action<HandshakeOptions>? client = null, string user = "conformance-user", Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        if (meters is not null)
        {
            services.AddSingleton(meters);
        }

        services.AddHandshake(o =>
            {
                o.RoundTimeout = TimeSpan.FromSeconds(10);
                client?.Invoke(o);
            })
            .AddScram()
            .AddPlain()
            .AddScramVerifier()
            .AddPlainVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = ScramSha256;
                o.OfferedPlugins.Add(ScramSha256);
                o.OfferedPlugins.Add(PlainPluginNames.Plain);
                o.RoundTimeout = TimeSpan.FromSeconds(10);
            })
            .AddInMemoryCredentialStore(s => s.AddUser(user, new AuthFactorPolicy(ScramSha256, Credential.Value)));
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Services whose client can only send PLAIN (a password in the clear) and whose server offers only PLAIN.</summary>
    public static ServiceProvider CreateCleartext(IMeterFactory meters)
    {
        var services = new ServiceCollection().AddSingleton(meters);
        services.AddHandshake(o => o.RoundTimeout = TimeSpan.FromSeconds(10))
            .AddPlain()
            .AddScramVerifier()
            .AddPlainVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = PlainPluginNames.Plain;
                o.OfferedPlugins.Add(PlainPluginNames.Plain);
                o.RoundTimeout = TimeSpan.FromSeconds(10);
            })
            .AddInMemoryCredentialStore(s => s.AddUser("conformance-user", new AuthFactorPolicy(ScramSha256, Credential.Value)));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
