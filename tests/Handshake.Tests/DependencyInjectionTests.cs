using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Tests;

public sealed class DependencyInjectionTests
{
    private static async Task<Exception?> StartAsync(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        configure(services);
        await using var provider = services.BuildServiceProvider();
        try
        {
            await Task.Run(() => provider.GetRequiredService<IStartupValidator>().Validate());
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void GetRequiredService_NegotiatorFactoryWithBadOptionsAndNoHost_ThrowsWhenResolved()
    {
        // No host, so nothing runs ValidateOnStart but the engine: resolving the factory is the start.
        var services = new ServiceCollection();
        services.AddHandshake(o => o.MaxRounds = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IAuthNegotiatorFactory>());
        Assert.Contains("MaxRounds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredService_AcceptorFactoryWithBadPluginRegistrationAndNoHost_ThrowsWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddVerifier("dup", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddVerifier("dup", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "dup")
            .AddInMemoryCredentialStore();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IAuthAcceptorFactory>());
        Assert.Contains("'dup'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredService_FactoryWithGoodOptions_ResolvesOnceAndValidatesOnce()
    {
        var validations = 0;
        var services = new ServiceCollection();
        services.AddHandshake();
        services.AddOptions<HandshakeOptions>().Validate(_ => Interlocked.Increment(ref validations) > 0).ValidateOnStart();
        using var provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<IAuthNegotiatorFactory>();
        _ = provider.GetRequiredService<IAuthNegotiatorFactory>();
        Assert.Equal(1, validations);
    }

    [Fact]
    public async Task ValidateOnStart_TwoPluginsWithOneName_FailsNamingIt()
    {
        var ex = await StartAsync(s => s.AddHandshake()
            .AddPlugin("dup", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty))
            .AddPlugin("dup", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty)));

        Assert.NotNull(ex);
        Assert.Contains("'dup'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_TwoVerifiersWithOneName_FailsNamingIt()
    {
        var ex = await StartAsync(s => s.AddHandshake()
            .AddVerifier("dup", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddVerifier("dup", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "dup")
            .AddInMemoryCredentialStore());

        Assert.NotNull(ex);
        Assert.Contains("'dup'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 3, 15, 60, "MaxRounds")]
    [InlineData(32, 4, 15, 60, "MaxFactors")]
    [InlineData(32, 0, 15, 60, "MaxFactors")]
    [InlineData(32, 3, 0, 60, "RoundTimeout")]
    [InlineData(32, 3, 15, -1, "HandshakeTimeout")]
    public async Task ValidateOnStart_BadHandshakeOptions_FailsNamingTheOption(int rounds, int factors, int roundSeconds, int totalSeconds, string option)
    {
        var ex = await StartAsync(s => s.AddHandshake(o =>
        {
            o.MaxRounds = rounds;
            o.MaxFactors = factors;
            o.RoundTimeout = TimeSpan.FromSeconds(roundSeconds);
            o.HandshakeTimeout = TimeSpan.FromSeconds(totalSeconds);
        }));

        Assert.NotNull(ex);
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_PluginBothAllowedAndDenied_Fails()
    {
        var ex = await StartAsync(s => s.AddHandshake(o =>
        {
            o.AllowedPlugins.Add("x");
            o.DeniedPlugins.Add("x");
        }));

        Assert.NotNull(ex);
    }

    [Fact]
    public async Task ValidateOnStart_AcceptorWithoutDefaultPlugin_Fails()
    {
        var ex = await StartAsync(s => s.AddHandshake().AddAcceptor(_ => { }).AddInMemoryCredentialStore());
        Assert.NotNull(ex);
        Assert.Contains("DefaultPlugin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_AcceptorDefaultPluginNotRegistered_FailsListingRegistered()
    {
        var ex = await StartAsync(s => s.AddHandshake()
            .AddVerifier("real", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "missing")
            .AddInMemoryCredentialStore());

        Assert.NotNull(ex);
        Assert.Contains("'missing'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("real", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_AcceptorWithoutCredentialStore_Fails()
    {
        var ex = await StartAsync(s => s.AddHandshake()
            .AddVerifier("v", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "v"));

        Assert.NotNull(ex);
        Assert.Contains("ICredentialStore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_ValidConfiguration_Passes()
    {
        var ex = await StartAsync(s => s.AddHandshake()
            .AddPlugin("v", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty))
            .AddVerifier("v", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "v")
            .AddInMemoryCredentialStore());

        Assert.Null(ex);
    }

    [Fact]
    public async Task AddHandshake_CalledTwice_RegistersEngineOnce()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddPlugin<NoopPlugin>();
        services.AddHandshake().AddPlugin<NoopPlugin>();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IAuthNegotiatorFactory>());
        Assert.Single(provider.GetServices<IAuthPlugin>());
        Assert.Single(provider.GetServices<IValidateOptions<HandshakeOptions>>());
    }

    [Fact]
    public async Task AddHandshake_TypedPlugin_IsResolvedByNameFromTheContainer()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddPlugin<NoopPlugin>();
        await using var provider = services.BuildServiceProvider();
        using var creds = AuthCredentials.FromPasswords("u", "p");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("noop"));

        Assert.Equal(AuthActionKind.Send, action.Kind);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "The DI container instantiates it.")]
    private sealed class NoopPlugin : IAuthPlugin
    {
        public string Name => "noop";

        public IAuthExchange Start(AuthExchangeContext context) => new Exchange();

        private sealed class Exchange : IAuthExchange
        {
            public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken) => ValueTask.FromResult(AuthReply.Send(default));

            public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
