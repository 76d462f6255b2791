using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Mfa;
using Handshake.Plugins.NativePassword;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// Pairing 7: node mysql2 (tests/interop/node-mysql/connect.js) logs in to OUR MySQL acceptor as a
/// three-factor user: mysql_native_password, then AuthNextFactor (0x02) to "totp" (Handshake.Mfa),
/// then to "hmac-challenge" (Handshake.Testing); factors 2 and 3 are mysql2 <c>authPlugins</c>
/// reading <c>password2</c>/<c>password3</c>.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class NodeMysql2ToOurAcceptorTests
{
    private const string User = "node_mfa";
    private const string Password = "node-secret-1";
    private const string Password3 = "node-hmac-key-3";
    private readonly byte[] _totpKey = RandomNumberGenerator.GetBytes(20);

    public NodeMysql2ToOurAcceptorTests(MariaDbServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.EnsureAvailable();
    }

    [Fact]
    public async Task Mysql2_ThreeFactorUser_AllFactorsPassAndQueryRuns()
    {
        await using var host = new MySqlAcceptorHost(Services());
        var outcome = await RunNodeAsync(host.Port, Password, CurrentCode(), Password3);

        using var json = JsonDocument.Parse(outcome.StandardOutput);
        Assert.True(outcome.ExitCode == 0 && json.RootElement.GetProperty("ok").GetBoolean(), outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.True(result.ClientSupportsMultiFactor);
        Assert.Equal(["mysql_native_password", "totp", "hmac-challenge"], result.Authentication!.Factors.Select(f => f.PluginName));
        Assert.Equal(3, result.Authentication.AssuranceLevel);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Mysql2_OneFactorWrong_RejectedWithAccessDenied1045(int wrongFactor)
    {
        await using var host = new MySqlAcceptorHost(Services());
        var code = CurrentCode();
        var outcome = await RunNodeAsync(
            host.Port,
            wrongFactor == 1 ? "wrong-pass-1" : Password,
            wrongFactor == 2 ? WrongCode(code) : code,
            wrongFactor == 3 ? "wrong-pass-3" : Password3);

        Assert.NotEqual(0, outcome.ExitCode);
        using var json = JsonDocument.Parse(outcome.StandardOutput);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.True(root.GetProperty("errno").GetInt32() == 1045, outcome.Combined);
        Assert.Equal("ER_ACCESS_DENIED_ERROR", root.GetProperty("code").GetString());
        Assert.Equal("28000", root.GetProperty("sqlState").GetString());
        Assert.DoesNotContain("wrong-pass", outcome.Combined, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.FailureReason);
    }

    private static string WrongCode(string code) =>
        ((int.Parse(code, CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private static Task<ProcessOutcome> RunNodeAsync(int port, string password, string password2, string password3) =>
        ExternalProcess.RunAsync(
            "node",
            ["connect.js"],
            new Dictionary<string, string>
            {
                ["HANDSHAKE_MYSQL_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["HANDSHAKE_MYSQL_USER"] = User,
                ["MYSQL_PWD"] = password,
                ["MYSQL_PWD2"] = password2,
                ["MYSQL_PWD3"] = password3,
            },
            workingDirectory: InteropEnvironment.NodePeerDirectory("node-mysql"),
            timeout: TimeSpan.FromSeconds(30));

    private string CurrentCode() => Totp.ComputeCode(_totpKey, DateTimeOffset.UtcNow, TotpParameters.Default);

    private ServiceProvider Services() =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddTotpVerifier()
            .AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = "mysql_native_password")
            .AddFactorPolicies(p => p.Add(
                User,
                new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword(Password).ToStoredCredential()),
                new AuthFactorPolicy("totp", StoredCredential.FromString(Base32.Encode(_totpKey))),
                new AuthFactorPolicy("hmac-challenge", HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Password3))))
            .Services.BuildServiceProvider();
}
