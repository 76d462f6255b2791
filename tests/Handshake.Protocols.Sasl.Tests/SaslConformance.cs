using System.Diagnostics.Metrics;
using System.Text;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.Sasl.Tests;

/// <summary>The adapter conformance rules, run against the IMAP adapter in both roles.</summary>
public sealed class ImapAdapterConformanceTests : AdapterConformanceTests
{
    protected override IReadOnlyList<AdapterTlsMode> SupportedTlsModes => [AdapterTlsMode.None, AdapterTlsMode.Upgrade, AdapterTlsMode.Implicit];

    protected override ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure) => SaslTestServices.Create(meterFactory, configure: configure);

    protected override ServiceProvider? CreateCleartextServices(IMeterFactory meterFactory) => SaslTestServices.CreateCleartext(meterFactory);

    protected override async Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var result = await ImapClientAuthenticator.ConnectAsync(stream, SaslScenario.Client(scenario), services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
        return result.Transport.IsEncrypted;
    }

    protected override async Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var result = await ImapAcceptorSession.AcceptAsync(stream, SaslScenario.Server(scenario), services.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);
        return new AdapterServerOutcome(result.Authentication, result.FailureReason, result.IsEncrypted);
    }

    protected override byte[] OversizedClientMessage(int limit) => Encoding.ASCII.GetBytes("A1 AUTHENTICATE " + new string('A', limit + 16));

    protected override byte[] OversizedServerMessage(int limit) => Encoding.ASCII.GetBytes("* OK " + new string('x', limit));
}

/// <summary>The adapter conformance rules, run against the SMTP adapter in both roles.</summary>
public sealed class SmtpAdapterConformanceTests : AdapterConformanceTests
{
    protected override IReadOnlyList<AdapterTlsMode> SupportedTlsModes => [AdapterTlsMode.None, AdapterTlsMode.Upgrade, AdapterTlsMode.Implicit];

    protected override ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure) => SaslTestServices.Create(meterFactory, configure: configure);

    protected override ServiceProvider? CreateCleartextServices(IMeterFactory meterFactory) => SaslTestServices.CreateCleartext(meterFactory);

    protected override async Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var result = await SmtpClientAuthenticator.ConnectAsync(stream, SaslScenario.Client(scenario), services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
        return result.Transport.IsEncrypted;
    }

    protected override async Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var result = await SmtpAcceptorSession.AcceptAsync(stream, SaslScenario.Server(scenario), services.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);
        return new AdapterServerOutcome(result.Authentication, result.FailureReason, result.IsEncrypted);
    }

    protected override byte[] OversizedClientMessage(int limit) => Encoding.ASCII.GetBytes("EHLO " + new string('a', limit + 16));

    protected override byte[] OversizedServerMessage(int limit) => Encoding.ASCII.GetBytes("220 " + new string('x', limit));
}

/// <summary>Maps a conformance scenario onto the SASL adapters' options.</summary>
internal static class SaslScenario
{
    public static SaslClientOptions Client(AdapterScenario scenario)
    {
        var options = new SaslClientOptions
        {
            TlsMode = scenario.Tls == AdapterTlsMode.None ? ClientTlsMode.Disable : scenario.ClientTlsMode,
            TlsStart = scenario.Tls == AdapterTlsMode.Implicit ? SaslTlsStart.Implicit : SaslTlsStart.StartTls,
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

        return options;
    }

    public static SaslAcceptorOptions Server(AdapterScenario scenario) => new()
    {
        TlsStart = scenario.Tls == AdapterTlsMode.Implicit ? SaslTlsStart.Implicit : SaslTlsStart.StartTls,
        ServerCertificate = scenario.Tls == AdapterTlsMode.None ? null : scenario.Certificate,
        FirstMessageTimeout = scenario.FirstMessageTimeout,
        RoundTimeout = scenario.RoundTimeout,
        AuthenticationTimeout = scenario.Timeout,
        IdleTimeout = scenario.IdleTimeout,
        SessionHandler = scenario.SessionHandler,
        MaxMessageLength = scenario.MaxMessageLength,
    };
}
