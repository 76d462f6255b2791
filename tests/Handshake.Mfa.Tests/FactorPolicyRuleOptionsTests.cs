using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Mfa.Tests;

/// <summary>
/// One switch for the factor-policy rules: <see cref="FactorPolicyRuleOptions"/> is read both by the
/// start-up validation of <c>AddFactorPolicies</c> and by the acceptor, so the two cannot disagree.
/// </summary>
public sealed class FactorPolicyRuleOptionsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConfigureFactorPolicyRules_PasswordVerifierAsFactorTwo_StartUpAndAcceptorAgree(bool allow)
    {
        await using var sp = new ServiceCollection()
            .AddHandshake()
            .AddPlugin("key", AuthSecretUse.Derived, ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddPlugin("password", AuthSecretUse.Derived, ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("key", ctx => async (data, ct) => Check(await ctx.GetStoredCredentialAsync(ct), data))
            .AddVerifier(new PasswordVerifier())
            .AddAcceptor(o => o.DefaultPlugin = "key")
            .ConfigureFactorPolicyRules(r => r.AllowServerStoredPasswordAfterFirstFactor = allow)
            .AddFactorPolicies(p => p.Add("bob", new AuthFactorPolicy("key", StoredCredential.FromString("k")), new AuthFactorPolicy("password", StoredCredential.FromString("pw"))))
            .Services.BuildServiceProvider();

        if (!allow)
        {
            var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestSupport.ValidateAtStartAsync(sp));
            Assert.Contains("User 'bob' factor 2 uses 'password', which checks a server-stored password", ex.Message, StringComparison.Ordinal);
            return;
        }

        await TestSupport.ValidateAtStartAsync(sp);
        using var credentials = AuthCredentials.FromPasswords("bob", "k", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.True(result.Succeeded, result.ServerFailureReason.ToString());
        Assert.Equal(2, result.ServerResult!.AssuranceLevel);
    }

    [Fact]
    public async Task Acceptor_StoreNotValidatedAtStartUp_AppliesTheSameRule()
    {
        // The toy plugins stand for proofs of their secrets (Derived), so the gate hands them the secret
        // over the in-memory transport. An in-memory store has no start-up check: the acceptor applies FactorPolicyRules to the loaded user.
        await using var sp = new ServiceCollection()
            .AddHandshake()
            .AddPlugin("key", AuthSecretUse.Derived, ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddPlugin("password", AuthSecretUse.Derived, ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("key", ctx => async (data, ct) => Check(await ctx.GetStoredCredentialAsync(ct), data))
            .AddVerifier(new PasswordVerifier())
            .AddAcceptor(o => o.DefaultPlugin = "key")
            .AddInMemoryCredentialStore(s => s.AddUser("bob", new AuthFactorPolicy("key", StoredCredential.FromString("k")), new AuthFactorPolicy("password", StoredCredential.FromString("pw"))))
            .Services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("bob", "k", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ServerFailureReason);
        Assert.Contains(nameof(FactorPolicyRuleOptions.AllowServerStoredPasswordAfterFirstFactor), acceptor.FailureDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void UserAuthPolicy_FactorRepeated_ThrowsWithTheRulesMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => new UserAuthPolicy("bob", [new AuthFactorPolicy("key", StoredCredential.FromString("a")), new AuthFactorPolicy("key", StoredCredential.FromString("b"))]));

        Assert.StartsWith("User 'bob' names verifier 'key' for factor 1 and factor 2", ex.Message, StringComparison.Ordinal);
    }

    private static VerifierStep Check(StoredCredential? stored, ReadOnlyMemory<byte> data) =>
        stored is not null && stored.Value == Encoding.UTF8.GetString(data.Span) ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);

    private sealed class PasswordVerifier : IAuthVerifier
    {
        public string Name => "password";

        public bool UsesServerStoredPassword => true;

        public IVerifierExchange Start(VerifierContext context) => new Exchange(context);

        private sealed class Exchange(VerifierContext context) : IVerifierExchange
        {
            public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

            public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) =>
                Check(await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false), clientData);

            public void Dispose()
            {
            }
        }
    }
}
