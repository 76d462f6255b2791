using System.Diagnostics;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Handshake.OpenTelemetry.Tests;

// The SDK's providers listen process-wide; these tests must not see each other's handshakes.
[Collection(nameof(ProcessWideTelemetry))]
public sealed class HandshakeInstrumentationTests
{
    private const string Plugin = HmacChallengeHandshakeBuilderExtensions.DefaultName;

    // Client-side delays before each answer, spread over four orders of magnitude like real logins
    // (in memory, PBKDF2, a network round trip, a person); the last two logins use a wrong password.
    private static readonly int[] DelaysMs = [0, 0, 0, 0, 0, 1, 1, 2, 4, 4, 8, 15, 15, 30, 30, 60, 120, 250, 0, 0];

    [Fact]
    public async Task AddHandshakeInstrumentation_TwentyHandshakes_SpreadAcrossDurationBucketsAndFailuresCarryErrorType()
    {
        var metrics = new List<Metric>();
        using var meterProvider = Sdk.CreateMeterProviderBuilder().AddHandshakeInstrumentation().AddInMemoryExporter(metrics).Build();

        await RunHandshakesAsync();
        meterProvider.ForceFlush();

        var duration = Assert.Single(metrics, m => m.Name == HandshakeInstrumentation.DurationMetric);
        Assert.Equal("s", duration.Unit);
        Assert.Equal(HandshakeInstrumentation.SourceName, duration.MeterName);
        Assert.False(string.IsNullOrEmpty(duration.MeterVersion));

        var occupied = new HashSet<double>();
        long total = 0;
        string[]? bounds = null;
        foreach (ref readonly var point in duration.GetMetricPoints())
        {
            var upper = new List<string>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                upper.Add(bucket.ExplicitBound.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (bucket.BucketCount > 0)
                {
                    occupied.Add(bucket.ExplicitBound);
                }
            }

            bounds ??= [.. upper];
            total += point.GetHistogramCount();
        }

        Assert.Equal(40, total); // 20 handshakes, each seen by the client and by the server
        Assert.NotNull(bounds);
        Assert.Contains("0.001", bounds);
        Assert.Contains("0.1", bounds);
        Assert.True(occupied.Count >= 4, $"durations fell in {occupied.Count} bucket(s): {string.Join(", ", occupied)}");

        var failures = Points(metrics, HandshakeInstrumentation.AuthenticationsMetric).Where(p => p.Tags.GetValueOrDefault("handshake.outcome") as string == "failure").ToList();
        Assert.Equal(4, failures.Sum(p => p.Count)); // 2 wrong passwords x (client, server)
        Assert.Contains(failures, p => p.Tags["error.type"] as string == nameof(AuthErrorCode.InvalidCredential) && p.Tags["handshake.role"] as string == "server");
        Assert.Contains(failures, p => p.Tags["error.type"] as string == nameof(AuthErrorCode.ServerRejected) && p.Tags["handshake.role"] as string == "client");
        Assert.All(failures, p => Assert.Equal(Plugin, p.Tags["handshake.mechanism"]));

        var successes = Points(metrics, HandshakeInstrumentation.AuthenticationsMetric).Where(p => p.Tags.GetValueOrDefault("handshake.outcome") as string == "success").ToList();
        Assert.Equal(36, successes.Sum(p => p.Count));
        Assert.All(successes, p => Assert.False(p.Tags.ContainsKey("error.type")));
        Assert.DoesNotContain(metrics, m => m.Name == "handshake.failures");
    }

    [Fact]
    public async Task AddHandshakeInstrumentation_Tracer_FailedSpanHasErrorStatusAndErrorType()
    {
        var spans = new List<Activity>();
        using var tracerProvider = Sdk.CreateTracerProviderBuilder().AddHandshakeInstrumentation().AddInMemoryExporter(spans).Build();

        await RunHandshakesAsync(count: 2, wrongFrom: 1);
        tracerProvider.ForceFlush();

        Assert.Contains(spans, s => s.OperationName == "handshake.client" && s.Status == ActivityStatusCode.Ok && (string?)s.GetTagItem("handshake.mechanism") == Plugin);
        var failed = Assert.Single(spans, s => s.OperationName == "handshake.server" && s.Status == ActivityStatusCode.Error);
        Assert.Equal(nameof(AuthErrorCode.InvalidCredential), failed.GetTagItem("error.type"));
        Assert.Equal(HandshakeInstrumentation.SourceName, failed.Source.Name);
        Assert.False(string.IsNullOrEmpty(failed.Source.Version));
        Assert.All(spans, s => Assert.DoesNotContain(s.TagObjects, t => (t.Value?.ToString() ?? string.Empty).Contains("pw-", StringComparison.Ordinal)));
    }

    private static async Task RunHandshakesAsync(int count = 20, int wrongFrom = 18)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = Plugin)
            .AddInMemoryCredentialStore(s => s.AddUser("otel-user", new AuthFactorPolicy(Plugin, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential("pw-right"))));
        await using var provider = services.BuildServiceProvider();
        var negotiators = provider.GetRequiredService<IAuthNegotiatorFactory>();
        var acceptors = provider.GetRequiredService<IAuthAcceptorFactory>();
        for (var i = 0; i < count; i++)
        {
            using var credentials = AuthCredentials.FromPasswords("otel-user", i >= wrongFrom ? "pw-wrong" : "pw-right");
            using var negotiator = negotiators.Create(credentials);
            using var acceptor = acceptors.Create();
            var delay = TimeSpan.FromMilliseconds(DelaysMs[i]);
            var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, wrapClient: t => new DelayingTransport(t, delay));
            Assert.Equal(i < wrongFrom, result.Succeeded);
        }
    }

    private static List<(long Count, Dictionary<string, object?> Tags)> Points(List<Metric> metrics, string name)
    {
        var list = new List<(long, Dictionary<string, object?>)>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                list.Add((point.GetSumLong(), tags));
            }
        }

        return list;
    }

    /// <summary>Holds each client message back, as a slow network or a slow person would.</summary>
    private sealed class DelayingTransport(IAuthTransport inner, TimeSpan delay) : IAuthTransport
    {
        public TransportSecurity Security => inner.Security;

        public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) => inner.ReceiveAsync(cancellationToken);

        public async ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
        {
            var copy = message with { Data = message.Data.ToArray() };
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            await inner.SendAsync(copy, cancellationToken);
        }
    }
}
