using System.Net;
using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Handshake.Protocols.Sasl;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.Sasl;

/// <summary>MailKit 4.18 (a real IMAP and SMTP client) against our IMAP and SMTP acceptors on 127.0.0.1.</summary>
public sealed class MailKitAcceptorTests : IAsyncLifetime
{
    private const string User = "mailkit-user";
    private const string Password = "mailkit-secret";
    private ServiceProvider _services = null!;

    public enum Protocol
    {
        Imap,
        Smtp,
    }

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddScramVerifier()
            .AddPlainVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.OfferedPlugins.Add("SCRAM-SHA-256");
                o.OfferedPlugins.Add(PlainPluginNames.Plain);
            })
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential())));
        _services = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    public static TheoryData<Protocol, SaslTlsStart?, string> Logins()
    {
        var data = new TheoryData<Protocol, SaslTlsStart?, string>();
        foreach (var protocol in new[] { Protocol.Imap, Protocol.Smtp })
        {
            data.Add(protocol, null, "SCRAM-SHA-256");
            data.Add(protocol, SaslTlsStart.StartTls, "SCRAM-SHA-256");
            data.Add(protocol, SaslTlsStart.StartTls, "SCRAM-SHA-256-PLUS");
            data.Add(protocol, SaslTlsStart.Implicit, "SCRAM-SHA-256-PLUS");
            data.Add(protocol, SaslTlsStart.StartTls, "PLAIN");
            data.Add(protocol, SaslTlsStart.Implicit, "PLAIN");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task MailKit_LogsInToOurAcceptor(Protocol protocol, SaslTlsStart? tls, string mechanism)
    {
        var outcome = await RunAsync(protocol, tls, credential => Mechanism(mechanism, credential), Password);

        Assert.Null(outcome.ClientError);
        Assert.NotNull(outcome.Server.Authentication);
        Assert.Equal(User, outcome.Server.Authentication.UserName);
        Assert.Equal(mechanism, Assert.Single(outcome.Server.Authentication.Factors[0].PluginsTried));
        Assert.Equal(tls is not null, outcome.Server.IsEncrypted);
    }

    [Theory]
    [InlineData(Protocol.Imap, "SCRAM-SHA-256")]
    [InlineData(Protocol.Smtp, "SCRAM-SHA-256")]
    [InlineData(Protocol.Imap, "PLAIN")]
    [InlineData(Protocol.Smtp, "PLAIN")]
    public async Task MailKit_WrongPassword_GetsAuthenticationException(Protocol protocol, string mechanism)
    {
        var outcome = await RunAsync(protocol, SaslTlsStart.StartTls, credential => Mechanism(mechanism, credential), "not-the-secret");

        Assert.IsType<AuthenticationException>(outcome.ClientError);
        Assert.Null(outcome.Server.Authentication);
        Assert.Equal(AuthErrorCode.InvalidCredential, outcome.Server.FailureReason);
    }

    [Theory]
    [InlineData(Protocol.Imap)]
    [InlineData(Protocol.Smtp)]
    public async Task MailKit_PlainOverPlainText_IsRefused(Protocol protocol)
    {
        var outcome = await RunAsync(protocol, null, credential => new SaslMechanismPlain(credential), Password);

        Assert.IsType<AuthenticationException>(outcome.ClientError);
        Assert.Null(outcome.Server.Authentication);
        Assert.Equal(AuthErrorCode.ProtocolViolation, outcome.Server.FailureReason);
    }

    private static SaslMechanism Mechanism(string name, NetworkCredential credential) => name switch
    {
        "SCRAM-SHA-256" => new SaslMechanismScramSha256(credential),
        "SCRAM-SHA-256-PLUS" => new SaslMechanismScramSha256Plus(credential),
        "PLAIN" => new SaslMechanismPlain(credential),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private async Task<(Exception? ClientError, SaslAcceptorResult Server)> RunAsync(Protocol protocol, SaslTlsStart? tls, Func<NetworkCredential, SaslMechanism> mechanism, string password)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new SaslAcceptorOptions { TlsStart = tls ?? SaslTlsStart.StartTls, ServerCertificate = tls is null ? null : TestServerCertificate.Instance, IdleTimeout = TimeSpan.FromSeconds(5) };
        var server = Task.Run(
            async () =>
            {
                using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
                var factory = _services.GetRequiredService<IAuthAcceptorFactory>();
                return protocol == Protocol.Imap
                    ? await ImapAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token)
                    : await SmtpAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token);
            },
            timeout.Token);

        var secure = tls switch
        {
            SaslTlsStart.StartTls => SecureSocketOptions.StartTls,
            SaslTlsStart.Implicit => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        var credential = new NetworkCredential(User, password);
        Exception? error = null;
        try
        {
            if (protocol == Protocol.Imap)
            {
                using var client = new ImapClient { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestServerCertificate.Instance.GetCertHashString() };
                await client.ConnectAsync("127.0.0.1", port, secure, timeout.Token);
                await client.AuthenticateAsync(mechanism(credential), timeout.Token);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            else
            {
                using var client = new SmtpClient { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestServerCertificate.Instance.GetCertHashString() };
                await client.ConnectAsync("127.0.0.1", port, secure, timeout.Token);
                await client.AuthenticateAsync(mechanism(credential), timeout.Token);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
        }
        catch (AuthenticationException ex)
        {
            error = ex;
        }

        return (error, await server);
    }
}
