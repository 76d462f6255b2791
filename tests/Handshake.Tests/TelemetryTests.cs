using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Handshake.Testing;

namespace Handshake.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Handshakes_RecordOutcomeAndFailureCodeMetrics()
    {
        var measurements = new ConcurrentQueue<(string Instrument, object Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Handshake")
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
            .AddInMemoryCredentialStore(s => s.AddUser("telemetry-user", new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw")))));
        foreach (var password in new[] { "pw", "wrong" })
        {
            using var creds = AuthCredentials.FromPasswords("telemetry-user", password);
            using var negotiator = host.Negotiator(creds);
            using var acceptor = host.Acceptor();
            await InMemoryHandshake.RunAsync(negotiator, acceptor);
        }

        listener.RecordObservableInstruments();
        var failures = measurements.Where(m => m.Instrument == "handshake.failures").ToList();
        Assert.Contains(failures, m => (string?)m.Tags["handshake.role"] == "server" && (string?)m.Tags["handshake.error.code"] == nameof(AuthErrorCode.InvalidCredential));
        Assert.Contains(failures, m => (string?)m.Tags["handshake.role"] == "client" && (string?)m.Tags["handshake.error.code"] == nameof(AuthErrorCode.ServerRejected));
        Assert.Contains(measurements, m => m.Instrument == "handshake.authentications" && (string?)m.Tags["handshake.outcome"] == "success");
        Assert.Contains(measurements, m => m.Instrument == "handshake.rounds");
        Assert.All(measurements.SelectMany(m => m.Tags.Values), v => Assert.DoesNotContain("pw", v?.ToString() ?? string.Empty, StringComparison.Ordinal));
    }
}
