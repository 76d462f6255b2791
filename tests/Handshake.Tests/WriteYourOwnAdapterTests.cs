using System.Diagnostics.Metrics;
using System.Text;
using Handshake.Testing;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

/// <summary>
/// The worked example of docs/write-your-own-adapter.md (the "line-auth" protocol, both roles), compiled
/// here and run through the adapter conformance base every shipped adapter inherits, so the page cannot
/// drift from an adapter that keeps the rules.
/// </summary>
public sealed class WriteYourOwnAdapterTests : AdapterConformanceTests
{
    protected override IReadOnlyList<AdapterTlsMode> SupportedTlsModes => [AdapterTlsMode.None];

    protected override ServiceProvider CreateServices(IMeterFactory meterFactory, Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var services = new ServiceCollection().AddSingleton(meterFactory);
        services.AddHandshake()
            .AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = HmacChallengeHandshakeBuilderExtensions.DefaultName)
            .AddInMemoryCredentialStore(s => s.AddUser(UserName, new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Password))));
        configure(services);
        return services.BuildServiceProvider();
    }

    protected override async Task<bool> RunClientAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new LineAuthClientOptions { FirstMessageTimeout = scenario.FirstMessageTimeout, RoundTimeout = scenario.RoundTimeout, Timeout = scenario.Timeout, MaxMessageLength = scenario.MaxMessageLength };
        var result = await LineAuthClient.ConnectAsync(stream, options, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
        return result.Transport.IsEncrypted;
    }

    protected override async Task<AdapterServerOutcome> RunServerAsync(Stream stream, AdapterScenario scenario, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(services);
        var options = new LineAuthServerOptions { FirstMessageTimeout = scenario.FirstMessageTimeout, RoundTimeout = scenario.RoundTimeout, AuthenticationTimeout = scenario.Timeout, MaxMessageLength = scenario.MaxMessageLength, SessionHandler = scenario.SessionHandler };
        var result = await LineAuthServer.AcceptAsync(stream, options, services.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);
        return new AdapterServerOutcome(result.Authentication, result.FailureReason, result.Transport.IsEncrypted);
    }

    protected override byte[] OversizedClientMessage(int limit) => Encoding.ASCII.GetBytes("HELLO " + new string('a', limit + 16) + "\n");

    protected override byte[] OversizedServerMessage(int limit) => Encoding.ASCII.GetBytes("BEGIN " + new string('x', limit + 16) + "\n");
}

// --- docs: write-your-own-adapter.md ---

/// <summary>The client's options: everything shared comes from <see cref="AdapterClientOptions"/>.</summary>
public sealed class LineAuthClientOptions() : AdapterClientOptions(defaultMaxMessageLength: 4096);

/// <summary>The server's options: everything shared comes from <see cref="AdapterAcceptorOptions"/>.</summary>
public sealed class LineAuthServerOptions() : AdapterAcceptorOptions(defaultMaxMessageLength: 4096);

/// <summary>A client's result, with the members every adapter's result has.</summary>
public sealed record LineAuthClientResult(AuthResult Authentication, TransportSecurity Transport);

/// <summary>A server's result, with the members every adapter's result has.</summary>
public sealed record LineAuthServerResult(AuthResult? Authentication, AuthErrorCode FailureReason, TransportSecurity Transport);

/// <summary>
/// "line-auth": the client says <c>HELLO user</c>; the server answers <c>BEGIN plugin b64</c>, then
/// <c>MORE b64</c> per round and <c>OK b64</c> or <c>NO text</c>; the client answers <c>RESP plugin b64</c>.
/// </summary>
public static class LineAuthClient
{
    public static async Task<LineAuthClientResult> ConnectAsync(Stream stream, LineAuthClientOptions options, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(credentials);
        using var negotiator = factory.Create(credentials, TransportSecurity.None);
        var lines = new Lines(stream, options.MaxMessageLength);
        using var deadline = new HandshakeDeadline(options.Timeout, options.TimeProvider, "LineAuthClientOptions.Timeout");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await lines.WriteAsync("HELLO " + credentials.UserName, linked.Token).ConfigureAwait(false);

            // The whole-phase deadline goes to the engine apart from the caller's token: when it passes while a
            // plugin awaits, the failure is recorded and thrown as Timeout, not as a cancellation.
            var result = await negotiator.RunAsync(new ClientCodec(lines, options), deadline, cancellationToken).ConfigureAwait(false);
            return new LineAuthClientResult(result, TransportSecurity.None);
        }
        catch (HandshakeException ex)
        {
            // Whatever the adapter detected itself is counted like the engine's own failures (a no-op if the engine already did).
            negotiator.RecordTransportFailure(ex.Code, ex.Message);
            throw;
        }
    }

    /// <summary>The codec: server lines to events, the negotiator's messages to lines. No deadline loop, no driver: RunAsync is the driver.</summary>
    private sealed class ClientCodec(Lines lines, LineAuthClientOptions options) : IAuthTransport
    {
        private bool _first = true;

        public TransportSecurity Security => TransportSecurity.None;

        public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
        {
            var (limit, option) = _first ? (options.FirstMessageTimeout, "LineAuthClientOptions.FirstMessageTimeout") : (options.RoundTimeout, "LineAuthClientOptions.RoundTimeout");
            _first = false;
            var line = await AdapterDeadline.RunAsync(lines.ReadAsync, limit, options.TimeProvider, "The server's next line", option, cancellationToken).ConfigureAwait(false);
            var parts = line.Split(' ', 3);
            return parts[0] switch
            {
                "BEGIN" when parts.Length == 3 => AuthEvent.Begin(parts[1], Convert.FromBase64String(parts[2])),
                "MORE" when parts.Length == 2 => AuthEvent.Continue(Convert.FromBase64String(parts[1])),
                "OK" when parts.Length == 2 => AuthEvent.Succeeded(Convert.FromBase64String(parts[1])),
                "NO" => AuthEvent.Failed("NO", line.Length > 3 ? line[3..] : null),
                _ => throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server sent '{PeerText.Printable(line, 40)}'."),
            };
        }

        public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken) =>
            lines.WriteAsync($"RESP {message.PluginName} {Convert.ToBase64String(message.Data.Span)}", cancellationToken);
    }
}

/// <summary>The server side of "line-auth".</summary>
public static class LineAuthServer
{
    public static async Task<LineAuthServerResult> AcceptAsync(Stream stream, LineAuthServerOptions options, IAuthAcceptorFactory factory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        using var acceptor = factory.Create(TransportSecurity.None, AcceptorStartMode.Begin);
        var lines = new Lines(stream, options.MaxMessageLength);
        using var deadline = new HandshakeDeadline(options.AuthenticationTimeout, options.TimeProvider, "LineAuthServerOptions.AuthenticationTimeout");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // The first-message deadline: a client that connects and says nothing is dropped here.
            var hello = await AdapterDeadline.RunAsync(lines.ReadAsync, options.FirstMessageTimeout, options.TimeProvider, "The client's HELLO", "LineAuthServerOptions.FirstMessageTimeout", linked.Token).ConfigureAwait(false);
            if (!hello.StartsWith("HELLO ", StringComparison.Ordinal))
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client did not start with HELLO.");
            }

            var result = await acceptor.RunAsync(new ServerCodec(lines), hello[6..], deadline, cancellationToken).ConfigureAwait(false);
            if (result is not null && options.SessionHandler is { } handler)
            {
                // The OK went out and Lines reads byte by byte, so the stream is positioned right after it.
                await handler(new AdapterSession(stream, result, TransportSecurity.None, options), cancellationToken).ConfigureAwait(false);
            }

            return new LineAuthServerResult(result, acceptor.FailureReason, TransportSecurity.None);
        }
        catch (HandshakeException ex)
        {
            acceptor.RecordTransportFailure(ex.Code, ex.Message);
            return new LineAuthServerResult(null, acceptor.FailureReason, TransportSecurity.None);
        }
        catch (OperationCanceledException) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
        {
            acceptor.RecordTransportFailure(AuthErrorCode.Timeout, deadline.Describe("The client's authentication"));
            return new LineAuthServerResult(null, acceptor.FailureReason, TransportSecurity.None);
        }
    }

    private sealed class ServerCodec(Lines lines) : IAcceptorTransport
    {
        public TransportSecurity Security => TransportSecurity.None;

        public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
        {
            var parts = (await lines.ReadAsync(cancellationToken).ConfigureAwait(false)).Split(' ');
            return parts is ["RESP", var plugin, var data]
                ? new AuthClientMessage(plugin, Convert.FromBase64String(data))
                : throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client sent something other than RESP.");
        }

        public ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken) => authEvent.Kind switch
        {
            AuthEventKind.Begin => lines.WriteAsync($"BEGIN {authEvent.PluginName} {Convert.ToBase64String(authEvent.Data.Span)}", cancellationToken),
            AuthEventKind.Continue => lines.WriteAsync("MORE " + Convert.ToBase64String(authEvent.Data.Span), cancellationToken),
            AuthEventKind.Succeeded => lines.WriteAsync("OK " + Convert.ToBase64String(authEvent.Data.Span), cancellationToken),
            AuthEventKind.Failed => lines.WriteAsync("NO " + authEvent.Message, cancellationToken),
            _ => throw new HandshakeException(AuthErrorCode.PolicyViolation, $"line-auth cannot carry a {authEvent.Kind} step."),
        };
    }
}

/// <summary>Framing: newline-terminated lines, never longer than the limit (a longer one is a protocol violation, not a growing buffer).</summary>
internal sealed class Lines(Stream stream, int maxLength)
{
    private readonly byte[] _one = new byte[1];

    public async ValueTask<string> ReadAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (await stream.ReadAsync(_one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new HandshakeException(AuthErrorCode.TransportFailure, "The peer closed the connection.");
            }

            if (_one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]);
            }

            if (line.Count == maxLength)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The peer sent a line longer than {maxLength} bytes.");
            }

            line.Add(_one[0]);
        }
    }

    public async ValueTask WriteAsync(string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

// --- end ---
