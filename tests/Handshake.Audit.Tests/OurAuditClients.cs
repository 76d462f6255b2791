using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Audit.Tests;

/// <summary>
/// Our own clients (PostgreSqlStartup, MySqlClientConnector) run against a scenario over a loopback socket,
/// configured as an application would: default options, TLS without certificate checks (the audit's
/// certificate is self-signed), a connect timeout shorter than the scenario's deadline.
/// </summary>
internal static class OurAuditClients
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(CreateCertificate);

    /// <summary>Gets the certificate the audit servers in these tests present; the clients pin it.</summary>
    public static X509Certificate2 Certificate => SharedCertificate.Value;

    /// <summary>Accepts exactly <see cref="Certificate"/>: the audit's certificate is self-signed, so it is pinned instead of chain-checked.</summary>
    public static bool IsAuditCertificate(X509Certificate? presented) =>
        presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(Certificate.GetCertHash());

    public static async Task<AuditFinding> RunPostgreSqlAsync(AuditScenario scenario, AuditServerOptions options, TimeSpan clientTimeout, Action<IHandshakeBuilder>? register = null)
    {
        await using var server = AuditServer.Start(scenario, options);
        var builder = new ServiceCollection().AddHandshake().AddScram(o => o.ChannelBinding = scenario.RequiresChannelBinding ? ScramChannelBinding.Require : ScramChannelBinding.Prefer);
        register?.Invoke(builder);
        await using var sp = builder.Services.BuildServiceProvider();
        Exception? error = null;
        try
        {
            using var cts = new CancellationTokenSource(clientTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(AuditServer.Host, server.Port, cts.Token);
            await using var stream = tcp.GetStream();
            using var credentials = AuthCredentials.FromPasswords(options.UserName, options.Password);
            var clientOptions = new PostgreSqlClientOptions
            {
                TlsMode = scenario.UsesTls ? ClientTlsMode.Require : ClientTlsMode.Prefer,
                RemoteCertificateValidationCallback = static (_, c, _, _) => IsAuditCertificate(c),
                Timeout = clientTimeout,
            };
            var result = await PostgreSqlStartup.ConnectAsync(stream, clientOptions, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cts.Token);
            if (!ReferenceEquals(result.Stream, stream))
            {
                await result.Stream.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
        }

        return await server.JudgeAsync(AuditClientReport.FromException(error));
    }

    public static async Task<AuditFinding> RunMySqlAsync(AuditScenario scenario, AuditServerOptions options, TimeSpan clientTimeout, Action<IHandshakeBuilder>? register = null)
    {
        await using var server = AuditServer.Start(scenario, options);
        var builder = new ServiceCollection().AddHandshake().AddNativePassword();
        register?.Invoke(builder);
        await using var sp = builder.Services.BuildServiceProvider();
        Exception? error = null;
        try
        {
            using var cts = new CancellationTokenSource(clientTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(AuditServer.Host, server.Port, cts.Token);
            await using var stream = tcp.GetStream();
            using var credentials = AuthCredentials.FromPasswords(options.UserName, options.Password);
            var clientOptions = new MySqlClientOptions
            {
                TlsMode = scenario.UsesTls ? ClientTlsMode.Require : ClientTlsMode.Disable,
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = static (_, c, _, _) => IsAuditCertificate(c),
            };
            var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();
            var result = await MySqlClientConnector.ConnectAsync(stream, clientOptions, factory, credentials, cts.Token);
            if (!ReferenceEquals(result.Stream, stream))
            {
                await result.Stream.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
        }

        return await server.JudgeAsync(AuditClientReport.FromException(error));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
