using System.Diagnostics.Metrics;
using Handshake.Plugins.NativePassword;
using Handshake.Testing;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.MySql.Tests;

/// <summary>The adapter conformance rules, run against the MySQL adapter in both roles (plain TCP and the SSLRequest upgrade).</summary>
public sealed class MySqlAdapterConformanceTests : AdapterConformanceTests
{
    protected override IReadOnlyList<AdapterTlsMode> SupportedTlsModes => [AdapterTlsMode.None, AdapterTlsMode.Upgrade];

    protected override ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure) => MySqlTestServices.Create(meterFactory, UserName, Password, configure: configure);

    protected override async Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new MySqlClientOptions
        {
            TlsMode = scenario.Tls == AdapterTlsMode.None ? ClientTlsMode.Disable : scenario.ClientTlsMode,
            TargetHost = "localhost",
            FirstMessageTimeout = scenario.FirstMessageTimeout,
            RoundTimeout = scenario.RoundTimeout,
            Timeout = scenario.Timeout,
            MaxMessageLength = scenario.MaxMessageLength,
        };
        if (scenario.TrustServerCertificate)
        {
            options.TrustedRootCertificates.Add(scenario.Certificate);
        }

        var result = await MySqlClientConnector.ConnectAsync(stream, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
        return result.Transport.IsEncrypted;
    }

    protected override async Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new MySqlServerOptions
        {
            ServerCertificate = scenario.Tls == AdapterTlsMode.None ? null : scenario.Certificate,
            FirstMessageTimeout = scenario.FirstMessageTimeout,
            RoundTimeout = scenario.RoundTimeout,
            AuthenticationTimeout = scenario.Timeout,
            IdleTimeout = scenario.IdleTimeout,
            SessionHandler = scenario.SessionHandler,
            MaxMessageLength = scenario.MaxMessageLength,
        };
        var result = await MySqlServerConnector.AcceptAsync(stream, options, services.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);
        if (result.Succeeded && scenario.SessionHandler is null)
        {
            // The session after the login, as a server runs it: until the client quits, leaves or idles out.
            await MySqlServerConnector.ServeCommandsAsync(result, cancellationToken);
        }

        return new AdapterServerOutcome(result.Authentication, result.FailureReason, result.Transport.IsEncrypted);
    }

    // A packet header announcing more than the limit (3-byte length, sequence id), and a little of its body.
    protected override byte[] OversizedClientMessage(int limit) => Header(limit + 1, sequence: 1);

    protected override byte[] OversizedServerMessage(int limit) => Header(limit + 1, sequence: 0);

    private static byte[] Header(int length, byte sequence) => [(byte)length, (byte)(length >> 8), (byte)(length >> 16), sequence, 10, 1, 2, 3];
}

/// <summary>Both roles' services for the MySQL tests: mysql_native_password client and verifier, one user.</summary>
internal static class MySqlTestServices
{
    public const string Native = "mysql_native_password";

    public static ServiceProvider Create(IMeterFactory? meters, string user, string password, Action<AcceptorOptions>? acceptor = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        if (meters is not null)
        {
            services.AddSingleton(meters);
        }

        services.AddHandshake()
            .AddNativePassword()
            .AddNativePasswordVerifier()
            .AddHmacChallenge()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = Native;
                acceptor?.Invoke(o);
            })
            .AddInMemoryCredentialStore(s => s
                .AddUser(user, new AuthFactorPolicy(Native, NativePasswordCredential.FromPassword(password).ToStoredCredential()))
                .AddUser("bob", new AuthFactorPolicy(Native, NativePasswordCredential.FromPassword(password).ToStoredCredential()), new AuthFactorPolicy("hmac-challenge", HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw2"))));
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
