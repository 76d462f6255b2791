using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Testing.Conformance.Adapters.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Testing.Conformance.Adapters;

/// <summary>
/// The rules every protocol adapter keeps, in both roles, whatever its protocol: a silent peer is dropped
/// by the first-message deadline; an oversized message is a typed protocol violation, not an allocation;
/// a login succeeds in every TLS mode the adapter supports and reports the transport it ran on; a wrong
/// password is the server's typed rejection on the client, an InvalidCredential on the server, and a
/// counted failure; an unknown user fails exactly like a wrong password. An adapter's test project derives
/// one class from this per protocol and supplies the two entry points; the peers meet on 127.0.0.1.
/// </summary>
public abstract class AdapterConformanceTests
{
    /// <summary>The user the server knows.</summary>
    protected const string UserName = "conformance-user";

    /// <summary>That user's password.</summary>
    protected const string Password = "conformance-secret";

    /// <summary>Gets how much later than its deadline a silent peer may be dropped (a shared 2-core machine is slow).</summary>
    protected virtual TimeSpan Slack => TimeSpan.FromSeconds(3);

    /// <summary>Gets the TLS modes the adapter supports.</summary>
    protected abstract IReadOnlyList<AdapterTlsMode> SupportedTlsModes { get; }

    /// <summary>
    /// Builds the services both roles use: client plugins, verifiers, the acceptor and a store holding
    /// <see cref="UserName"/> with <see cref="Password"/>. The meter factory given must be registered so
    /// the failure-accounting test can tell this run's measurements apart.
    /// </summary>
    /// <param name="meterFactory">The meter factory to register.</param>
    /// <param name="configure">Runs on the service collection last, before it is built: the deadline rules wrap the registered plugins or verifiers with ones that never answer.</param>
    /// <returns>The services.</returns>
    protected abstract ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure);

    /// <summary>Builds the services both roles use, unchanged.</summary>
    /// <param name="meterFactory">The meter factory to register.</param>
    /// <returns>The services.</returns>
    protected ServiceProvider CreateServices(IMeterFactory meterFactory) => CreateServices(meterFactory, static _ => { });

    /// <summary>Runs the adapter's client on a connected stream; returns whether it ran over TLS, or throws <see cref="HandshakeException"/>.</summary>
    protected abstract Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken);

    /// <summary>Runs the adapter's server session on an accepted stream until it ends.</summary>
    protected abstract Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>
    /// Builds services in which the client's only mechanism sends the password in the clear (PLAIN,
    /// mysql_clear_password) and the server offers it to <see cref="UserName"/>; null when the protocol has
    /// no such mechanism (the cleartext-gate rule is then skipped).
    /// </summary>
    /// <param name="meterFactory">The meter factory to register.</param>
    /// <returns>The services, or null.</returns>
    protected virtual ServiceProvider? CreateCleartextServices(IMeterFactory meterFactory) => null;

    /// <summary>Gets bytes a client could send first that exceed <paramref name="limit"/> in one message (e.g. a line without end).</summary>
    protected abstract byte[] OversizedClientMessage(int limit);

    /// <summary>Gets bytes a server could send first that exceed <paramref name="limit"/> in one message.</summary>
    protected abstract byte[] OversizedServerMessage(int limit);

    /// <summary>Gets the certificate the conformance server presents.</summary>
    protected static X509Certificate2 Certificate => ConformanceServerCertificate.Instance;

    /// <summary>Gets every TLS mode, as theory data.</summary>
    /// <returns>The theory data.</returns>
    public static TheoryData<AdapterTlsMode> AllTlsModes() => [AdapterTlsMode.None, AdapterTlsMode.Upgrade, AdapterTlsMode.Implicit];

    /// <summary>Conformance rule: <c>Server</c>: silent client  is dropped by the first message deadline.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_SilentClient_IsDroppedByTheFirstMessageDeadline()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, FirstMessageTimeout = TimeSpan.FromMilliseconds(500) };
        using var pair = await SocketPair.CreateAsync();
        var watch = Stopwatch.StartNew();
        var outcome = await RunServerAsync(pair.Server, scenario, services, TestTimeout());

        Assert.Null(outcome.Authentication);
        Assert.Equal(AuthErrorCode.Timeout, outcome.FailureReason);
        Assert.InRange(watch.Elapsed, scenario.FirstMessageTimeout - TimeSpan.FromMilliseconds(50), scenario.FirstMessageTimeout + Slack);
    }

    /// <summary>Conformance rule: <c>Server</c>: silent client under implicit tls  is dropped by the first message deadline.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_SilentClientUnderImplicitTls_IsDroppedByTheFirstMessageDeadline()
    {
        if (!SupportedTlsModes.Contains(AdapterTlsMode.Implicit))
        {
            return;
        }

        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, Tls = AdapterTlsMode.Implicit, FirstMessageTimeout = TimeSpan.FromMilliseconds(500) };
        using var pair = await SocketPair.CreateAsync();
        var watch = Stopwatch.StartNew();
        var outcome = await RunServerAsync(pair.Server, scenario, services, TestTimeout());

        Assert.Null(outcome.Authentication);
        Assert.Equal(AuthErrorCode.Timeout, outcome.FailureReason);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, scenario.FirstMessageTimeout + Slack);
    }

    /// <summary>Conformance rule: <c>Client</c>: silent server  fails with timeout by the first message deadline.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Client_SilentServer_FailsWithTimeoutByTheFirstMessageDeadline()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, FirstMessageTimeout = TimeSpan.FromMilliseconds(500) };
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout()));

        Assert.Equal(AuthErrorCode.Timeout, error.Code);
        Assert.InRange(watch.Elapsed, scenario.FirstMessageTimeout - TimeSpan.FromMilliseconds(50), scenario.FirstMessageTimeout + Slack);
    }

    /// <summary>Conformance rule: <c>Server</c>: oversized client message  ends with protocol violation.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_OversizedClientMessage_EndsWithProtocolViolation()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, MaxMessageLength = 1024 };
        using var pair = await SocketPair.CreateAsync();
        var server = RunServerAsync(pair.Server, scenario, services, TestTimeout());
        var drain = DrainAsync(pair.Client);
        await pair.Client.WriteAsync(OversizedClientMessage(scenario.MaxMessageLength));
        var outcome = await server;

        Assert.Null(outcome.Authentication);
        Assert.Equal(AuthErrorCode.ProtocolViolation, outcome.FailureReason);
        pair.Client.Close();
        await drain;
    }

    /// <summary>Conformance rule: <c>Client</c>: oversized server message  fails with protocol violation.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Client_OversizedServerMessage_FailsWithProtocolViolation()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, MaxMessageLength = 1024 };
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        var drain = DrainAsync(pair.Server);
        await pair.Server.WriteAsync(OversizedServerMessage(64 * 1024));
        var error = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout()));

        Assert.Equal(AuthErrorCode.ProtocolViolation, error.Code);
        pair.Server.Close();
        await drain;
    }

    /// <summary>Conformance rule: <c>Login</c>: each supported tls mode  succeeds and reports the transport.</summary>
    /// <param name="tls">The TLS mode.</param>
    /// <returns>A task.</returns>
    [Theory]
    [MemberData(nameof(AllTlsModes))]
    public async Task Login_EachSupportedTlsMode_SucceedsAndReportsTheTransport(AdapterTlsMode tls)
    {
        if (!SupportedTlsModes.Contains(tls))
        {
            return;
        }

        var (client, server) = await LoginAsync(tls, Password);

        Assert.True(client.Encrypted == (tls != AdapterTlsMode.None), $"client reported encrypted={client.Encrypted} under {tls}");
        Assert.Null(client.Error);
        Assert.NotNull(server.Authentication);
        Assert.Equal(UserName, server.Authentication.UserName);
        Assert.Equal(tls != AdapterTlsMode.None, server.IsEncrypted);
    }

    /// <summary>Conformance rule: <c>Login</c>: wrong password  is rejected typed on both sides and counted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Login_WrongPassword_IsRejectedTypedOnBothSidesAndCounted()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);

        var (client, server) = await LoginAsync(SupportedTlsModes.Contains(AdapterTlsMode.Upgrade) ? AdapterTlsMode.Upgrade : SupportedTlsModes[0], "conformance-wrong", meters);

        Assert.Equal(AuthErrorCode.ServerRejected, client.Error?.Code);
        Assert.Null(server.Authentication);
        Assert.Equal(AuthErrorCode.InvalidCredential, server.FailureReason);
        Assert.Contains(failures, f => f is { Role: "server", Code: nameof(AuthErrorCode.InvalidCredential) });
        Assert.Contains(failures, f => f is { Role: "client", Code: nameof(AuthErrorCode.ServerRejected) });
        Assert.DoesNotContain("conformance-wrong", client.Error!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Conformance rule: <c>Server</c>: failures the adapter itself detects (a silent client, an oversized message) are counted with <c>error.type</c>, as the engine's own are.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_AdapterDetectedFailures_AreCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = CreateServices(meters);
        using (var silent = await SocketPair.CreateAsync())
        {
            var outcome = await RunServerAsync(silent.Server, new AdapterScenario { Certificate = Certificate, FirstMessageTimeout = TimeSpan.FromMilliseconds(300) }, services, TestTimeout());
            Assert.Equal(AuthErrorCode.Timeout, outcome.FailureReason);
        }

        using (var oversized = await SocketPair.CreateAsync())
        {
            var scenario = new AdapterScenario { Certificate = Certificate, MaxMessageLength = 1024 };
            var server = RunServerAsync(oversized.Server, scenario, services, TestTimeout());
            var drain = DrainAsync(oversized.Client);
            await oversized.Client.WriteAsync(OversizedClientMessage(scenario.MaxMessageLength));
            Assert.Equal(AuthErrorCode.ProtocolViolation, (await server).FailureReason);
            oversized.Client.Close();
            await drain;
        }

        Assert.Contains(failures, f => f is { Role: "server", Code: nameof(AuthErrorCode.Timeout) });
        Assert.Contains(failures, f => f is { Role: "server", Code: nameof(AuthErrorCode.ProtocolViolation) });
    }

    /// <summary>Conformance rule: <c>Client</c>: failures the adapter itself detects (a silent server, an oversized message) are counted with <c>error.type</c>, as the engine's own are.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Client_AdapterDetectedFailures_AreCountedWithErrorType()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = CreateServices(meters);
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        using (var silent = await SocketPair.CreateAsync())
        {
            var error = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(silent.Client, new AdapterScenario { Certificate = Certificate, FirstMessageTimeout = TimeSpan.FromMilliseconds(300) }, services, credentials, TestTimeout()));
            Assert.Equal(AuthErrorCode.Timeout, error.Code);
        }

        using (var oversized = await SocketPair.CreateAsync())
        {
            var drain = DrainAsync(oversized.Server);
            await oversized.Server.WriteAsync(OversizedServerMessage(64 * 1024));
            var error = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(oversized.Client, new AdapterScenario { Certificate = Certificate, MaxMessageLength = 1024 }, services, credentials, TestTimeout()));
            Assert.Equal(AuthErrorCode.ProtocolViolation, error.Code);
            oversized.Server.Close();
            await drain;
        }

        Assert.Contains(failures, f => f is { Role: "client", Code: nameof(AuthErrorCode.Timeout) });
        Assert.Contains(failures, f => f is { Role: "client", Code: nameof(AuthErrorCode.ProtocolViolation) });
    }

    /// <summary>Conformance rule: <c>Tls</c>: verify-full with a certificate the client does not trust  fails with policy violation, counted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Tls_VerifyFullWithUntrustedCertificate_FailsWithPolicyViolation()
    {
        if (TlsModeOtherThanNone() is not { } tls)
        {
            return;
        }

        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        var (client, server) = await ScenarioLoginAsync(new AdapterScenario { Certificate = Certificate, Tls = tls, ClientTlsMode = ClientTlsMode.VerifyFull, TrustServerCertificate = false }, Password, meters);

        Assert.Equal(AuthErrorCode.PolicyViolation, client.Error?.Code);
        Assert.Null(server.Authentication);
        Assert.Contains(failures, f => f is { Role: "client", Code: nameof(AuthErrorCode.PolicyViolation) });
    }

    /// <summary>Conformance rule: <c>Tls</c>: require with an untrusted certificate  still logs in over TLS with a mechanism that sends no password (the certificate is not checked, so the transport is not verified).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Tls_RequireWithUntrustedCertificate_StillLogsInOverTls()
    {
        if (TlsModeOtherThanNone() is not { } tls)
        {
            return;
        }

        var (client, server) = await ScenarioLoginAsync(new AdapterScenario { Certificate = Certificate, Tls = tls, ClientTlsMode = ClientTlsMode.Require, TrustServerCertificate = false }, Password, meters: null);

        Assert.Null(client.Error);
        Assert.True(client.Encrypted);
        Assert.NotNull(server.Authentication);
        Assert.True(server.IsEncrypted);
    }

    /// <summary>Conformance rule: <c>Tls</c>: require with an untrusted certificate  leaves the cleartext gate closed: a password-sending mechanism is refused before it sends.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Tls_RequireWithUntrustedCertificate_CleartextGateRefusesThePassword()
    {
        using var meters = new ScopedMeterFactory();
        if (TlsModeOtherThanNone() is not { } tls || CreateCleartextServices(meters) is not { } services)
        {
            return;
        }

        await using (services)
        {
            var scenario = new AdapterScenario { Certificate = Certificate, Tls = tls, ClientTlsMode = ClientTlsMode.Require, TrustServerCertificate = false };
            var (client, server) = await ScenarioLoginAsync(scenario, Password, services, UserName);

            Assert.Equal(AuthErrorCode.PolicyViolation, client.Error?.Code);
            Assert.Null(server.Authentication);
            Assert.DoesNotContain(Password, client.Error!.ToString(), StringComparison.Ordinal);
        }

        // The same mechanism over a verified transport is let through: the refusal above was the gate's.
        await using var verified = CreateCleartextServices(meters)!;
        var (verifiedClient, verifiedServer) = await ScenarioLoginAsync(new AdapterScenario { Certificate = Certificate, Tls = tls }, Password, verified, UserName);
        Assert.Null(verifiedClient.Error);
        Assert.NotNull(verifiedServer.Authentication);
    }

    /// <summary>
    /// Conformance rule: <c>Client</c>: the whole-phase deadline passing while a plugin awaits ends the login as
    /// <see cref="AuthErrorCode.Timeout"/>, in the typed error and in <c>handshake.authentications</c> (never as <c>_OTHER</c>).
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Client_DeadlinePassesWhilePluginAwaits_FailsWithTimeoutAndCountsIt()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = CreateServices(meters, s => ServiceDecoration.Decorate<IAuthPlugin>(s, p => new StallingPlugin(p)));
        var scenario = new AdapterScenario { Certificate = Certificate, Timeout = TimeSpan.FromMilliseconds(800) };
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        var server = RunServerAsync(pair.Server, new AdapterScenario { Certificate = Certificate }, services, TestTimeout());
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout()));
        var elapsed = watch.Elapsed;
        pair.Client.Close();
        await server;

        Assert.Equal(AuthErrorCode.Timeout, error.Code);
        Assert.InRange(elapsed, scenario.Timeout - TimeSpan.FromMilliseconds(50), scenario.Timeout + Slack);
        Assert.Contains(failures, f => f is { Role: "client", Code: nameof(AuthErrorCode.Timeout) });
        Assert.DoesNotContain(failures, f => f.Role == "client" && f.Code != nameof(AuthErrorCode.Timeout));
    }

    /// <summary>
    /// Conformance rule: <c>Server</c>: the whole-phase deadline passing while a verifier awaits ends the session as
    /// <see cref="AuthErrorCode.Timeout"/>, in the outcome and in <c>handshake.authentications</c> (never as <c>_OTHER</c>).
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_DeadlinePassesWhileVerifierAwaits_EndsWithTimeoutAndCountsIt()
    {
        using var meters = new ScopedMeterFactory();
        using var failures = new FailureRecorder(meters);
        await using var services = CreateServices(meters, s => ServiceDecoration.Decorate<IAuthVerifier>(s, v => new StallingVerifier(v)));
        var scenario = new AdapterScenario { Certificate = Certificate, Timeout = TimeSpan.FromMilliseconds(800) };
        using var pair = await SocketPair.CreateAsync();
        var watch = Stopwatch.StartNew();
        var server = RunServerAsync(pair.Server, scenario, services, TestTimeout());
        var client = CaptureClientAsync(pair.Client, new AdapterScenario { Certificate = Certificate }, services);
        var outcome = await server;
        var elapsed = watch.Elapsed;
        pair.Server.Close();
        await client;

        Assert.Null(outcome.Authentication);
        Assert.Equal(AuthErrorCode.Timeout, outcome.FailureReason);
        Assert.InRange(elapsed, scenario.Timeout - TimeSpan.FromMilliseconds(50), scenario.Timeout + Slack);
        Assert.Contains(failures, f => f is { Role: "server", Code: nameof(AuthErrorCode.Timeout) });
        Assert.DoesNotContain(failures, f => f.Role == "server" && f.Code != nameof(AuthErrorCode.Timeout));
    }

    /// <summary>
    /// Conformance rule: <c>Server</c>: an authenticated client that goes silent is dropped by the idle deadline;
    /// its login stands.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_SilentAfterLogin_IsDroppedByTheIdleDeadline()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var scenario = new AdapterScenario { Certificate = Certificate, IdleTimeout = TimeSpan.FromMilliseconds(700) };
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        var server = RunServerAsync(pair.Server, scenario, services, TestTimeout());
        _ = await RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout());

        // Logged in; the client now says nothing and keeps its connection open.
        var watch = Stopwatch.StartNew();
        var outcome = await server.WaitAsync(scenario.IdleTimeout + Slack + Slack);
        var elapsed = watch.Elapsed;

        Assert.NotNull(outcome.Authentication);
        Assert.InRange(elapsed, TimeSpan.Zero, scenario.IdleTimeout + Slack);
    }

    /// <summary>
    /// Conformance rule: <c>Server</c>: a session handler runs after the login in every adapter alike, on the
    /// stream positioned right after the adapter's "login done" message (the first bytes the client sends next
    /// are the handler's), with the login's user and transport; the result is returned when it completes.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Server_SessionHandler_GetsTheStreamPositionedAfterTheLogin()
    {
        using var meters = new ScopedMeterFactory();
        await using var services = CreateServices(meters);
        var marker = "after-login-marker"u8.ToArray();
        var received = new TaskCompletionSource<(string User, bool Encrypted, byte[] Bytes)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scenario = new AdapterScenario
        {
            Certificate = Certificate,
            SessionHandler = async (session, ct) =>
            {
                var buffer = new byte[marker.Length];
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(TimeSpan.FromSeconds(10));
                await session.Stream.ReadExactlyAsync(buffer, limit.Token);
                received.TrySetResult((session.UserName, session.Transport.IsEncrypted, buffer));
            },
        };
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        var server = RunServerAsync(pair.Server, scenario, services, TestTimeout());
        _ = await RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout());
        await pair.Client.WriteAsync(marker);
        var outcome = await server.WaitAsync(TimeSpan.FromSeconds(20));
        pair.Client.Close();

        Assert.NotNull(outcome.Authentication);
        Assert.True(received.Task.IsCompletedSuccessfully, "the session handler did not receive the client's first bytes after the login");
        var (user, encrypted, bytes) = await received.Task;
        Assert.Equal(UserName, user);
        Assert.False(encrypted);
        Assert.Equal(marker, bytes);
    }

    /// <summary>Conformance rule: <c>Login</c>: unknown user  fails exactly like a wrong password.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Login_UnknownUser_FailsExactlyLikeAWrongPassword()
    {
        var tls = SupportedTlsModes.Contains(AdapterTlsMode.Upgrade) ? AdapterTlsMode.Upgrade : SupportedTlsModes[0];
        var (wrongClient, wrongServer) = await LoginAsync(tls, "conformance-wrong");
        var (unknownClient, unknownServer) = await LoginAsync(tls, Password, userName: "no-such-user");

        Assert.Equal(wrongClient.Error?.Code, unknownClient.Error?.Code);
        Assert.Equal(wrongClient.Error?.ServerErrorCode, unknownClient.Error?.ServerErrorCode);
        Assert.Equal(wrongServer.FailureReason, unknownServer.FailureReason);
    }

    /// <summary>Runs both roles of one login on 127.0.0.1.</summary>
    /// <param name="tls">The TLS arrangement.</param>
    /// <param name="password">The password the client uses.</param>
    /// <param name="meters">The meter factory, when the caller counts measurements.</param>
    /// <param name="userName">The user the client names.</param>
    /// <returns>What each side saw.</returns>
    protected Task<((bool Encrypted, HandshakeException? Error) Client, AdapterServerOutcome Server)> LoginAsync(AdapterTlsMode tls, string password, ScopedMeterFactory? meters = null, string userName = UserName) =>
        ScenarioLoginAsync(new AdapterScenario { Certificate = Certificate, Tls = tls }, password, meters, userName, CreateServices);

    /// <summary>Runs both roles of one login on 127.0.0.1 under <paramref name="scenario"/>, as <see cref="UserName"/>, with <see cref="CreateServices(IMeterFactory)"/>.</summary>
    /// <param name="scenario">TLS, trust, limits and deadlines.</param>
    /// <param name="password">The password the client uses.</param>
    /// <param name="meters">The meter factory, when the caller counts measurements; null for a fresh one.</param>
    /// <returns>What each side saw.</returns>
    protected Task<((bool Encrypted, HandshakeException? Error) Client, AdapterServerOutcome Server)> ScenarioLoginAsync(AdapterScenario scenario, string password, ScopedMeterFactory? meters) =>
        ScenarioLoginAsync(scenario, password, meters, UserName, CreateServices);

    /// <summary>Runs both roles of one login on 127.0.0.1 under <paramref name="scenario"/>, with the services given.</summary>
    /// <param name="scenario">TLS, trust, limits and deadlines.</param>
    /// <param name="password">The password the client uses.</param>
    /// <param name="services">Both roles' services.</param>
    /// <param name="userName">The user the client names.</param>
    /// <returns>What each side saw.</returns>
    protected async Task<((bool Encrypted, HandshakeException? Error) Client, AdapterServerOutcome Server)> ScenarioLoginAsync(AdapterScenario scenario, string password, IServiceProvider services, string userName)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var pair = await SocketPair.CreateAsync();
        using var credentials = AuthCredentials.FromPasswords(userName, password);
        var server = RunServerAsync(pair.Server, scenario, services, TestTimeout());
        (bool, HandshakeException?) client;
        try
        {
            client = (await RunClientAsync(pair.Client, scenario, services, credentials, TestTimeout()), null);
        }
        catch (HandshakeException ex)
        {
            client = (false, ex);
        }

        // The client is done: closing its side ends the server's session (an authenticated one is only a courtesy).
        pair.Client.Close();
        return (client, await server);
    }

    private async Task<((bool Encrypted, HandshakeException? Error) Client, AdapterServerOutcome Server)> ScenarioLoginAsync(AdapterScenario scenario, string password, ScopedMeterFactory? meters, string userName, Func<IMeterFactory, ServiceProvider> create)
    {
        using var own = meters is null ? new ScopedMeterFactory() : null;
        await using var services = create(meters ?? own!);
        return await ScenarioLoginAsync(scenario, password, services, userName);
    }

    private AdapterTlsMode? TlsModeOtherThanNone() =>
        SupportedTlsModes.Contains(AdapterTlsMode.Upgrade) ? AdapterTlsMode.Upgrade
        : SupportedTlsModes.Contains(AdapterTlsMode.Implicit) ? AdapterTlsMode.Implicit
        : null;

    private async Task CaptureClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services)
    {
        using var credentials = AuthCredentials.FromPasswords(UserName, Password);
        try
        {
            _ = await RunClientAsync(stream, scenario, services, credentials, TestTimeout());
        }
        catch (HandshakeException)
        {
            // The server gave up on this client: how the client learns it differs by protocol.
        }
    }

    private static CancellationToken TestTimeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away: that is how a drain ends.
        }
    }

    /// <summary>Two ends of one loopback TCP connection.</summary>
    protected sealed class SocketPair : IDisposable
    {
        private readonly TcpClient _client;
        private readonly TcpClient _server;

        private SocketPair(TcpClient client, TcpClient server)
        {
            _client = client;
            _server = server;
            Client = client.GetStream();
            Server = server.GetStream();
        }

        /// <summary>Gets the client's end.</summary>
        public NetworkStream Client { get; }

        /// <summary>Gets the server's end.</summary>
        public NetworkStream Server { get; }

        /// <summary>Connects a client to a listener on 127.0.0.1 and returns both ends.</summary>
        /// <returns>The pair.</returns>
        public static async Task<SocketPair> CreateAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            try
            {
                var accept = listener.AcceptTcpClientAsync();
                await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
                return new SocketPair(client, await accept);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _client.Dispose();
            _server.Dispose();
        }
    }
}
