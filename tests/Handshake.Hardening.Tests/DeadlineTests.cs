using Handshake.Plugins.NativePassword;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Regressions for the soak's findings: the handshake deadline firing during a send or during a verifier
/// step must end as the documented typed outcome, never as an OperationCanceledException nobody asked for.
/// Time is a <see cref="FakeTimeProvider"/>, advanced once the step is known to be blocked.
/// </summary>
public sealed class DeadlineTests
{
    [Fact]
    public async Task AcceptorRunAsync_DeadlineDuringVerifierStep_ReturnsNullWithTimeout()
    {
        var time = new FakeTimeProvider();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(time).AddHandshake()
            .AddVerifier(new BlockingVerifier(blocked))
            .AddAcceptor(o => o.DefaultPlugin = BlockingVerifier.VerifierName)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(BlockingVerifier.VerifierName, StoredCredential.FromString("x"))));
        await using var sp = services.BuildServiceProvider();
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();
        using var connection = InMemoryAuthConnection.Create();

        var run = acceptor.RunAsync(connection.Server, "alice");
        _ = await connection.Client.ReceiveAsync(CancellationToken.None);
        await connection.Client.SendAsync(new AuthClientMessage(BlockingVerifier.VerifierName, new byte[] { 1 }, "alice"), CancellationToken.None);
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMinutes(5));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result);
        Assert.Equal(AuthErrorCode.Timeout, acceptor.FailureReason);
    }

    [Fact]
    public async Task AcceptorRunAsync_SendThrowsIOException_ReturnsNullWithTransportFailure()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddNativePasswordVerifier().AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword).AddInMemoryCredentialStore();
        await using var sp = services.BuildServiceProvider();
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();

        var result = await acceptor.RunAsync(new BrokenServerTransport(block: null), "alice").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result);
        Assert.Equal(AuthErrorCode.TransportFailure, acceptor.FailureReason);
    }

    [Fact]
    public async Task AcceptorRunAsync_DeadlineDuringSend_ReturnsNullWithTimeout()
    {
        var time = new FakeTimeProvider();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(time).AddHandshake().AddNativePasswordVerifier().AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword).AddInMemoryCredentialStore();
        await using var sp = services.BuildServiceProvider();
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();

        var run = acceptor.RunAsync(new BrokenServerTransport(blocked), "alice");
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMinutes(5));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result);
        Assert.Equal(AuthErrorCode.Timeout, acceptor.FailureReason);
    }

    [Fact]
    public async Task NegotiatorRunAsync_DeadlineDuringSend_ThrowsTimeout()
    {
        var time = new FakeTimeProvider();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(time).AddHandshake().AddNativePassword();
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials);

        var run = negotiator.RunAsync(new StalledClientTransport(blocked));
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMinutes(5));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
    }

    /// <summary>Sends block until cancelled (when <c>block</c> is given) or throw IOException.</summary>
    private sealed class BrokenServerTransport(TaskCompletionSource? block) : IAcceptorTransport
    {
        public TransportSecurity Security => TransportSecurity.None;

        public ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("not reached");

        public async ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
        {
            if (block is null)
            {
                throw new IOException("connection reset");
            }

            block.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    /// <summary>Delivers a native-password Begin, then stalls every send until cancelled.</summary>
    private sealed class StalledClientTransport(TaskCompletionSource block) : IAuthTransport
    {
        public TransportSecurity Security => TransportSecurity.None;

        public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[20]));

        public async ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
        {
            block.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    /// <summary>A verifier whose step waits for cancellation.</summary>
    private sealed class BlockingVerifier(TaskCompletionSource blocked) : IAuthVerifier
    {
        public const string VerifierName = "blocking";

        public string Name => VerifierName;

        public IVerifierExchange Start(VerifierContext context) => new Exchange(blocked);

        private sealed class Exchange(TaskCompletionSource blocked) : IVerifierExchange
        {
            public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[8]);

            public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return VerifierStep.Reject(AuthErrorCode.InvalidCredential, null);
            }

            public void Dispose()
            {
            }
        }
    }
}
