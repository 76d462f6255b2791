using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.PostgreSql.Tests;

/// <summary>The adapter conformance rules, run against the PostgreSQL adapter in both roles (plain TCP and SSLRequest).</summary>
public sealed class PostgreSqlAdapterConformanceTests : AdapterConformanceTests
{
    private const string Scram = "SCRAM-SHA-256";

    private static readonly Lazy<StoredCredential> Credential = new(() => ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential());

    protected override IReadOnlyList<AdapterTlsMode> SupportedTlsModes => [AdapterTlsMode.None, AdapterTlsMode.Upgrade];

    protected override ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure) =>
        Build(meterFactory, Scram, builder => builder.AddScram(), configure);

    protected override ServiceProvider? CreateCleartextServices(IMeterFactory meterFactory) =>
        Build(meterFactory, PlainPluginNames.Plain, builder => builder.AddPlain().AddPlainVerifier(), configure: null);

    protected override async Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new PostgreSqlClientOptions
        {
            TlsMode = scenario.Tls == AdapterTlsMode.None ? ClientTlsMode.Disable : scenario.ClientTlsMode,
            TargetHost = "localhost",
            Database = "postgres",
            FirstMessageTimeout = scenario.FirstMessageTimeout,
            RoundTimeout = scenario.RoundTimeout,
            Timeout = scenario.Timeout,
            MaxMessageLength = scenario.MaxMessageLength,
        };
        if (scenario.TrustServerCertificate)
        {
            options.TrustedRootCertificates.Add(scenario.Certificate);
        }

        var result = await PostgreSqlStartup.ConnectAsync(stream, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
        if (!ReferenceEquals(result.Stream, stream))
        {
            await result.Stream.DisposeAsync();
        }

        return result.Transport.IsEncrypted;
    }

    protected override async Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new PostgreSqlAcceptorOptions
        {
            ServerCertificate = scenario.Tls == AdapterTlsMode.None ? null : scenario.Certificate,
            FirstMessageTimeout = scenario.FirstMessageTimeout,
            RoundTimeout = scenario.RoundTimeout,
            AuthenticationTimeout = scenario.Timeout,
            IdleTimeout = scenario.IdleTimeout,
            SessionHandler = scenario.SessionHandler,
            MaxMessageLength = scenario.MaxMessageLength,
        };
        var result = await PostgreSqlAcceptorSession.AcceptAsync(stream, options, services.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);
        return new AdapterServerOutcome(result.Authentication, result.FailureReason, result.IsEncrypted);
    }

    /// <summary>A startup packet longer than PostgreSQL's own bound (MAX_STARTUP_PACKET_LENGTH, 10000), whatever the configured limit.</summary>
    protected override byte[] OversizedClientMessage(int limit)
    {
        var length = Math.Max(limit, 10000) + 16;
        var packet = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(packet, length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), 196608);
        return packet;
    }

    /// <summary>An Authentication message whose body is one byte longer than <paramref name="limit"/>.</summary>
    protected override byte[] OversizedServerMessage(int limit)
    {
        var message = new byte[1 + 4 + limit + 1];
        message[0] = (byte)'R';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + limit + 1);
        return message;
    }

    private static ServiceProvider Build(IMeterFactory meterFactory, string mechanism, Action<IHandshakeBuilder> client, Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection().AddSingleton(meterFactory);
        var builder = services.AddHandshake(o => o.RoundTimeout = TimeSpan.FromSeconds(10));
        client(builder);
        builder.AddScramVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = mechanism;
                o.RoundTimeout = TimeSpan.FromSeconds(10);
            })
            .AddInMemoryCredentialStore(s => s.AddUser(UserName, new AuthFactorPolicy(mechanism, Credential.Value)));
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
