using System.Net;
using System.Net.Sockets;
using Handshake.Plugins.NativePassword;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.MySql.Tests;

public sealed class MySqlLoopbackTests
{
    private static ServiceProvider Services() =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePassword()
            .AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "mysql_native_password")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword("secret").ToStoredCredential())))
            .Services.BuildServiceProvider();

    [Theory]
    [InlineData("secret", true)]
    [InlineData("wrong", false)]
    public async Task ClientAndServer_NativePassword_OkOrErr1045(string password, bool accepted)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(cts.Token);
            await using var stream = socket.GetStream();
            return await MySqlServerConnector.AcceptAsync(stream, new MySqlServerOptions(), sp.GetRequiredService<IAuthAcceptorFactory>(), cts.Token);
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        await using var clientStream = client.GetStream();
        using var credentials = AuthCredentials.FromPasswords("alice", password);
#pragma warning disable CA2025 // Run is awaited below, before credentials are disposed.
        Task<MySqlClientResult> Run() => MySqlClientConnector.ConnectAsync(clientStream, new MySqlClientOptions(), sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cts.Token);
#pragma warning restore CA2025
        if (accepted)
        {
            var result = await Run();
            Assert.Equal("8.0.36-Handshake", result.ServerVersion);
            Assert.True((await serverTask).Succeeded);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<HandshakeException>(Run);
            Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
            Assert.Contains("1045", ex.Message, StringComparison.Ordinal);
            Assert.False((await serverTask).Succeeded);
        }
    }
}
