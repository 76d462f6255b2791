using System.Diagnostics.Metrics;
using Handshake.Testing;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

/// <summary>
/// A failure a protocol adapter detects (TLS refused, a silent peer, an oversized packet) goes through the
/// same telemetry as the engine's own: counted once, with error.type, and never over a result that stands.
/// </summary>
public sealed class RecordTransportFailureTests
{
    private const string Plugin = HmacChallengeHandshakeBuilderExtensions.DefaultName;

    [Fact]
    public async Task RecordTransportFailure_NegotiatorNotStarted_CountsOneClientFailureWithErrorType()
    {
        using var meters = new Meters();
        await using var host = Host(meters);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);

        negotiator.RecordTransportFailure(AuthErrorCode.PolicyViolation, "the TLS handshake failed");
        negotiator.RecordTransportFailure(AuthErrorCode.Timeout, "a second report of the same end");

        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
        Assert.Equal([("client", nameof(AuthErrorCode.PolicyViolation))], meters.Failures);
    }

    [Fact]
    public async Task RecordTransportFailure_AcceptorNotStarted_CountsOneServerFailureAndSetsTheReason()
    {
        using var meters = new Meters();
        await using var host = Host(meters);
        using var acceptor = host.Acceptor();

        acceptor.RecordTransportFailure(AuthErrorCode.Timeout, "the client sent no startup packet");
        acceptor.RecordTransportFailure(AuthErrorCode.ProtocolViolation, "a second report of the same end");

        Assert.Equal(AuthErrorCode.Timeout, acceptor.FailureReason);
        Assert.Equal("the client sent no startup packet", acceptor.FailureDetail);
        Assert.Equal([("server", nameof(AuthErrorCode.Timeout))], meters.Failures);
    }

    [Fact]
    public async Task RecordTransportFailure_AfterACompletedHandshake_ChangesNothing()
    {
        using var meters = new Meters();
        await using var host = Host(meters);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);
        using var acceptor = host.Acceptor();
        await InMemoryHandshake.RunAsync(negotiator, acceptor);

        negotiator.RecordTransportFailure(AuthErrorCode.ServerRejected, "the session was refused after login");
        acceptor.RecordTransportFailure(AuthErrorCode.TransportFailure, "the client left after login");

        Assert.Equal(AuthNegotiatorState.Completed, negotiator.State);
        Assert.NotNull(acceptor.Result);
        Assert.Empty(meters.Failures);
    }

    [Fact]
    public async Task RunAsync_TransportRefusesAMessage_CountsTheTransportsCode()
    {
        using var meters = new Meters();
        await using var host = Host(meters);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.RunAsync(new RefusingTransport()));

        Assert.Equal(AuthErrorCode.ProtocolViolation, error.Code);
        Assert.Equal([("client", nameof(AuthErrorCode.ProtocolViolation))], meters.Failures);
    }

    private static TestHost Host(Meters meters) => new(
        b => b.AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = Plugin)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(Plugin, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw")))),
        services: s => s.AddSingleton<IMeterFactory>(meters));

    /// <summary>A codec that refuses the first thing the server sends (an oversized or unexpected message).</summary>
    private sealed class RefusingTransport : IAuthTransport
    {
        public TransportSecurity Security => TransportSecurity.None;

        public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) =>
            ValueTask.FromException<AuthEvent>(new HandshakeException(AuthErrorCode.ProtocolViolation, "The server sent a message longer than the limit."));

        public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>This test's own meters, and the failures measured on them.</summary>
    private sealed class Meters : IMeterFactory
    {
        private readonly ScopedMeterFactory _meters = new();
        private readonly FailureRecorder _failures;

        public Meters() => _failures = new FailureRecorder(_meters);

        public IReadOnlyList<(string?, string?)> Failures => [.. _failures];

        public Meter Create(MeterOptions options) => _meters.Create(options);

        public void Dispose()
        {
            _failures.Dispose();
            _meters.Dispose();
        }
    }
}
