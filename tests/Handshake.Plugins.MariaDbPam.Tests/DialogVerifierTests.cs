using Handshake.Mfa;
using Handshake.Plugins.Scram;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

/// <summary>The dialog verifier against our dialog client, in memory: a password checked against SCRAM, a code checked by the TOTP verifier.</summary>
public sealed class DialogVerifierTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly ServiceProvider _provider;

    public DialogVerifierTests() => _provider = Build(PasswordThenCode);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    [Fact]
    public async Task Dialog_PasswordThenCode_AcceptedAfterTwoRounds()
    {
        using var credentials = Good();
        var recorder = new TranscriptRecorder();

        var result = await RunAsync(_provider, credentials, recorder);

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal(MariaDbPamPluginNames.Dialog, Assert.Single(result.ServerResult!.Factors).PluginName);
        Assert.Equal(2, recorder.Entries.Count(e => e.Direction == TranscriptDirection.ClientToServer));
    }

    [Fact]
    public async Task Dialog_WrongCode_RejectedAsInvalidCredential()
    {
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword(Password), AuthSecret.FromPassword("JBSWY3DPEHPK3PXP"));

        var result = await RunAsync(_provider, credentials);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError?.Code);
    }

    [Fact]
    public async Task Dialog_SameCodeTwice_SecondIsAReplay()
    {
        using (var first = Good())
        {
            Assert.True((await RunAsync(_provider, first)).Succeeded);
        }

        using var second = Good();
        var result = await RunAsync(_provider, second);

        Assert.Equal(AuthErrorCode.ReplayDetected, result.ServerFailureReason);
    }

    [Fact]
    public async Task Dialog_WrongPasswordRightCode_CodeIsNotConsumed()
    {
        // After a wrong password the code question is still asked (the client cannot tell which answer
        // failed), but checked as for an unknown user: the step is not recorded, so the owner can still use it.
        using (var wrongPassword = new AuthCredentials("alice", AuthSecret.FromPassword("wrong"), AuthSecret.FromPassword(Rfc6238Secret)))
        {
            var rejected = await RunAsync(_provider, wrongPassword);
            Assert.Equal(AuthErrorCode.InvalidCredential, rejected.ServerFailureReason);
        }

        using var good = Good();
        Assert.True((await RunAsync(_provider, good)).Succeeded);
    }

    [Fact]
    public async Task Dialog_WrongPasswords_DoNotLockTheCodeFactor()
    {
        for (var i = 0; i < 6; i++)
        {
            using var wrong = new AuthCredentials("alice", AuthSecret.FromPassword("wrong"), AuthSecret.FromPassword("JBSWY3DPEHPK3PXP"));
            _ = await RunAsync(_provider, wrong);
        }

        using var good = Good();
        Assert.True((await RunAsync(_provider, good)).Succeeded);
    }

    [Fact]
    public async Task Dialog_PlainTransport_NotRunAndNoAnswerSent()
    {
        // Even a client that opted in to cleartext is never invited: over plain TCP the verifier offers nothing.
        await using var provider = Build(PasswordThenCode, allowCleartext: true);
        using var credentials = Good();
        var recorder = new TranscriptRecorder();

        var result = await RunAsync(provider, credentials, recorder, TransportSecurity.None);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ServerFailureReason);
        Assert.Empty(Verifier(provider).GetMechanisms(TransportSecurity.None));
        Assert.DoesNotContain(recorder.Entries, e => e.Direction == TranscriptDirection.ClientToServer && e.Length > 0);
    }

    [Fact]
    public async Task Dialog_CredentialWithoutTheCodeEntry_RejectedAsInvalidStoredCredential()
    {
        await using var provider = Build(PasswordThenCode, stored: DialogCredential.Create(("password", ScramStored(Password))).ToStoredCredential());
        using var credentials = Good();

        var result = await RunAsync(provider, credentials);

        Assert.Equal(AuthErrorCode.InvalidStoredCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task Dialog_ConfiguredPromptAndVerifierPrompt_AreWhatTheClientSees()
    {
        var prompts = new List<DialogPrompt>();
        await using var provider = Build(PasswordThenCode, prompt: p =>
        {
            prompts.Add(p);
            return null;
        });
        using var credentials = AuthCredentials.FromPasswords("alice", Password);

        var result = await RunAsync(provider, credentials);

        // The password question is answered by default; the code question has no TOTP secret, so the callback sees it, and declines.
        Assert.Equal(AuthErrorCode.MissingCredential, result.ClientError?.Code);
        var prompt = Assert.Single(prompts);
        Assert.Equal("Enter the 6-digit code for alice: ", prompt.Text);
        Assert.True(prompt.IsLastQuestion);
        Assert.False(prompt.Echo);
    }

    [Fact]
    public void Options_UnknownFamilyUnknownVerifierAndRepeatedName_AllReported()
    {
        using var provider = Build(o =>
        {
            o.Questions.Add(DialogQuestion.Password("a", "Password: ", "no-such-family"));
            o.Questions.Add(DialogQuestion.Verifier("a", "no-such-verifier"));
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<DialogVerifierOptions>>().Get(MariaDbPamPluginNames.Dialog));

        Assert.Contains(ex.Failures, f => f.Contains("no-such-family", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("no-such-verifier", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("appears twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_NoQuestions_Reported()
    {
        using var provider = Build(_ => { });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<DialogVerifierOptions>>().Get(MariaDbPamPluginNames.Dialog));

        Assert.Contains("1 to 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsesServerStoredPassword_OnlyWithAPasswordQuestion()
    {
        using var codeOnly = Build(o => o.Questions.Add(DialogQuestion.Verifier("code", "totp")));

        Assert.True(Verifier(_provider).UsesServerStoredPassword);
        Assert.False(Verifier(codeOnly).UsesServerStoredPassword);
    }

    private static DialogVerifier Verifier(IServiceProvider provider) => provider.GetServices<IAuthVerifier>().OfType<DialogVerifier>().Single();

    private static AuthCredentials Good() => new("alice", AuthSecret.FromPassword(Password), AuthSecret.FromPassword(Rfc6238Secret));

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider provider, AuthCredentials credentials, TranscriptRecorder? recorder = null, TransportSecurity? transport = null)
    {
        var security = transport ?? Tls;
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, security);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(security);
        using var connection = InMemoryAuthConnection.Create(security, security);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, wrapClient: recorder is null ? null : recorder.Record, cancellationToken: timeout.Token);
    }

    private ServiceProvider Build(Action<DialogVerifierOptions> questions, StoredCredential? stored = null, bool allowCleartext = false, Func<DialogPrompt, string?>? prompt = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddHandshake(o => o.AllowCleartextWithoutVerifiedTls = allowCleartext)
            .AddDialog(o =>
            {
                if (prompt is not null)
                {
                    o.Prompt = (p, ct) => ValueTask.FromResult(prompt(p));
                }
            })
            .AddTotp()
            .AddScramVerifier()
            .AddTotpVerifier()
            .AddDialogVerifier(questions)
            .AddAcceptor(o => o.DefaultPlugin = MariaDbPamPluginNames.Dialog)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(MariaDbPamPluginNames.Dialog, stored ?? PasswordAndCode())));
        return services.BuildServiceProvider();
    }
}
