using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql.Internal;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.MySql.Tests;

// Every client task is awaited (or asserted to throw) before the credentials it uses are disposed.
#pragma warning disable CA2025

/// <summary>
/// The MySQL adapters as codecs under the engine's RunAsync: deadlines in both roles, failures the adapter
/// finds counted by the engine's telemetry, and the wire of a TLS-capable server that a client leaves on plain TCP.
/// </summary>
public sealed class MySqlEngineDrivenTests : IDisposable
{
    private const string User = "alice";
    private const string Password = "pw1";
    private const MySqlCapabilities ClientCaps = MySqlCapabilities.LongPassword | MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection
        | MySqlCapabilities.PluginAuth | MySqlCapabilities.PluginAuthLenencClientData;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose() => _timeout.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AcceptAsync_TlsCapableServer_NativeLoginIsGreetingResponseOk(bool tls)
    {
        await using var services = MySqlTestServices.Create(null, User, Password);
        var options = new MySqlServerOptions { ServerCertificate = ConformanceServerCertificate.Instance };
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, options, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);

        var wire = await CountingClient.LoginAsync(pair.Client, tls, User, Password, _timeout.Token);

        // No AuthSwitchRequest to the plugin the greeting already named: a real MariaDB 10.11 with TLS on sends none either.
        Assert.Equal(tls ? ["greeting", "SSLRequest", "HandshakeResponse41", "OK"] : ["greeting", "HandshakeResponse41", "OK"], wire);
        var result = await server;
        Assert.True(result.Succeeded);
        Assert.Equal(tls, result.Transport.IsEncrypted);
        Assert.Equal(1, Assert.Single(result.Authentication!.Factors).Rounds);
    }

    [Fact]
    public async Task AcceptAsync_SilentClient_DroppedByFirstMessageTimeoutWithEngineTimeoutsLonger()
    {
        await using var services = MySqlTestServices.Create(null, User, Password, o =>
        {
            o.RoundTimeout = TimeSpan.FromSeconds(20);
            o.HandshakeTimeout = TimeSpan.FromSeconds(25);
        });
        var options = new MySqlServerOptions { FirstMessageTimeout = TimeSpan.FromMilliseconds(400) };
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var watch = Stopwatch.StartNew();

        var result = await MySqlServerConnector.AcceptAsync(pair.Server, options, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.Timeout, result.FailureReason);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task AcceptAsync_ClientSilentAfterSwitch_DroppedByRoundTimeout()
    {
        // bob's second factor is asked for; the client then says nothing.
        await using var services = MySqlTestServices.Create(null, User, Password);
        var options = new MySqlServerOptions { RoundTimeout = TimeSpan.FromMilliseconds(400) };
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, options, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        var channel = new MySqlPacketChannel(pair.Client, 1 << 20);
        var scramble = ScrambleOf(await channel.ReadAsync(_timeout.Token));
        await channel.WriteAsync(Response("bob", Password, scramble, ClientCaps | MySqlCapabilities.MultiFactorAuthentication), _timeout.Token);
        Assert.Equal(MySqlPackets.AuthNextFactor, (await channel.ReadAsync(_timeout.Token))[0]);
        var watch = Stopwatch.StartNew();

        var result = await server;

        Assert.Equal(AuthErrorCode.Timeout, result.FailureReason);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task AuthenticateAsync_ServerSilentAfterGreeting_TimeoutByRoundTimeout()
    {
        await using var services = MySqlTestServices.Create(null, User, Password);
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = new MySqlClientOptions { RoundTimeout = TimeSpan.FromMilliseconds(400) };
        var client = Task.Run(() => MySqlClientConnector.ConnectAsync(server.ClientStream, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token));
        await server.SendAsync(ScriptedMySqlServer.Greeting(MySqlTestServices.Native, new byte[20].Select((_, i) => (byte)(i + 65)).ToArray()));
        _ = await server.ReadResponseAsync();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<HandshakeException>(() => client);

        Assert.Equal(AuthErrorCode.Timeout, error.Code);
        Assert.Contains("MySqlClientOptions.RoundTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task AcceptAsync_SslRequestWithoutCertificate_FailureCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = MySqlTestServices.Create(meters, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions(), services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        var channel = new MySqlPacketChannel(pair.Client, 1 << 20);
        _ = await channel.ReadAsync(_timeout.Token);

        await channel.WriteAsync(new PayloadWriter().UInt32((uint)(ClientCaps | MySqlCapabilities.Ssl)).UInt32(1 << 24).Byte(45).Zeros(23).Written, _timeout.Token);

        Assert.Equal(AuthErrorCode.ProtocolViolation, (await server).FailureReason);
        Assert.Contains(("server", nameof(AuthErrorCode.ProtocolViolation)), failures);
    }

    [Fact]
    public async Task AcceptAsync_NextFactorForClientWithoutMultiFactor_FailureCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = MySqlTestServices.Create(meters, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions(), services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        var channel = new MySqlPacketChannel(pair.Client, 1 << 20);
        var scramble = ScrambleOf(await channel.ReadAsync(_timeout.Token));

        await channel.WriteAsync(Response("bob", Password, scramble, ClientCaps), _timeout.Token);

        Assert.Equal(AuthErrorCode.PolicyViolation, (await server).FailureReason);
        Assert.Equal(MySqlPackets.Err, (await channel.ReadAsync(_timeout.Token))[0]);
        Assert.Contains(("server", nameof(AuthErrorCode.PolicyViolation)), failures);
    }

    [Fact]
    public async Task AcceptAsync_TlsHandshakeFails_FailureCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = MySqlTestServices.Create(meters, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions { ServerCertificate = ConformanceServerCertificate.Instance }, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        var channel = new MySqlPacketChannel(pair.Client, 1 << 20);
        _ = await channel.ReadAsync(_timeout.Token);

        // An SSLRequest, then bytes that are no TLS ClientHello.
        await channel.WriteAsync(new PayloadWriter().UInt32((uint)(ClientCaps | MySqlCapabilities.Ssl)).UInt32(1 << 24).Byte(45).Zeros(23).Written, _timeout.Token);
        await pair.Client.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"), _timeout.Token);

        Assert.Equal(AuthErrorCode.TransportFailure, (await server).FailureReason);
        Assert.Contains(("server", nameof(AuthErrorCode.TransportFailure)), failures);
    }

    [Fact]
    public async Task AuthenticateAsync_UnexpectedPacket_FailureCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = MySqlTestServices.Create(meters, User, Password);
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var client = Task.Run(() => MySqlClientConnector.ConnectAsync(server.ClientStream, new MySqlClientOptions(), services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token));
        await server.SendAsync(ScriptedMySqlServer.Greeting(MySqlTestServices.Native, new byte[20].Select((_, i) => (byte)(i + 65)).ToArray()));
        _ = await server.ReadResponseAsync();

        await server.SendAsync(new byte[] { 0x7A, 1, 2 });

        Assert.Equal(AuthErrorCode.ProtocolViolation, (await Assert.ThrowsAsync<HandshakeException>(() => client)).Code);
        Assert.Contains(("client", nameof(AuthErrorCode.ProtocolViolation)), failures);
    }

    [Fact]
    public async Task AuthenticateAsync_TlsRequiredButNotOffered_FailureCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = MySqlTestServices.Create(meters, User, Password);
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = new MySqlClientOptions { TlsMode = ClientTlsMode.VerifyFull };
        var client = Task.Run(() => MySqlClientConnector.ConnectAsync(server.ClientStream, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token));

        await server.SendAsync(ScriptedMySqlServer.Greeting(MySqlTestServices.Native, new byte[20].Select((_, i) => (byte)(i + 65)).ToArray()));

        Assert.Equal(AuthErrorCode.PolicyViolation, (await Assert.ThrowsAsync<HandshakeException>(() => client)).Code);
        Assert.Contains(("client", nameof(AuthErrorCode.PolicyViolation)), failures);
    }

    [Fact]
    public async Task AuthenticateAsync_VerifyFullAgainstOurServer_TransportVerified()
    {
        await using var services = MySqlTestServices.Create(null, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions { ServerCertificate = ConformanceServerCertificate.Instance }, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = new MySqlClientOptions { TlsMode = ClientTlsMode.VerifyFull };
        options.TrustedRootCertificates.Add(ConformanceServerCertificate.Instance);

        var result = await MySqlClientConnector.ConnectAsync(pair.Client, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token);

        Assert.True(result.Transport.IsEncrypted);
        Assert.True(result.Transport.IsCertificateVerified);
        Assert.True((await server).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_RequireModeAgainstOurServer_EncryptedButNotVerified()
    {
        await using var services = MySqlTestServices.Create(null, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions { ServerCertificate = ConformanceServerCertificate.Instance }, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);

        var result = await MySqlClientConnector.ConnectAsync(pair.Client, new MySqlClientOptions { TlsMode = ClientTlsMode.Require }, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token);

        Assert.True(result.Transport.IsEncrypted);
        Assert.False(result.Transport.IsCertificateVerified);
        Assert.True((await server).Succeeded);
    }

    [Fact]
    public async Task AcceptAsync_RequireTlsAndClientStaysPlain_Err3159AndPolicyViolation()
    {
        await using var services = MySqlTestServices.Create(null, User, Password);
        using var pair = await Pair.CreateAsync(_timeout.Token);
        var server = MySqlServerConnector.AcceptAsync(pair.Server, new MySqlServerOptions { ServerCertificate = ConformanceServerCertificate.Instance, RequireTls = true }, services.GetRequiredService<IAuthAcceptorFactory>(), _timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => MySqlClientConnector.ConnectAsync(pair.Client, new MySqlClientOptions { TlsMode = ClientTlsMode.Disable }, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token));

        Assert.Equal("3159", error.ServerErrorCode);
        Assert.Equal(AuthErrorCode.PolicyViolation, (await server).FailureReason);
    }

    internal static byte[] ScrambleOf(byte[] greeting)
    {
        var parsed = MySqlGreeting.Parse(greeting).Scramble;
        return parsed[..20].ToArray();
    }

    internal static ReadOnlyMemory<byte> Response(string user, string password, ReadOnlySpan<byte> scramble, MySqlCapabilities caps)
    {
        var token = new byte[NativePasswordScramble.ResponseLength];
        _ = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), scramble, token);
        return new PayloadWriter().UInt32((uint)caps).UInt32(1 << 24).Byte(45).Zeros(23).NulString(user)
            .LengthEncodedInteger((ulong)token.Length).Bytes(token).NulString(MySqlTestServices.Native).Written;
    }

    /// <summary>A raw mysql_native_password client that names every packet it sends and receives, in order.</summary>
    private static class CountingClient
    {
        public static async Task<List<string>> LoginAsync(Stream stream, bool tls, string user, string password, CancellationToken cancellationToken)
        {
            var wire = new List<string>();
            var channel = new MySqlPacketChannel(stream, 1 << 20);
            var scramble = ScrambleOf(await channel.ReadAsync(cancellationToken));
            wire.Add("greeting");
            var caps = ClientCaps;
            SslStream? ssl = null;
            try
            {
                if (tls)
                {
                    caps |= MySqlCapabilities.Ssl;
                    await channel.WriteAsync(new PayloadWriter().UInt32((uint)caps).UInt32(1 << 24).Byte(45).Zeros(23).Written, cancellationToken);
                    wire.Add("SSLRequest");
                    ssl = new SslStream(stream, leaveInnerStreamOpen: true, (_, certificate, _, _) => certificate?.GetCertHashString() == ConformanceServerCertificate.Instance.GetCertHashString());
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
                    channel.Stream = ssl;
                }

                await channel.WriteAsync(Response(user, password, scramble, caps), cancellationToken);
                wire.Add("HandshakeResponse41");
                while (true)
                {
                    var packet = await channel.ReadAsync(cancellationToken);
                    switch (packet[0])
                    {
                        case MySqlPackets.Ok:
                            wire.Add("OK");
                            return wire;
                        case MySqlPackets.Err:
                            wire.Add("ERR");
                            return wire;
                        case MySqlPackets.AuthSwitchRequest:
                            wire.Add("AuthSwitchRequest");
                            var reader = new PayloadReader(packet, "switch");
                            _ = reader.ReadByte();
                            _ = reader.ReadNulString();
                            var token = new byte[NativePasswordScramble.ResponseLength];
                            _ = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), reader.ReadBytes(20), token);
                            await channel.WriteAsync(token, cancellationToken);
                            wire.Add("AuthSwitchResponse");
                            break;
                        default:
                            wire.Add($"0x{packet[0]:X2}");
                            break;
                    }
                }
            }
            finally
            {
                if (ssl is not null)
                {
                    await ssl.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Two ends of one loopback TCP connection.</summary>
    private sealed class Pair : IDisposable
    {
        private readonly TcpClient _client;
        private readonly TcpClient _server;

        private Pair(TcpClient client, TcpClient server)
        {
            _client = client;
            _server = server;
        }

        public NetworkStream Client => _client.GetStream();

        public NetworkStream Server => _server.GetStream();

        public static async Task<Pair> CreateAsync(CancellationToken cancellationToken)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync(cancellationToken);
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
            return new Pair(client, await accept);
        }

        public void Dispose()
        {
            _client.Dispose();
            _server.Dispose();
        }
    }
}
