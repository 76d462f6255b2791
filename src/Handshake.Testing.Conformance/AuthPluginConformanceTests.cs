using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Handshake.Testing.Conformance;

/// <summary>
/// The rules every plugin (client side and verifier) must keep, whatever its mechanism. A plugin's
/// test project derives one class from this per mechanism and supplies its registration and
/// credentials; the tests below then run against it over the in-memory transport.
/// </summary>
public abstract class AuthPluginConformanceTests
{
    /// <summary>The user the server stores a credential for.</summary>
    protected const string UserName = "conformance-user";

    /// <summary>Gets the plugin/verifier name the server opens with.</summary>
    protected abstract string PluginName { get; }

    /// <summary>Gets the secrets that must never appear in an exception, a log line or a transcript (the passwords used).</summary>
    protected abstract IReadOnlyList<string> Secrets { get; }

    /// <summary>Gets what both ends of the in-memory connection report.</summary>
    protected virtual TransportSecurity Transport => TransportSecurity.None;

    /// <summary>Gets a value indicating whether the client side needs a factor secret (false for prompt- or key-source-driven plugins).</summary>
    protected virtual bool RequiresSecret => true;

    /// <summary>Registers the client plugin and the verifier (and their options).</summary>
    /// <param name="builder">The builder.</param>
    protected abstract void Register(IHandshakeBuilder builder);

    /// <summary>Lets a plugin add services (a fake clock, a pinned RNG).</summary>
    /// <param name="services">The services.</param>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Gets the stored credential the server keeps for <see cref="UserName"/>.</summary>
    /// <returns>The stored credential.</returns>
    protected abstract StoredCredential CreateStoredCredential();

    /// <summary>Gets credentials that must authenticate.</summary>
    /// <param name="userName">The user.</param>
    /// <returns>The credentials.</returns>
    protected abstract AuthCredentials CreateGoodCredentials(string userName);

    /// <summary>Gets credentials that must be refused (a wrong password or key).</summary>
    /// <param name="userName">The user.</param>
    /// <returns>The credentials.</returns>
    protected abstract AuthCredentials CreateBadCredentials(string userName);

    /// <summary>Good credentials authenticate, and the client and the server agree on the user and the assurance level.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Handshake_GoodCredentials_BothSidesAgreeOnSuccess()
    {
        await using var harness = CreateHarness();
        using var credentials = CreateGoodCredentials(UserName);
        var outcome = await harness.RunAsync(credentials);

        Assert.True(outcome.Result.Succeeded, $"client: {outcome.Result.ClientError?.Code} {outcome.Result.ClientError?.Message}; server: {outcome.Result.ServerFailureReason}");
        Assert.Equal(1, outcome.Result.ClientResult!.AssuranceLevel);
        Assert.Equal(UserName, outcome.Result.ServerResult!.UserName);
    }

    /// <summary>A wrong secret is refused; the client gets a typed error and the server records <see cref="AuthErrorCode.InvalidCredential"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Handshake_BadCredentials_ClientIsRejectedAndServerKnowsWhy()
    {
        await using var harness = CreateHarness();
        using var credentials = CreateBadCredentials(UserName);
        var outcome = await harness.RunAsync(credentials);

        Assert.False(outcome.Result.Succeeded);
        Assert.Null(outcome.Result.ServerResult);
        Assert.NotNull(outcome.Result.ClientError);
        Assert.Equal(AuthErrorCode.InvalidCredential, outcome.Result.ServerFailureReason);
    }

    /// <summary>An unknown user fails with the same code, message and transcript shape as a known user with a wrong secret (no user enumeration).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Handshake_UnknownUser_FailsExactlyLikeBadCredentials()
    {
        await using var harness = CreateHarness();
        const string Stranger = "no-such-user";
        using var unknown = CreateGoodCredentials(Stranger);
        var unknownOutcome = await harness.RunAsync(unknown);

        // A known user with a wrong secret, renamed so the messages can be compared word for word.
        await using var harness2 = CreateHarness(storeUserName: Stranger);
        using var bad = CreateBadCredentials(Stranger);
        var badOutcome = await harness2.RunAsync(bad);

        Assert.False(unknownOutcome.Result.Succeeded);
        Assert.Equal(badOutcome.Result.ClientError?.Code, unknownOutcome.Result.ClientError?.Code);
        Assert.Equal(badOutcome.Result.ClientError?.Message, unknownOutcome.Result.ClientError?.Message);
        Assert.Equal(badOutcome.Result.ServerFailureReason, unknownOutcome.Result.ServerFailureReason);
        Assert.Equal(Shape(badOutcome.Transcript), Shape(unknownOutcome.Transcript));
    }

    /// <summary>A client without the secret its plugin needs fails with <see cref="AuthErrorCode.MissingCredential"/> before it sends anything.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Handshake_MissingSecret_FailsWithMissingCredentialBeforeSendingAnything()
    {
        if (!RequiresSecret)
        {
            return;
        }

        await using var harness = CreateHarness();
        using var credentials = new AuthCredentials(UserName);
        var outcome = await harness.RunAsync(credentials);

        Assert.Equal(AuthErrorCode.MissingCredential, outcome.Result.ClientError?.Code);
        Assert.DoesNotContain(outcome.Transcript, e => e.Direction == TranscriptDirection.ClientToServer);
    }

    /// <summary>Garbage from the server ends in a typed <see cref="HandshakeException"/> (never another exception, a hang or a secret in the message), or is answered.</summary>
    /// <param name="label">What the input is, for the test name.</param>
    /// <param name="garbage">The bytes.</param>
    /// <returns>A task.</returns>
    [Theory]
    [MemberData(nameof(GarbageInputs))]
    public async Task HandleAsync_GarbageFromServer_EndsInHandshakeExceptionOrProceeds(string label, byte[] garbage)
    {
        _ = label;
        await using var harness = CreateHarness();
        using var credentials = CreateGoodCredentials(UserName);
        using var negotiator = harness.CreateNegotiator(credentials);
        try
        {
            var events = new[] { AuthEvent.Begin(PluginName, garbage), AuthEvent.Continue(garbage), AuthEvent.Continue(garbage), AuthEvent.Succeeded(garbage) };
            foreach (var e in events)
            {
                var action = await negotiator.HandleAsync(e);
                if (action.Kind == AuthActionKind.Completed)
                {
                    break;
                }
            }
        }
        catch (HandshakeException ex)
        {
            AssertNoSecret(ex.ToString());
        }

        AssertNoSecret(harness.Logs);
    }

    /// <summary>Garbage from the client ends in a rejection, never an exception.</summary>
    /// <param name="label">What the input is, for the test name.</param>
    /// <param name="garbage">The bytes.</param>
    /// <returns>A task.</returns>
    [Theory]
    [MemberData(nameof(GarbageInputs))]
    public async Task Acceptor_GarbageFromClient_RejectsWithoutThrowing(string label, byte[] garbage)
    {
        _ = label;
        await using var harness = CreateHarness();
        using var acceptor = harness.CreateAcceptor();
        var first = await acceptor.StartAsync();
        Assert.Equal(AuthEventKind.Begin, first.Kind);

        var reply = await acceptor.HandleAsync(new AuthClientMessage(PluginName, garbage, UserName));
        for (var i = 0; i < 4 && reply.Kind is AuthEventKind.Continue or AuthEventKind.Switch; i++)
        {
            reply = await acceptor.HandleAsync(new AuthClientMessage(null, garbage));
        }

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthNegotiatorState.Failed, acceptor.State);
    }

    /// <summary>No secret appears in an exception, a transcript, a result, the credentials' or stored credential's <c>ToString()</c>, or a log line.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FailurePaths_NeverExposeTheSecret()
    {
        await using var harness = CreateHarness();
        using (var bad = CreateBadCredentials(UserName))
        {
            var outcome = await harness.RunAsync(bad);
            AssertNoSecret(outcome.Result.ClientError?.ToString() ?? string.Empty);
            AssertNoSecret(outcome.Transcript.Select(e => e.ToString()));
        }

        using (var good = CreateGoodCredentials(UserName))
        {
            var outcome = await harness.RunAsync(good);
            AssertNoSecret(outcome.Transcript.Select(e => e.ToString()));
            AssertNoSecret(outcome.Result.ClientResult?.ToString() ?? string.Empty);
            AssertNoSecret(good.ToString());
        }

        AssertNoSecret(CreateStoredCredential().ToString());
        AssertNoSecret(harness.Logs);
    }

    /// <summary>Gets malformed inputs of every common shape: empty, short, NUL runs, random bytes up to 64 KiB, mechanism-like text, invalid UTF-8.</summary>
    /// <returns>The theory data.</returns>
    public static TheoryData<string, byte[]> GarbageInputs()
    {
        // Seeded, so every run and every plugin sees the same inputs; never used for a secret.
        var random = new Random(20261123);
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "one byte", [0xFF] },
            { "NUL run", new byte[21] },
            { "random 20", Bytes(20) },
            { "random 64", Bytes(64) },
            { "random 64 KiB", Bytes(64 * 1024) },
            { "SCRAM-ish", Encoding.ASCII.GetBytes("r=,s=,i=0,v=,e=") },
            { "huge iteration", Encoding.ASCII.GetBytes("r=abc,s=QSXCR+Q6sek8bf92,i=2147483647") },
            { "invalid UTF-8", [0xC3, 0x28, 0xA0, 0xA1, 0xF0, 0x28, 0x8C, 0xBC] },
            { "PEM-ish", Encoding.ASCII.GetBytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") },
        };
    }

    /// <summary>Fails when any of <see cref="Secrets"/> appears in <paramref name="text"/>.</summary>
    /// <param name="text">The output to scan.</param>
    protected void AssertNoSecret(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in Secrets.Where(s => s.Length > 0))
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), "A secret appeared in output.");
        }
    }

    /// <summary>Fails when any of <see cref="Secrets"/> appears in any of <paramref name="texts"/>.</summary>
    /// <param name="texts">The outputs to scan.</param>
    protected void AssertNoSecret(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        foreach (var text in texts)
        {
            AssertNoSecret(text);
        }
    }

    private static string Shape(IEnumerable<TranscriptEntry> transcript) =>
        string.Join(" | ", transcript.Select(e => $"{e.Direction}:{e.Step.Split(' ')[0]}:{e.PluginName}"));

    private Harness CreateHarness(string storeUserName = UserName)
    {
        var services = new ServiceCollection();
        services.AddSingleton<CapturingLoggerProvider>();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<CapturingLoggerProvider>());
        ConfigureServices(services);
        var builder = services.AddHandshake();
        Register(builder);
        builder.AddAcceptor(o => o.DefaultPlugin = PluginName);
        var stored = CreateStoredCredential();
        builder.AddInMemoryCredentialStore(s => s.AddUser(storeUserName, new AuthFactorPolicy(PluginName, stored)));
        var provider = services.BuildServiceProvider();
        return new Harness(provider, provider.GetRequiredService<CapturingLoggerProvider>(), Transport);
    }

    /// <summary>Everything one conformance run needs.</summary>
    protected sealed class Harness(ServiceProvider provider, CapturingLoggerProvider logs, TransportSecurity transport) : IAsyncDisposable
    {
        /// <summary>Gets every log line written so far.</summary>
        public IReadOnlyList<string> Logs => logs.Lines;

        /// <summary>Creates a client over this run's transport.</summary>
        /// <param name="credentials">The credentials.</param>
        /// <returns>The negotiator.</returns>
        public AuthNegotiator CreateNegotiator(AuthCredentials credentials) => provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);

        /// <summary>Creates a server over this run's transport.</summary>
        /// <returns>The acceptor.</returns>
        public AuthAcceptor CreateAcceptor() => provider.GetRequiredService<IAuthAcceptorFactory>().Create(transport);

        /// <summary>Runs one client against one acceptor in memory, recording the transcript, with a 30 s deadline.</summary>
        /// <param name="credentials">The client's credentials.</param>
        /// <returns>How both sides fared, and the redacted transcript.</returns>
        public async Task<(InMemoryHandshakeResult Result, IReadOnlyList<TranscriptEntry> Transcript)> RunAsync(AuthCredentials credentials)
        {
            using var negotiator = CreateNegotiator(credentials);
            using var acceptor = CreateAcceptor();
            using var connection = InMemoryAuthConnection.Create(transport);
            var recorder = new TranscriptRecorder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, wrapClient: recorder.Record, cancellationToken: timeout.Token);
            return (result, recorder.Entries);
        }

        /// <inheritdoc />
        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }
}
