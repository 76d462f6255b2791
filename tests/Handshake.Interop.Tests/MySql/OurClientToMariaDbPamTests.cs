using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Mfa;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// OUR MySQL client against a real MariaDB 10.11 user IDENTIFIED VIA pam, whose PAM service (written by
/// tests/run.sh) asks for a password (pam_pwdfile) and then a Google Authenticator code. MariaDB greets
/// with mysql_native_password, switches the client to dialog with no data (the client sends the password
/// unasked), then sends "\x04Verification code: " as a raw packet; the client answers with the TOTP code.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class OurClientToMariaDbPamTests(MariaDbServer server) : IAsyncLifetime, IDisposable
{
    private const string User = "oc_pam";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private MariaDbPamService _pam = null!;

    public async Task InitializeAsync()
    {
        server.EnsureAvailable();
        _pam = MariaDbPamService.Require();
        var loaded = await server.ExecuteAsync("SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'pam';");
        if (loaded.Trim() == "0")
        {
            await server.ExecuteAsync("INSTALL SONAME 'auth_pam';");
        }

        await server.ExecuteAsync(
            $"DROP USER IF EXISTS '{User}'@'127.0.0.1';" +
            $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED VIA pam USING '{_pam.Service}';");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task OurClient_PasswordThenTotpCodeOverVerifiedTls_LoggedIn()
    {
        using var credentials = new AuthCredentials(User, AuthSecret.FromPassword(_pam.Password), AuthSecret.FromPassword(_pam.TotpSecret));

        var (result, currentUser) = await LoginAndQueryAsync(credentials);

        var factor = Assert.Single(result.Authentication.Factors);
        Assert.Equal(MariaDbPamPluginNames.Dialog, factor.PluginName);
        Assert.Equal(["mysql_native_password", MariaDbPamPluginNames.Dialog], factor.PluginsTried);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Fact]
    public async Task OurClient_CodeFromThePromptCallback_SeesMariaDbsQuestionAndLogsIn()
    {
        var prompts = new List<DialogPrompt>();
        using var credentials = AuthCredentials.FromPasswords(User, _pam.Password);

        var (_, currentUser) = await LoginAndQueryAsync(credentials, prompt: p =>
        {
            prompts.Add(p);
            return Totp.ComputeCode(Base32.Decode(_pam.TotpSecret), TimeProvider.System, TotpParameters.Default);
        });

        Assert.Equal($"{User}@127.0.0.1", currentUser);
        var prompt = Assert.Single(prompts);
        Assert.Equal("Verification code: ", prompt.Text);
        Assert.False(prompt.Echo);
        Assert.False(prompt.IsLastQuestion);
        Assert.Equal(2, prompt.Round);
    }

    [Fact]
    public async Task OurClient_WrongCode_ServerRejected1045()
    {
        // Another secret's code: right password, wrong second answer.
        using var credentials = new AuthCredentials(User, AuthSecret.FromPassword(_pam.Password), AuthSecret.FromPassword(Base32.Encode(new byte[10])));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(credentials));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
        Assert.Contains("Access denied", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_pam.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OurClient_WrongPassword_ServerRejected1045()
    {
        using var credentials = new AuthCredentials(User, AuthSecret.FromPassword("not-the-password"), AuthSecret.FromPassword(_pam.TotpSecret));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(credentials));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
    }

    [Fact]
    public async Task OurClient_PlainTcp_RefusesToSendThePassword()
    {
        using var credentials = new AuthCredentials(User, AuthSecret.FromPassword(_pam.Password), AuthSecret.FromPassword(_pam.TotpSecret));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(credentials, tls: false));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal(MariaDbPamPluginNames.Dialog, ex.PluginName);
        Assert.DoesNotContain(_pam.Password, ex.ToString(), StringComparison.Ordinal);
    }

    private async Task<(MySqlClientResult Result, string CurrentUser)> LoginAndQueryAsync(AuthCredentials credentials, bool tls = true, Func<DialogPrompt, string?>? prompt = null)
    {
        var builder = new ServiceCollection().AddHandshake().AddNativePassword().AddTotp().AddDialog(o =>
        {
            if (prompt is not null)
            {
                o.Prompt = (p, ct) => ValueTask.FromResult(prompt(p));
            }
        });
        await using var sp = builder.Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, _timeout.Token);
        await using var stream = client.GetStream();
        var options = new MySqlClientOptions { TlsMode = ClientTlsMode.Disable };
        if (tls)
        {
            server.RequireVerifiedTls(options);
        }

        var result = await MySqlClientConnector.ConnectAsync(stream, options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token);
        var currentUser = await MySqlWire.QueryScalarAsync(result.Stream, "SELECT CURRENT_USER()", _timeout.Token);
        if (!ReferenceEquals(result.Stream, stream))
        {
            await result.Stream.DisposeAsync();
        }

        return (result, currentUser);
    }
}
