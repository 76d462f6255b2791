using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa.Tests;

public sealed class FactorPolicyValidationTests
{
    private static readonly StoredCredential Any = StoredCredential.FromString("x");

    private sealed class PasswordVerifier(string name) : IAuthVerifier
    {
        public string Name { get; } = name;

        public bool UsesServerStoredPassword => true;

        public IVerifierExchange Start(VerifierContext context) => throw new NotSupportedException();
    }

    private static ServiceProvider Build(Action<FactorPolicyOptions> policies, bool allowPasswordLater = false) =>
        new ServiceCollection()
            .AddHandshake()
            .ConfigureFactorPolicyRules(r => r.AllowServerStoredPasswordAfterFirstFactor = allowPasswordLater)
            .AddVerifier(new PasswordVerifier("native"))
            .AddVerifier(new PasswordVerifier("scram"))
            .AddVerifier("key", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddTotpVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "native")
            .AddFactorPolicies(policies)
            .Services.BuildServiceProvider();

    private static async Task<string> StartUpFailureAsync(Action<FactorPolicyOptions> policies)
    {
        await using var sp = Build(policies);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSupport.ValidateAtStartAsync(sp));
        Assert.Equal(typeof(FactorPolicyOptions), ex.OptionsType);
        return ex.Message;
    }

    [Fact]
    public async Task Validate_ValidPolicies_StartsAndStoreServesThem()
    {
        await using var sp = Build(p => p
            .Add("alice", new AuthFactorPolicy("native", Any), new AuthFactorPolicy("totp", Any), new AuthFactorPolicy("key", Any))
            .Add(new UserAuthPolicy("bob", [new AuthFactorPolicy("scram", Any)])));

        await TestSupport.ValidateAtStartAsync(sp);
        var store = sp.GetRequiredService<ICredentialStore>();

        Assert.Equal(3, (await store.FindUserAsync("alice", CancellationToken.None))!.Factors.Count);
        Assert.Equal("scram", (await store.FindUserAsync("bob", CancellationToken.None))!.Factors[0].PluginName);
        Assert.Null(await store.FindUserAsync("carol", CancellationToken.None));
    }

    [Fact]
    public async Task Validate_FourFactors_FailsNamingUser()
    {
        var message = await StartUpFailureAsync(p => p.Add("bob", new AuthFactorPolicy("native", Any), new AuthFactorPolicy("totp", Any), new AuthFactorPolicy("key", Any), new AuthFactorPolicy("scram", Any)));

        Assert.Contains("User 'bob' has 4 factors; at most 3 are allowed.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoFactor_FailsNamingUser()
    {
        var message = await StartUpFailureAsync(p => p.Add("bob"));

        Assert.Contains("User 'bob' has no factor", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PluginTwice_FailsNamingUserAndBothFactors()
    {
        var message = await StartUpFailureAsync(p => p.Add("bob", new AuthFactorPolicy("native", Any), new AuthFactorPolicy("totp", Any), new AuthFactorPolicy("totp", Any)));

        Assert.Contains("User 'bob' names verifier 'totp' for factor 2 and factor 3", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Validate_ServerStoredPasswordAfterFactorOne_FailsNamingUserAndFactor(int position)
    {
        AuthFactorPolicy[] factors = position == 2
            ? [new("totp", Any), new("native", Any)]
            : [new("native", Any), new("totp", Any), new("scram", Any)];

        var message = await StartUpFailureAsync(p => p.Add("bob", factors));

        Assert.Contains($"User 'bob' factor {position} uses '{factors[position - 1].PluginName}', which checks a server-stored password; such verifiers may only be factor 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ServerStoredPasswordAfterFactorOneExplicitlyAllowed_Starts()
    {
        await using var sp = Build(p => p.Add("bob", new AuthFactorPolicy("native", Any), new AuthFactorPolicy("scram", Any)), allowPasswordLater: true);

        await TestSupport.ValidateAtStartAsync(sp);
    }

    [Fact]
    public async Task Validate_UnregisteredVerifier_FailsNamingUserFactorAndRegisteredOnes()
    {
        var message = await StartUpFailureAsync(p => p.Add("bob", new AuthFactorPolicy("native", Any), new AuthFactorPolicy("otp", Any)));

        Assert.Contains("User 'bob' factor 2 names verifier 'otp', which is not registered. Registered: key, native, scram, totp.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UserTwice_Fails()
    {
        var message = await StartUpFailureAsync(p => p.Add("bob", new AuthFactorPolicy("native", Any)).Add("bob", new AuthFactorPolicy("scram", Any)));

        Assert.Contains("User 'bob' is configured more than once", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SeveralProblems_AllReportedAtOnce()
    {
        await using var sp = Build(p => p
            .Add("bob", new AuthFactorPolicy("totp", Any), new AuthFactorPolicy("native", Any))
            .Add("carol", new AuthFactorPolicy("nope", Any)));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSupport.ValidateAtStartAsync(sp));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("User 'bob' factor 2", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("User 'carol' factor 1 names verifier 'nope'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindUserAsync_InvalidPoliciesWithoutStartUpValidation_StillThrows()
    {
        await using var sp = Build(p => p.Add("bob", new AuthFactorPolicy("otp", Any)));
        var store = sp.GetRequiredService<ICredentialStore>();

        await Assert.ThrowsAsync<OptionsValidationException>(async () => await store.FindUserAsync("bob", CancellationToken.None));
    }

    [Fact]
    public void FactorPolicyRules_UsableOnAnyPolicySource()
    {
        IAuthVerifier[] verifiers = [new PasswordVerifier("native")];

        var failures = FactorPolicyRules.Validate("dave", [new AuthFactorPolicy("native", Any), new AuthFactorPolicy("native", Any)], verifiers);

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.Contains("for factor 1 and factor 2", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("factor 2 uses 'native'", StringComparison.Ordinal));
    }
}
