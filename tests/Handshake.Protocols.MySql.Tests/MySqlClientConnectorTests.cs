using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql.Internal;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.MySql.Tests;

// Every client task is awaited (or asserted to throw) before the credentials it uses are disposed.
#pragma warning disable CA2025

/// <summary>Our client against a scripted server: plugin choice, switch, next factor, factor limit, ERR mapping, malformed input.</summary>
public sealed class MySqlClientConnectorTests : IDisposable
{
    private const string User = "alice";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly ServiceProvider _services = new ServiceCollection().AddHandshake().AddNativePassword().AddHmacChallenge().Services.BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownFirstPlugin_AnswersEmptyUnderItsNameAndFollowsSwitch()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("client_ed25519", Scramble(1)));
        var response = await server.ReadResponseAsync();
        Assert.Equal("client_ed25519", response.Plugin);
        Assert.Empty(response.AuthData);

        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthSwitchRequest, "mysql_native_password", [.. Scramble(2), 0]));
        Assert.Equal(NativeResponse("pw1", Scramble(2)), await server.ReadAsync());
        await server.SendAsync(MySqlPackets.OkPacket());

        var result = await client;
        Assert.Equal("mysql_native_password", Assert.Single(result.Authentication.Factors).PluginName);
        Assert.Equal("5.7.99-scripted", result.ServerVersion);
        Assert.Equal(7u, result.ConnectionId);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownFirstPluginWithFallbackPlugin_AnswersFallbackAndFollowsSwitch()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials, new MySqlClientOptions { FallbackPlugin = "mysql_native_password" });

        await server.SendAsync(ScriptedMySqlServer.Greeting("client_ed25519", Scramble(1)));
        var response = await server.ReadResponseAsync();
        Assert.Equal("mysql_native_password", response.Plugin);
        Assert.Equal(NativeResponse("pw1", Scramble(1)), response.AuthData);

        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthSwitchRequest, "mysql_native_password", [.. Scramble(2), 0]));
        Assert.Equal(NativeResponse("pw1", Scramble(2)), await server.ReadAsync());
        await server.SendAsync(MySqlPackets.OkPacket());

        Assert.Equal("mysql_native_password", Assert.Single((await client).Authentication.Factors).PluginName);
    }

    [Fact]
    public async Task AuthenticateAsync_AdvertisedPluginKnown_AnswersItWithoutSwitch()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1)));
        var response = await server.ReadResponseAsync();
        Assert.Equal(User, response.User);
        Assert.Equal("mysql_native_password", response.Plugin);
        Assert.Equal(NativeResponse("pw1", Scramble(1)), response.AuthData);
        await server.SendAsync(MySqlPackets.OkPacket());

        Assert.Equal(1, Assert.Single((await client).Authentication.Factors).Rounds);
    }

    [Fact]
    public async Task AuthenticateAsync_NextFactorPackets_AnswerFactorsTwoAndThreeWithTheirSecrets()
    {
        var caps = ScriptedMySqlServer.BaseCapabilities | MySqlCapabilities.MultiFactorAuthentication;
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1", "pw2", "pw3");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1), caps));
        var response = await server.ReadResponseAsync();
        Assert.True((response.Capabilities & MySqlCapabilities.MultiFactorAuthentication) != 0);

        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "hmac-challenge", Challenge(2)));
        Assert.Equal(HmacResponse("pw2", Challenge(2)), await server.ReadAsync());
        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "mysql_native_password", [.. Scramble(3), 0]));
        Assert.Equal(NativeResponse("pw3", Scramble(3)), await server.ReadAsync());
        await server.SendAsync(MySqlPackets.OkPacket());

        var result = await client;
        Assert.Equal(["mysql_native_password", "hmac-challenge", "mysql_native_password"], result.Authentication.Factors.Select(f => f.PluginName));
    }

    [Fact]
    public async Task AuthenticateAsync_FourthFactorRequested_FactorLimitExceeded()
    {
        var caps = ScriptedMySqlServer.BaseCapabilities | MySqlCapabilities.MultiFactorAuthentication;
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1", "pw2", "pw3");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1), caps));
        _ = await server.ReadResponseAsync();
        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "hmac-challenge", Challenge(2)));
        _ = await server.ReadAsync();
        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "mysql_native_password", [.. Scramble(3), 0]));
        _ = await server.ReadAsync();
        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "hmac-challenge", Challenge(4)));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.FactorLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_NextFactorWithoutMultiFactorCapability_ProtocolViolation()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1", "pw2");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1)));
        var response = await server.ReadResponseAsync();
        Assert.Equal(MySqlCapabilities.None, response.Capabilities & MySqlCapabilities.MultiFactorAuthentication);
        await server.SendAsync(ScriptedMySqlServer.Named(MySqlPackets.AuthNextFactor, "hmac-challenge", Challenge(2)));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_ErrAfterResponse_ServerRejectedWithErrorNumberAndSqlState()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1)));
        _ = await server.ReadResponseAsync();
        await server.SendAsync(MySqlPackets.ErrPacket(1045, "28000", "Access denied for user 'alice'@'localhost' (using password: YES)"));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
        Assert.Contains("#28000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Access denied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_ErrInsteadOfGreeting_ServerRejectedWithErrorNumber()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(MySqlPackets.ErrPacket(1040, "08004", "Too many connections"));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1040", ex.ServerErrorCode);
    }

    [Theory]
    [InlineData(new byte[] { 10, (byte)'8', 0, 1, 2 })]
    [InlineData(new byte[] { 9, (byte)'3', 0 })]
    [InlineData(new byte[] { 10, (byte)'8', (byte)'.', (byte)'0' })]
    public async Task AuthenticateAsync_MalformedGreeting_ProtocolViolation(byte[] greeting)
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(greeting);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_UnexpectedPacketMarker_ProtocolViolation()
    {
        await using var server = await ScriptedMySqlServer.CreateAsync(_timeout.Token);
        using var credentials = AuthCredentials.FromPasswords(User, "pw1");
        var client = Authenticate(server, credentials);

        await server.SendAsync(ScriptedMySqlServer.Greeting("mysql_native_password", Scramble(1)));
        _ = await server.ReadResponseAsync();
        await server.SendAsync(new byte[] { 0x7A, 1, 2 });

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client);
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    private static byte[] Scramble(int seed)
    {
        var scramble = new byte[20];
        new Random(seed).NextBytes(scramble);
        for (var i = 0; i < scramble.Length; i++)
        {
            // MySQL scrambles never contain NUL (the greeting's part 2 is NUL-terminated).
            scramble[i] = (byte)((scramble[i] % 94) + 33);
        }

        return scramble;
    }

    private static byte[] Challenge(int seed)
    {
        var challenge = new byte[32];
        new Random(seed).NextBytes(challenge);
        return challenge;
    }

    private static byte[] NativeResponse(string password, byte[] scramble)
    {
        var response = new byte[NativePasswordScramble.ResponseLength];
        _ = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), scramble, response);
        return response;
    }

    private static byte[] HmacResponse(string password, byte[] challenge) =>
        HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password)), (byte[])[.. challenge, .. Encoding.UTF8.GetBytes(User)]);

    private Task<MySqlClientResult> Authenticate(ScriptedMySqlServer server, AuthCredentials credentials, MySqlClientOptions? options = null)
    {
        var factory = _services.GetRequiredService<IAuthNegotiatorFactory>();
        return Task.Run(() => MySqlClientConnector.ConnectAsync(server.ClientStream, options ?? new MySqlClientOptions(), factory, credentials, _timeout.Token));
    }
}
