using System.Text;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Handshake.Mfa.Tests.TestSupport;

namespace Handshake.Mfa.Tests;

public sealed class TotpPluginTests
{
    private static ServiceProvider Client(FakeTimeProvider time, Action<TotpClientOptions>? configure = null, Action<HandshakeOptions>? handshake = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHandshake(handshake)
            // A stand-in first factor: its echo plays a password proof, so it is declared Derived to run on any transport.
            .AddPlugin("pw", AuthSecretUse.Derived, ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddTotp(configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static ScriptedAuthServer TwoFactorScript(string prompt = "Enter the 6-digit code for alice") => new ScriptedAuthServer()
        .Send(AuthEvent.Begin("pw"))
        .Expect()
        .Send(AuthEvent.NextFactor("totp", Encoding.UTF8.GetBytes(prompt), 2))
        .Expect()
        .Send(AuthEvent.Succeeded());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RespondAsync_SharedSecret_SendsCurrentCodeAsAsciiDigits(bool binary)
    {
        var time = NewClock();
        await using var sp = Client(time);
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword("pw"), binary ? AuthSecret.FromBytes(SecretBytes) : AuthSecret.FromPassword("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript();

        var result = await server.RunAgainstAsync(negotiator, Tls);

        Assert.Equal(CodeAt(time, 0), server.Received[1].Data.ToArray());
        Assert.Equal(2, result.AssuranceLevel);
        Assert.Equal(["pw", "totp"], result.Factors.Select(f => f.PluginName));
    }

    [Fact]
    public async Task RespondAsync_OtpauthUriSecret_UsesItsParameters()
    {
        var time = NewClock();
        await using var sp = Client(time);
        var parameters = new TotpParameters { Algorithm = TotpAlgorithm.Sha512, Digits = 8 };
        using var credentials = AuthCredentials.FromPasswords("alice", "pw", TotpEnrollment.CreateUri("Example Co", "alice@example.com", SecretBytes, parameters));
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript();

        _ = await server.RunAgainstAsync(negotiator, Tls);

        Assert.Equal(CodeAt(time, 0, parameters), server.Received[1].Data.ToArray());
    }

    [Fact]
    public async Task Start_NoSecretAndNoPrompt_MissingCredentialNamingFactorBeforeSending()
    {
        await using var sp = Client(NewClock());
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, Tls));

        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
        Assert.Equal(2, ex.FactorIndex);
        Assert.Equal("totp", ex.PluginName);
        Assert.Contains("Factor 2", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task Start_SecretNotBase32_InvalidStoredCredentialBeforeSendingAndSecretNotInMessage()
    {
        await using var sp = Client(NewClock());
        using var credentials = AuthCredentials.FromPasswords("alice", "pw", "NOT-BASE32-SECRET");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, Tls));

        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
        Assert.Equal(2, ex.FactorIndex);
        Assert.DoesNotContain("NOT-BASE32", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task RespondAsync_PromptCallback_GetsFactorIndexUserAndServerMessage()
    {
        var calls = new List<TotpPromptContext>();
        Func<TotpPromptContext, CancellationToken, ValueTask<string>> prompt = (context, _) =>
        {
            calls.Add(context);
            return ValueTask.FromResult("123 456");
        };
        await using var sp = Client(NewClock(), o => o.Prompt = prompt);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript("Enter the 6-digit code for alice\u0007");

        var result = await server.RunAgainstAsync(negotiator, Tls);

        var asked = Assert.Single(calls);
        Assert.Equal(2, asked.FactorIndex);
        Assert.Equal("alice", asked.UserName);
        Assert.Equal("Enter the 6-digit code for alice?", asked.ServerMessage); // PeerText: a control character becomes ?
        Assert.Equal(6, asked.Digits);
        Assert.Equal("totp", asked.PluginName);
        Assert.Equal("123456"u8.ToArray(), server.Received[1].Data.ToArray());
        Assert.Equal(2, result.AssuranceLevel);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("")]
    [InlineData("１２３４５６")] // full-width digits are not ASCII digits
    public async Task RespondAsync_PromptAnswerNotSixDigits_InvalidCredentialAndNothingSent(string answer)
    {
        await using var sp = Client(NewClock(), o => o.Prompt = (_, _) => ValueTask.FromResult(answer));
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = TwoFactorScript();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, Tls));

        Assert.Equal(AuthErrorCode.InvalidCredential, ex.Code);
        Assert.Equal(2, ex.FactorIndex);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task RespondAsync_UnprotectedTransport_PolicyViolationBeforeSendingCode()
    {
        await using var sp = Client(NewClock(), handshake: o => o.AllowCleartextWithoutVerifiedTls = false);
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword("pw"), AuthSecret.FromBytes(SecretBytes));
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        var server = TwoFactorScript();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, TransportSecurity.None));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task RespondAsync_ServerAsksTwiceInOneFactor_ProtocolViolation()
    {
        await using var sp = Client(NewClock());
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(SecretBytes));
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = new ScriptedAuthServer().Send(AuthEvent.Begin("totp")).Expect().Send(AuthEvent.Continue(default)).Expect();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, Tls));

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AddTotp_RegisteredName_PluginAnswersToIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(NewClock());
        services.AddHandshake().AddTotp("otp", null);
        await using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(SecretBytes));
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = new ScriptedAuthServer().Send(AuthEvent.Begin("otp")).Expect().Send(AuthEvent.Succeeded());

        var result = await server.RunAgainstAsync(negotiator, Tls);

        Assert.Equal("otp", result.Factors[0].PluginName);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public async Task AddTotp_InvalidDigits_FailsAtStartUp(int digits)
    {
        await using var sp = Client(NewClock(), o => o.Parameters = new TotpParameters { Digits = digits });

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ValidateAtStartAsync(sp));

        Assert.Contains("TotpClientOptions.Parameters", ex.ToString(), StringComparison.Ordinal);
    }
}
