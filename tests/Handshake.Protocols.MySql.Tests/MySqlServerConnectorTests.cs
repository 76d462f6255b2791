using System.Net;
using System.Net.Sockets;
using System.Text;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql.Internal;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.MySql.Tests;

/// <summary>Our acceptor against a raw scripted client: malformed or oversize input ends in ERR 1043, policy failures in ERR 1045.</summary>
public sealed class MySqlServerConnectorTests : IDisposable
{
    private const string User = "alice";
    private const string Password = "pw1";
    private const MySqlCapabilities ClientCaps = MySqlCapabilities.LongPassword | MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection
        | MySqlCapabilities.PluginAuth | MySqlCapabilities.PluginAuthLenencClientData;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddHandshake()
        .AddNativePasswordVerifier()
        .AddHmacChallenge()
        .AddAcceptor(o => o.DefaultPlugin = "mysql_native_password")
        .AddInMemoryCredentialStore(s => s
            .AddUser(User, new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword(Password).ToStoredCredential()))
            .AddUser("bob", new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword(Password).ToStoredCredential()), new AuthFactorPolicy("hmac-challenge", HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw2"))))
        .Services.BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task AcceptAsync_FirstPacketAboveLimit_Err1043AndProtocolViolation()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions { MaxMessageLength = 1024 });
        using var clientLifetime = client;
        _ = await channel.ReadAsync(_timeout.Token);

        // A header announcing 64 KiB with no body: the limit must be applied before reading (or allocating) it.
        await client.GetStream().WriteAsync(new byte[] { 0, 0, 1, 1 }, _timeout.Token);

        var result = await server;
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
        channel.Sequence = 2;
        AssertErr(await channel.ReadAsync(_timeout.Token), 1043, "08S01");
    }

    [Fact]
    public async Task AcceptAsync_AuthLengthBeyondPacket_Err1043()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions());
        using var clientLifetime = client;
        _ = await channel.ReadAsync(_timeout.Token);

        var response = new PayloadWriter().UInt32((uint)ClientCaps).UInt32(1 << 24).Byte(45).Zeros(23).NulString(User).Byte(200).Bytes([1, 2, 3]);
        await channel.WriteAsync(response.Written, _timeout.Token);

        var result = await server;
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
        AssertErr(await channel.ReadAsync(_timeout.Token), 1043, "08S01");
    }

    [Fact]
    public async Task AcceptAsync_SslRequestWithoutServerCertificate_Err1043()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions());
        using var clientLifetime = client;
        _ = await channel.ReadAsync(_timeout.Token);

        await channel.WriteAsync(new PayloadWriter().UInt32((uint)(ClientCaps | MySqlCapabilities.Ssl)).UInt32(1 << 24).Byte(45).Zeros(23).Written, _timeout.Token);

        Assert.False((await server).Succeeded);
        AssertErr(await channel.ReadAsync(_timeout.Token), 1043, "08S01");
    }

    [Fact]
    public async Task AcceptAsync_WrongPassword_Err1045WithMySqlsMessage()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions { ClientHost = "10.0.0.7" });
        using var clientLifetime = client;
        var scramble = ScrambleOf(await channel.ReadAsync(_timeout.Token));

        await channel.WriteAsync(Response(User, "wrong", scramble, ClientCaps), _timeout.Token);

        var result = await server;
        Assert.Equal(AuthErrorCode.InvalidCredential, result.FailureReason);
        Assert.Equal(User, result.UserName);
        var err = await channel.ReadAsync(_timeout.Token);
        AssertErr(err, 1045, "28000");
        Assert.EndsWith("Access denied for user 'alice'@'10.0.0.7' (using password: YES)", Encoding.UTF8.GetString(err), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_SecondFactorForClientWithoutMultiFactorCapability_Err1045()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions());
        using var clientLifetime = client;
        var scramble = ScrambleOf(await channel.ReadAsync(_timeout.Token));

        await channel.WriteAsync(Response("bob", Password, scramble, ClientCaps), _timeout.Token);

        var result = await server;
        Assert.False(result.Succeeded);
        Assert.False(result.ClientSupportsMultiFactor);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.FailureReason);
        AssertErr(await channel.ReadAsync(_timeout.Token), 1045, "28000");
    }

    [Fact]
    public async Task AcceptAsync_SecondFactorForMultiFactorClient_SendsAuthNextFactor()
    {
        var (server, client, channel) = await StartAsync(new MySqlServerOptions());
        using var clientLifetime = client;
        var scramble = ScrambleOf(await channel.ReadAsync(_timeout.Token));

        await channel.WriteAsync(Response("bob", Password, scramble, ClientCaps | MySqlCapabilities.MultiFactorAuthentication), _timeout.Token);

        var next = await channel.ReadAsync(_timeout.Token);
        Assert.Equal(MySqlPackets.AuthNextFactor, next[0]);
        Assert.StartsWith("hmac-challenge\0", Encoding.ASCII.GetString(next, 1, 15), StringComparison.Ordinal);
        Assert.Equal(1 + 15 + 32, next.Length);
        client.Dispose();
        Assert.False((await server).Succeeded);
    }

    private static void AssertErr(byte[] packet, ushort code, string sqlState)
    {
        Assert.Equal(MySqlPackets.Err, packet[0]);
        var (number, message) = MySqlPackets.ParseErr(packet);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), number);
        Assert.StartsWith("#" + sqlState, message, StringComparison.Ordinal);
    }

    /// <summary>Handshake v10: the 8 bytes of part 1 after version and id, then 12 of part 2 after the fixed fields.</summary>
    private static byte[] ScrambleOf(byte[] greeting)
    {
        var versionEnd = Array.IndexOf(greeting, (byte)0, 1);
        var part1 = greeting.AsSpan(versionEnd + 1 + 4, 8);
        var part2 = greeting.AsSpan(versionEnd + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, 12);
        return [.. part1, .. part2];
    }

    private static ReadOnlyMemory<byte> Response(string user, string password, byte[] scramble, MySqlCapabilities caps)
    {
        var token = new byte[NativePasswordScramble.ResponseLength];
        _ = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), scramble, token);
        return new PayloadWriter().UInt32((uint)caps).UInt32(1 << 24).Byte(45).Zeros(23).NulString(user)
            .LengthEncodedInteger((ulong)token.Length).Bytes(token).NulString("mysql_native_password").Written;
    }

    private async Task<(Task<MySqlServerResult> Server, TcpClient Client, MySqlPacketChannel Channel)> StartAsync(MySqlServerOptions options)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(_timeout.Token);
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, _timeout.Token);
        var socket = await accept;
        var factory = _services.GetRequiredService<IAuthAcceptorFactory>();
        var server = Task.Run(async () =>
        {
            using (socket)
            {
                return await MySqlServerConnector.AcceptAsync(socket.GetStream(), options, factory, _timeout.Token);
            }
        });
        return (server, client, new MySqlPacketChannel(client.GetStream(), 1024 * 1024));
    }
}
