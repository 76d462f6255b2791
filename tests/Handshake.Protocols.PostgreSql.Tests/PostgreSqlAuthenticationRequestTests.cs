using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Handshake.Protocols.PostgreSql.Tests.PgTestSupport;

namespace Handshake.Protocols.PostgreSql.Tests;

/// <summary>
/// The non-SASL authentication requests (AuthenticationCleartextPassword, AuthenticationMD5Password): the adapter
/// names no plugin for them; <see cref="PostgreSqlClientOptions.AuthenticationRequestPlugins"/> does.
/// </summary>
public sealed class PostgreSqlAuthenticationRequestTests
{
    private static readonly byte[] Salt = [0x01, 0x02, 0x03, 0x04];

    [Fact]
    public void AuthenticationRequestPlugins_Defaults_ArePostgreSqlsOwnMethodNames()
    {
        var options = new PostgreSqlClientOptions();

        Assert.Equal("password", options.AuthenticationRequestPlugins[PostgreSqlAuthenticationRequest.CleartextPassword]);
        Assert.Equal("md5", options.AuthenticationRequestPlugins[PostgreSqlAuthenticationRequest.Md5Password]);
    }

    [Fact]
    public async Task ConnectAsync_Md5RequestMappedToAPlugin_HandsThatPluginTheSaltAndSendsItsAnswer()
    {
        byte[]? seen = null;
        await using var services = ServicesWith("my-md5", data =>
        {
            seen = data.ToArray();
            return Encoding.ASCII.GetBytes("md5answer\0");
        });
        var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(20) };
        options.AuthenticationRequestPlugins[PostgreSqlAuthenticationRequest.Md5Password] = "my-md5";

        var (result, answer) = await RunAgainstPasswordServerAsync(services, options, Message('R', Int32(5), Salt));

        Assert.Equal(Salt, seen);
        Assert.Equal("md5answer\0", Encoding.ASCII.GetString(answer));
        Assert.Equal("my-md5", result.Authentication.Factors[0].PluginName);
    }

    [Fact]
    public async Task ConnectAsync_CleartextRequestWithDefaults_RunsThePluginNamedPassword()
    {
        await using var services = ServicesWith("password", _ => Encoding.ASCII.GetBytes("secret\0"));
        var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(20) };

        var (result, answer) = await RunAgainstPasswordServerAsync(services, options, Message('R', Int32(3)));

        Assert.Equal("secret\0", Encoding.ASCII.GetString(answer));
        Assert.Equal("password", result.Authentication.Factors[0].PluginName);
    }

    [Fact]
    public async Task ConnectAsync_RequestMappedToNoPlugin_ThrowsPolicyViolationNamingTheOption()
    {
        await using var services = ServicesWith("password", _ => Encoding.ASCII.GetBytes("secret\0"));
        var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(20) };
        options.AuthenticationRequestPlugins.Remove(PostgreSqlAuthenticationRequest.CleartextPassword);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var pair = await ConnectAsync(cts.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var server = Task.Run(
            async () =>
            {
                await ReadStartupPacketAsync(pair.Server, cts.Token);
                await pair.Server.WriteAsync(Message('R', Int32(3)), cts.Token);
            },
            cts.Token);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(services, pair.Client, credentials, options, cts.Token));
        await server;

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Contains("AuthenticationRequestPlugins", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider ServicesWith(string pluginName, Func<ReadOnlyMemory<byte>, byte[]> answer) =>
        new ServiceCollection()
            .AddHandshake()
            .AddPlugin(pluginName, _ => (data, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(answer(data)))
            .Services.BuildServiceProvider();

    /// <summary>A scripted server: the request given, then the client's PasswordMessage, then AuthenticationOk and ReadyForQuery.</summary>
    private static async Task<(PostgreSqlStartupResult Result, byte[] Answer)> RunAgainstPasswordServerAsync(IServiceProvider services, PostgreSqlClientOptions options, byte[] request)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var pair = await ConnectAsync(cts.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var server = Task.Run(
            async () =>
            {
                await ReadStartupPacketAsync(pair.Server, cts.Token);
                await pair.Server.WriteAsync(request, cts.Token);
                var (type, body) = await ReadMessageAsync(pair.Server, cts.Token);
                Assert.Equal('p', type);
                await pair.Server.WriteAsync(Message('R', Int32(0)), cts.Token);
                await pair.Server.WriteAsync(Message('Z', [(byte)'I']), cts.Token);
                return body;
            },
            cts.Token);

        var result = await RunClientAsync(services, pair.Client, credentials, options, cts.Token);
        return (result, await server);
    }
}
