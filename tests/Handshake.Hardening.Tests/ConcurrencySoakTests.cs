using System.Globalization;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Fault-injected concurrency soak: many concurrent handshakes over the in-memory transport
/// with dropped, delayed, duplicated and reordered messages and cancellations, native and SCRAM users mixed.
/// HANDSHAKE_SOAK_COUNT sets how many (default 10,000); HANDSHAKE_SOAK_SEED the seed.
/// </summary>
// GC.GetTotalMemory sees the whole process: the soak runs alone so that other test classes' live
// objects are not counted as its own (a CI run saw 88 MiB "after" while parallel classes ran).
[Collection(RunsAloneGroup.Name)]
public sealed class ConcurrencySoakTests(ITestOutputHelper output)
{
    private const int Users = 1000;
    private const double FaultRate = 0.02;
    private const double CancelRate = 0.01;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Soak_ConcurrentHandshakesWithFaults_EachEndsTypedNoCrossTalkAllDisposed()
    {
        var count = EnvInt("HANDSHAKE_SOAK_COUNT", 10_000);
        var seed = EnvInt("HANDSHAKE_SOAK_SEED", 20261123);
        var clientCounter = new ExchangeCounter();
        var serverCounter = new ExchangeCounter();
        var faults = new FaultCounters();
        await using var sp = Services(clientCounter, serverCounter);
        var negotiators = sp.GetRequiredService<IAuthNegotiatorFactory>();
        var acceptors = sp.GetRequiredService<IAuthAcceptorFactory>();

        // Warm-up: one clean handshake per user fills the SCRAM client's derived-key cache and JITs every path.
        for (var u = 0; u < Users; u += 50)
        {
            var warm = await RunOneAsync(negotiators, acceptors, u, new FaultPlan(new Random(u), new FaultCounters(), 0), cancelAfterMs: null);
            Assert.True(warm.ClientUser == UserName(u), warm.Problem);
        }

        await Parallel.ForAsync(0, Users, async (u, ct) => _ = await RunOneAsync(negotiators, acceptors, u, new FaultPlan(new Random(u), new FaultCounters(), 0), null));
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var tasks = new Task<Outcome>[count];
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + i);
            int? cancelAfter = random.NextDouble() < CancelRate ? random.Next(0, 20) : null;
            if (cancelAfter is not null)
            {
                faults.Cancel();
            }

            var plan = new FaultPlan(random, faults, FaultRate);
            var user = i % Users;
            tasks[i] = Task.Run(() => RunOneAsync(negotiators, acceptors, user, plan, cancelAfter));
        }

        // A guard far above every handshake's own deadline: a handshake still running then is a hang.
        var all = Task.WhenAll(tasks);
        var finished = await Task.WhenAny(all, Task.Delay(HandshakeTimeout * 3));
        Assert.True(ReferenceEquals(finished, all), $"{tasks.Count(t => !t.IsCompleted)} handshakes still running after {HandshakeTimeout.TotalSeconds * 3:0} s");
        var outcomes = await all;

        var problems = outcomes.Where(o => o.Problem is not null).Select(o => o.Problem).Take(10).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var succeeded = outcomes.Count(o => o.ClientUser is not null);
        var typed = outcomes.Where(o => o.ClientError is not null).GroupBy(o => o.ClientError!.Value).ToDictionary(g => g.Key, g => g.Count());
        var cancelled = outcomes.Count(o => o.Cancelled);

        Assert.Equal(clientCounter.Started, clientCounter.Disposed);
        Assert.Equal(serverCounter.Started, serverCounter.Disposed);
        Assert.True(succeeded > count / 2, $"only {succeeded} of {count} succeeded");

        outcomes = [];
        tasks = [];
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var report = string.Create(CultureInfo.InvariantCulture, $"soak: {count} handshakes, seed {seed}: {succeeded} succeeded, {cancelled} cancelled, typed failures {string.Join(", ", typed.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; faults injected: {faults}; exchanges client {clientCounter.Started}/{clientCounter.Disposed} server {serverCounter.Started}/{serverCounter.Disposed} (started/disposed); memory baseline {baseline / 1024} KiB, after {after / 1024} KiB");
        output.WriteLine(report);
        Console.WriteLine(report);
        Assert.True(after - baseline < 32L * 1024 * 1024, report);
    }

    private static async Task<Outcome> RunOneAsync(IAuthNegotiatorFactory negotiators, IAuthAcceptorFactory acceptors, int user, FaultPlan plan, int? cancelAfterMs)
    {
        var name = UserName(user);
        using var cts = new CancellationTokenSource();
        if (cancelAfterMs is { } ms)
        {
            cts.CancelAfter(ms);
        }

        using var credentials = AuthCredentials.FromPasswords(name, Password(user));
        using var negotiator = negotiators.Create(credentials);
        using var acceptor = acceptors.Create();
        using var connection = InMemoryAuthConnection.Create();
        var clientTransport = new FaultyClientTransport(connection.Client, plan);
        var serverTransport = new FaultyServerTransport(connection.Server, plan);

        var server = Task.Run(async () =>
        {
            try
            {
                return (Result: await acceptor.RunAsync(serverTransport, name, cts.Token), Error: (Exception?)null);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HandshakeException)
            {
                return (Result: (AuthResult?)null, Error: ex);
            }
            finally
            {
                connection.CloseServer();
            }
        });

        string? clientUser = null;
        AuthErrorCode? clientError = null;
        string? problem = null;
        var cancelled = false;
        try
        {
            var result = await negotiator.RunAsync(clientTransport, cts.Token);
            clientUser = result.UserName;
            if (clientUser != name)
            {
                problem = $"cross-talk: handshake for {name} returned {clientUser}";
            }
        }
        catch (HandshakeException ex)
        {
            clientError = ex.Code;
            if (ex.Code is AuthErrorCode.Unspecified or AuthErrorCode.PluginFailure)
            {
                problem = $"{name}: untyped client failure {ex.Code}: {ex.Message}";
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            cancelled = true;
        }
#pragma warning disable CA1031 // Anything else is the finding being looked for.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            problem = $"{name}: client threw {ex}";
        }
        finally
        {
            connection.CloseClient();
        }

        var (serverResult, serverError) = await server;
        if (serverResult is not null && serverResult.UserName != name)
        {
            problem ??= $"cross-talk: server for {name} accepted {serverResult.UserName}";
        }

        if (serverError is OperationCanceledException && !cts.IsCancellationRequested)
        {
            problem ??= $"{name}: server cancelled without a cancellation: {serverError}";
        }

        if (serverResult is null && serverError is null && acceptor.FailureReason is AuthErrorCode.PluginFailure)
        {
            problem ??= $"{name}: untyped server failure {acceptor.FailureReason}: {acceptor.FailureDetail}";
        }

        return new Outcome(clientUser, clientError, cancelled, problem);
    }

    private static ServiceProvider Services(ExchangeCounter clientCounter, ExchangeCounter serverCounter)
    {
        // The real plugins and verifiers come from one container and are registered, wrapped in counters, in another.
        var real = new ServiceCollection();
        _ = real.AddHandshake().AddNativePassword().AddNativePasswordVerifier().AddScram(o => o.UseDerivedKeyCache = true).AddScramVerifier();
        var realSp = real.BuildServiceProvider();
        var native = realSp.GetServices<IAuthPlugin>().Single(p => p.Name == NativePasswordPluginNames.MySqlNativePassword);
        var scram = realSp.GetServices<IAuthPlugin>().Single(p => p.Name == "SCRAM-SHA-256");
        var nativeVerifier = realSp.GetServices<IAuthVerifier>().Single(v => v.Name == NativePasswordPluginNames.MySqlNativePassword);
        var scramVerifier = realSp.GetServices<IAuthVerifier>().Single(v => v.Name == "SCRAM-SHA-256");

        var salt = new byte[16];
        var services = new ServiceCollection();
        _ = services.AddSingleton(realSp);
        _ = services.AddHandshake(o =>
            {
                o.RoundTimeout = RoundTimeout;
                o.HandshakeTimeout = HandshakeTimeout;
            })
            .AddPlugin(new CountingPlugin(native, clientCounter))
            .AddPlugin(new CountingPlugin(scram, clientCounter))
            .AddVerifier(new CountingVerifier(nativeVerifier, serverCounter))
            .AddVerifier(new CountingVerifier(scramVerifier, serverCounter))
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword;
                o.RoundTimeout = RoundTimeout;
                o.HandshakeTimeout = HandshakeTimeout;
            })
            .AddInMemoryCredentialStore(store =>
            {
                for (var u = 0; u < Users; u++)
                {
                    var stored = IsScram(u)
                        ? ScramCredential.Create(Password(u), salt, 4096).ToStoredCredential()
                        : NativePasswordCredential.FromPassword(Password(u)).ToStoredCredential();
                    _ = store.AddUser(UserName(u), new AuthFactorPolicy(IsScram(u) ? "SCRAM-SHA-256" : NativePasswordPluginNames.MySqlNativePassword, stored));
                }
            });
        return services.BuildServiceProvider();
    }

    private static bool IsScram(int user) => user % 2 == 1;

    private static string UserName(int user) => "user" + user.ToString(CultureInfo.InvariantCulture);

    private static string Password(int user) => "pw-" + user.ToString(CultureInfo.InvariantCulture) + "-secret";

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed record Outcome(string? ClientUser, AuthErrorCode? ClientError, bool Cancelled, string? Problem);
}
