using Handshake.Mfa;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

/// <summary>The dialog client fed what MariaDB's auth_pam sends (wire facts from auth_pam and libmariadb's dialog.c).</summary>
public sealed class DialogClientTests : IAsyncDisposable
{
    private readonly List<DialogPrompt> _asked = [];
    private ServiceProvider? _provider;

    public ValueTask DisposeAsync() => _provider?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task Begin_EmptyData_SendsThePasswordNulTerminatedUnasked()
    {
        // MariaDB 10.11 switches to dialog with no data; libmariadb then sends the password first.
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog));

        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal("pw1\0"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task Begin_EmptyDataWithoutPassword_SendsAnEmptyLineSoTheServerAsks()
    {
        using var credentials = new AuthCredentials("alice");
        using var negotiator = Negotiator(credentials);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog));

        Assert.Equal(new byte[] { 0 }, action.Data.ToArray());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task PasswordQuestion_FirstOne_GetsTheFactorsSecret(byte type)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(type, "Password: ")));

        Assert.Equal("pw1\0"u8.ToArray(), action.Data.ToArray());
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task CodeQuestion_TotpSecretInPassword2_SendsTheRfc6238Code()
    {
        // RFC 6238 Appendix B: T = 59 s, SHA-1 key "1234567890...": 94287082, of which 6 digits are 287082.
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword("pw1"), AuthSecret.FromPassword(Rfc6238Secret));
        using var negotiator = Negotiator(credentials, time: new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(59)));

        // Each answer is wiped once the next question arrives, so it is read before then.
        var first = (await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog))).Data.ToArray();
        var second = (await negotiator.HandleAsync(AuthEvent.Continue(Question(4, "Verification code: ")))).Data.ToArray();

        Assert.Equal("pw1\0"u8.ToArray(), first);
        Assert.Equal("287082\0"u8.ToArray(), second);
    }

    [Fact]
    public async Task CodeQuestion_NoTotpSecret_AsksTheCallbackWithTextEchoAndRound()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, prompt: "123456");

        _ = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Password: ")));
        var action = await negotiator.HandleAsync(AuthEvent.Continue(Question(4, "Verification code: ")));

        Assert.Equal("123456\0"u8.ToArray(), action.Data.ToArray());
        var prompt = Assert.Single(_asked);
        Assert.Equal("Verification code: ", prompt.Text);
        Assert.False(prompt.Echo);
        Assert.False(prompt.IsLastQuestion);
        Assert.Equal(2, prompt.Round);
        Assert.Equal(1, prompt.FactorIndex);
        Assert.Equal("alice", prompt.UserName);
    }

    [Fact]
    public async Task CodeQuestion_NeverGetsThePassword_EvenWhenItIsUnused()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Verification code: "))).AsTask());

        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
        Assert.Contains("password2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw1", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EchoQuestion_WithLastBit_GoesToTheCallbackAndEndsTheDialog()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, prompt: "blue");

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(3, "Favourite colour? ")));

        Assert.Equal("blue\0"u8.ToArray(), action.Data.ToArray());
        var prompt = Assert.Single(_asked);
        Assert.True(prompt.Echo);
        Assert.True(prompt.IsLastQuestion);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Continue(Question(4, "Password: "))).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task SecondPasswordQuestion_SecretUsedOnce_GoesToTheCallback()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, prompt: "new-pw");

        var first = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Password: ")));
        Assert.Equal("pw1\0"u8.ToArray(), first.Data.ToArray());
        var second = await negotiator.HandleAsync(AuthEvent.Continue(Question(4, "New password: ")));

        Assert.Equal("new-pw\0"u8.ToArray(), second.Data.ToArray());
        Assert.All(first.Data.ToArray(), b => Assert.Equal(0, b)); // the password sent before is wiped
    }

    [Fact]
    public async Task UseDefaultAnswersOff_EveryQuestionGoesToTheCallback()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, prompt: "typed", configure: o => o.UseDefaultAnswers = false);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Password: ")));

        Assert.Equal("typed\0"u8.ToArray(), action.Data.ToArray());
        Assert.Single(_asked);
    }

    [Fact]
    public async Task Question_PlainTransport_RefusedByTheCleartextGateBeforeTheCallbackIsAsked()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, prompt: "typed", transport: TransportSecurity.None);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Password: "))).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task Question_PlainTransportWithOptIn_IsAnswered()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials, transport: TransportSecurity.None, allowCleartext: true);

        var action = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Password: ")));

        Assert.Equal("pw1\0"u8.ToArray(), action.Data.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 1, 0x41 })]
    [InlineData(new byte[] { 6, 0x41 })]
    [InlineData(new byte[] { 254, 0x41 })]
    [InlineData(new byte[] { 255 })]
    public async Task Packet_NotAQuestionType_ThrowsProtocolViolation(byte[] packet)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");
        using var negotiator = Negotiator(credentials);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, packet)).AsTask());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Equal(MariaDbPamPluginNames.Dialog, ex.PluginName);
    }

    [Fact]
    public async Task Prompt_ControlCharactersAndOverlongText_ReachTheCallbackCleanedAndCut()
    {
        using var credentials = new AuthCredentials("alice");
        using var negotiator = Negotiator(credentials, prompt: "x");

        _ = await negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(2, "Info\nName\u001b[31m? " + new string('a', 5000))));

        var prompt = Assert.Single(_asked);
        Assert.StartsWith("Info\nName[31m? ", prompt.Text, StringComparison.Ordinal);
        Assert.Equal(1024, prompt.Text.Length);
    }

    [Fact]
    public async Task Answer_WithNul_IsRefusedAndNothingIsSent()
    {
        using var credentials = new AuthCredentials("alice");
        using var negotiator = Negotiator(credentials, prompt: "a\0b");

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(2, "Name? "))).AsTask());

        Assert.Equal(AuthErrorCode.InvalidCredential, ex.Code);
    }

    [Fact]
    public async Task CodeQuestion_TotpSecretButNoCodePluginRegistered_FailsNamingAddTotp()
    {
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword("pw1"), AuthSecret.FromPassword(Rfc6238Secret));
        using var negotiator = Negotiator(credentials, withTotp: false);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(MariaDbPamPluginNames.Dialog, Question(4, "Verification code: "))).AsTask());

        Assert.Equal(AuthErrorCode.UnknownPlugin, ex.Code);
        Assert.Contains("AddTotp", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Rfc6238Secret, ex.ToString(), StringComparison.Ordinal);
    }

    private AuthNegotiator Negotiator(AuthCredentials credentials, string? prompt = null, TransportSecurity? transport = null, bool allowCleartext = false, Action<DialogClientOptions>? configure = null, TimeProvider? time = null, bool withTotp = true)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddHandshake(o => o.AllowCleartextWithoutVerifiedTls = allowCleartext).AddDialog(o =>
        {
            if (prompt is not null)
            {
                o.Prompt = (p, ct) =>
                {
                    _asked.Add(p);
                    return ValueTask.FromResult<string?>(prompt);
                };
            }

            configure?.Invoke(o);
        });
        if (withTotp)
        {
            builder.AddTotp();
        }

        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport ?? Tls);
    }
}
