using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Handshake.Testing;
using Handshake.Testing.Conformance.Adapters;

namespace Handshake.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Handshakes_RecordOutcomeAndFailureCodeMetrics()
    {
        // A meter factory of this test's own, so measurements from tests running in parallel are told apart.
        using var factory = new ScopedMeterFactory();
        var measurements = new ConcurrentQueue<(string Instrument, object Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == "Handshake")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        await using var host = new TestHost(b => b
            .AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = HmacChallengeHandshakeBuilderExtensions.DefaultName)
            .AddInMemoryCredentialStore(s => s.AddUser("telemetry-user", new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw")))),
            services: s => s.AddSingleton<IMeterFactory>(factory));
        foreach (var password in new[] { "pw", "wrong" })
        {
            using var creds = AuthCredentials.FromPasswords("telemetry-user", password);
            using var negotiator = host.Negotiator(creds);
            using var acceptor = host.Acceptor();
            await InMemoryHandshake.RunAsync(negotiator, acceptor);
        }

        listener.RecordObservableInstruments();
        var failures = measurements.Where(m => m.Instrument == "handshake.authentications" && (string?)m.Tags["handshake.outcome"] == "failure").ToList();
        Assert.Contains(failures, m => (string?)m.Tags["handshake.role"] == "server" && (string?)m.Tags["error.type"] == nameof(AuthErrorCode.InvalidCredential));
        Assert.Contains(failures, m => (string?)m.Tags["handshake.role"] == "client" && (string?)m.Tags["error.type"] == nameof(AuthErrorCode.ServerRejected));
        Assert.All(failures, m => Assert.Equal(HmacChallengeHandshakeBuilderExtensions.DefaultName, m.Tags["handshake.mechanism"]));
        var successes = measurements.Where(m => m.Instrument == "handshake.authentications" && (string?)m.Tags["handshake.outcome"] == "success").ToList();
        Assert.Equal(2, successes.Count);
        Assert.All(successes, m => Assert.False(m.Tags.ContainsKey("error.type")));
        Assert.DoesNotContain(measurements, m => m.Instrument == "handshake.failures");
        Assert.Contains(measurements, m => m.Instrument == "handshake.rounds");
        Assert.All(measurements.SelectMany(m => m.Tags.Values), v => Assert.DoesNotContain("pw", v?.ToString() ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_OverallDeadlineCancelsAPluginMidAwait_RecordsTimeoutNotUnspecified()
    {
        // A meter factory of this test's own, so measurements from tests running in parallel are told apart.
        using var factory = new ScopedMeterFactory();
        var failures = new ConcurrentQueue<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "handshake.authentications")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var error = tags.ToArray().Where(t => t.Key == "error.type").Select(t => t.Value?.ToString()).SingleOrDefault();
            if (error is not null)
            {
                failures.Enqueue(error);
            }
        });
        listener.Start();

        var slow = new RecordingPlugin("slow")
        {
            Respond = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return AuthReply.None;
            },
        };
        await using var host = new TestHost(
            b => b.AddPlugin(slow),
            o =>
            {
                o.HandshakeTimeout = TimeSpan.FromSeconds(10);
                o.RoundTimeout = TimeSpan.FromMinutes(10);
            },
            s => s.AddSingleton<IMeterFactory>(factory));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);
        using var connection = InMemoryAuthConnection.Create();

        var run = negotiator.RunAsync(connection.Client);
        await connection.Server.SendAsync(AuthEvent.Begin("slow"), CancellationToken.None);
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => run);
        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
        Assert.Equal([nameof(AuthErrorCode.Timeout)], failures);
    }
}
