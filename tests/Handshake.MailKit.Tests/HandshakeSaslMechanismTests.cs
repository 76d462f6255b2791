using System.Net;
using System.Net.Sockets;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Handshake.Protocols.Sasl;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.MailKit.Tests;

/// <summary>MailKit's ImapClient with the bridge, against our IMAP acceptor on 127.0.0.1 (no TLS: SCRAM sends no password).</summary>
public sealed class HandshakeSaslMechanismTests
{
    [Fact]
    public async Task AuthenticateAsync_BridgedScram_LogsInAndClosesTheExchange()
    {
        var (client, server) = await RunAsync("SCRAM-SHA-256", "pw");

        Assert.True(client.Authenticated, client.Error?.Message);
        Assert.True(client.Closed);
        Assert.Equal("alice", server.Authentication?.UserName);
    }

    [Fact]
    public async Task AuthenticateAsync_BridgedScramWrongPassword_MailKitThrowsAuthenticationException()
    {
        var (client, server) = await RunAsync("SCRAM-SHA-256", "wrong");

        Assert.IsType<AuthenticationException>(client.Error);
        Assert.Equal(AuthErrorCode.InvalidCredential, server.FailureReason);
    }

    [Fact]
    public async Task AuthenticateAsync_BridgedPlainOverPlainTransport_RefusedByTheCleartextGateBeforeSending()
    {
        var (client, server) = await RunAsync(PlainPluginNames.Plain, "pw");

        var error = Assert.IsType<HandshakeException>(client.Error);
        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
        Assert.Null(server.Authentication);
    }

    private static async Task<((bool Authenticated, bool Closed, Exception? Error) Client, SaslAcceptorResult Server)> RunAsync(string mechanism, string password)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram().AddPlain().AddScramVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.OfferedPlugins.Add("SCRAM-SHA-256");
            })
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create("pw", SystemRandomSource.Instance, 4096).ToStoredCredential())));
        await using var provider = services.BuildServiceProvider();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = Task.Run(
            async () =>
            {
                using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
                return await ImapAcceptorSession.AcceptAsync(accepted.GetStream(), new SaslAcceptorOptions { IdleTimeout = TimeSpan.FromSeconds(5) }, provider.GetRequiredService<IAuthAcceptorFactory>(), timeout.Token);
            },
            timeout.Token);

        using var credentials = AuthCredentials.FromPasswords("alice", password);
        using var sasl = new HandshakeSaslMechanism(mechanism, provider.GetRequiredService<IAuthNegotiatorFactory>(), credentials);
        Exception? error = null;
        var authenticated = false;
        using (var client = new ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, SecureSocketOptions.None, timeout.Token);
            try
            {
                await client.AuthenticateAsync(sasl, timeout.Token);
                authenticated = client.IsAuthenticated;
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception ex) when (ex is AuthenticationException or HandshakeException)
            {
                error = ex;
            }
        }

        return ((authenticated, sasl.IsAuthenticated && sasl.Result is not null, error), await server);
    }
}
