using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// Issue 9 item 6: the negotiator's own cost per round on the sans-I/O path, with a no-op delegate
/// plugin. One long-lived negotiator (MaxRounds raised, a frozen clock so the handshake deadline
/// never fires) handles <see cref="Rounds"/> Continue events per invocation; the figures are per round.
/// The baseline calls the same plugin's exchange directly, so the difference is the engine's share.
/// </summary>
[MemoryDiagnoser]
public class NegotiatorRoundBenchmarks
{
    public const int Rounds = 1000;
    private const string PluginName = "noop";
    private static readonly ReadOnlyMemory<byte> Payload = "server-data"u8.ToArray();
    private static readonly AuthEvent ContinueEvent = AuthEvent.Continue(Payload);
    private ServiceProvider _services = null!;
    private AuthCredentials _credentials = null!;
    private AuthNegotiator _negotiator = null!;
    private IAuthExchange _exchange = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(new FrozenTimeProvider());
        _ = services.AddHandshake(o => o.MaxRounds = int.MaxValue)
            .AddPlugin(PluginName, static _ => static (data, _) => ValueTask.FromResult(data));
        _services = services.BuildServiceProvider();
        _credentials = AuthCredentials.FromPasswords("user", "pw");
        var plugin = _services.GetServices<IAuthPlugin>().Single(p => p.Name == PluginName);
        _exchange = plugin.Start(new AuthExchangeContext(PluginName, 1, _credentials, TransportSecurity.None, _services.GetRequiredService<IAuthSecurityPolicy>()));
        NewNegotiator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _negotiator.Dispose();
        _exchange.Dispose();
        _credentials.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds, Description = "No-op plugin exchange alone, per round")]
    public async ValueTask<int> PluginAlone()
    {
        var total = 0;
        for (var i = 0; i < Rounds; i++)
        {
            total += (await _exchange.RespondAsync(Payload, CancellationToken.None).ConfigureAwait(false)).Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Rounds, Description = "Negotiator.HandleAsync(Continue), per round")]
    public async ValueTask<int> NegotiatorRound()
    {
        if (_negotiator.Rounds > int.MaxValue - (2 * Rounds))
        {
            NewNegotiator();
        }

        var total = 0;
        for (var i = 0; i < Rounds; i++)
        {
            total += (await _negotiator.HandleAsync(ContinueEvent).ConfigureAwait(false)).Data.Length;
        }

        return total;
    }

    private void NewNegotiator()
    {
        _negotiator?.Dispose();
        _negotiator = _services.GetRequiredService<IAuthNegotiatorFactory>().Create(_credentials, TransportSecurity.None);
        var first = _negotiator.HandleAsync(AuthEvent.Begin(PluginName)).AsTask().GetAwaiter().GetResult();
        if (first.Kind != AuthActionKind.Send)
        {
            throw new InvalidOperationException($"The no-op plugin did not answer Begin ({first}).");
        }
    }
}
