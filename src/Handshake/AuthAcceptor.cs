using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Handshake.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handshake;

/// <summary>
/// The server side of one handshake: opens with a plugin (or an offer), switches the client to the
/// user's method, runs verifier exchanges, and asks for factors 2 and 3 by the user's policy.
/// Any failure (an unknown user included) ends with the same <see cref="AuthEventKind.Failed"/>
/// event, so a client cannot tell a wrong proof from a missing user.
/// </summary>
/// <remarks>Not thread-safe: one handshake, one caller at a time. Create one per connection from <see cref="IAuthAcceptorFactory"/>.</remarks>
public sealed class AuthAcceptor : IDisposable
{
    private const string Role = "server";

    // A bound on a user name a mechanism names (SCRAM n=, PLAIN authcid): RFC 4616 §2 allows 255 octets.
    private const int MaxUserNameLength = 255;

    private readonly AuthVerifierRegistry _registry;
    private readonly AcceptorOptions _options;
    private readonly ICredentialStore _store;
    private TransportSecurity _transport;
    private readonly AcceptorStartMode _mode;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly IServiceProvider? _services;
    private IKeyDerivationLimiter? _keyDerivation;
    private readonly IReadOnlyDictionary<string, object?>? _properties;
    private readonly ILogger _logger;
    private readonly HandshakeTelemetry _telemetry;
    private readonly CredentialSource _source;
    private readonly List<AuthFactorOutcome> _passed = new(AuthCredentials.MaxFactors);
    private readonly List<string> _factorPlugins = new(2);

    private IVerifierExchange? _exchange;
    private PassThroughCredential? _passThrough;
    private IAuthVerifier? _verifier;
    private IReadOnlyList<string> _expectedMechanisms = [];
    private bool _expectFirstMessage = true;
    private bool _awaitingChoice;
    private bool _alternative;
    private bool _userFromVerifier;
    private int _factorRounds;
    private long _startTimestamp;
    private Activity? _activity;
    private HandshakeDeadline? _deadline;
    private volatile bool _disposed;
    private int _busy;

    internal AuthAcceptor(
        AuthVerifierRegistry registry,
        AcceptorOptions options,
        ICredentialStore store,
        TransportSecurity transport,
        AcceptorStartMode mode,
        TimeProvider time,
        IRandomSource random,
        IServiceProvider? services,
        ILogger logger,
        HandshakeTelemetry telemetry,
        IReadOnlyDictionary<string, object?>? properties)
    {
        _registry = registry;
        _options = options;
        _store = store;
        _transport = transport;
        _mode = mode;
        _time = time;
        _random = random;
        _services = services;
        _logger = logger;
        _telemetry = telemetry;
        _properties = properties;
        _source = new CredentialSource(this);
    }

    /// <summary>Gets where the handshake is.</summary>
    public AuthNegotiatorState State { get; private set; }

    /// <summary>Gets the user name, once the client has sent it.</summary>
    public string? UserName { get; private set; }

    /// <summary>Gets the factor in progress (1 to 3), or 0 before the start.</summary>
    public int CurrentFactor { get; private set; }

    /// <summary>Gets the verifier of the factor in progress.</summary>
    public string? CurrentPlugin => _verifier?.Name;

    /// <summary>Gets the number of client messages processed.</summary>
    public int Rounds { get; private set; }

    /// <summary>Gets the result once the handshake completed.</summary>
    public AuthResult? Result { get; private set; }

    /// <summary>Gets, after a failure, the real reason (for the server's logs; the client was told only that it failed).</summary>
    public AuthErrorCode FailureReason { get; private set; }

    /// <summary>Gets, after a failure, a log-safe detail.</summary>
    public string? FailureDetail { get; private set; }

    private UserAuthPolicy? Policy { get; set; }

    private bool PolicyLoaded { get; set; }

    /// <summary>Opens the conversation: the event to send first.</summary>
    /// <param name="userName">The user, when the protocol sends it before authentication (PostgreSQL's StartupMessage); null when it arrives with the first client message (MySQL).</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>A <see cref="AuthEventKind.Begin"/> or <see cref="AuthEventKind.Offer"/> event, or <see cref="AuthEventKind.Failed"/>.</returns>
    /// <exception cref="InvalidOperationException">The acceptor was already started, or another call is in progress.</exception>
    public async ValueTask<AuthEvent> StartAsync(string? userName = null, CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            return await StartCoreAsync(userName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _busy, 0);
        }
    }

    /// <summary>Processes one client message and returns the event to send back.</summary>
    /// <param name="message">The client's message.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>Continue, Switch, NextFactor, Succeeded or Failed.</returns>
    /// <exception cref="InvalidOperationException">The acceptor was not started or already ended, or another call is in progress.</exception>
    public async ValueTask<AuthEvent> HandleAsync(AuthClientMessage message, CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            return await HandleCoreAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _busy, 0);
        }
    }

    /// <summary>
    /// Takes the acceptor for one call. The compare-exchange makes the "one call at a time" promise hold
    /// under a race: of two threads calling at once, exactly one proceeds and the other gets
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException("The acceptor was called while a previous call was still in progress; an acceptor handles one message at a time.");
        }

        if (_disposed)
        {
            Interlocked.Exchange(ref _busy, 0);
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    private async ValueTask<AuthEvent> StartCoreAsync(string? userName, CancellationToken cancellationToken)
    {
        if (State != AuthNegotiatorState.NotStarted)
        {
            throw new InvalidOperationException("The acceptor was already started.");
        }

        _startTimestamp = _time.GetTimestamp();
        State = AuthNegotiatorState.InProgress;
        _activity = HandshakeTelemetry.Source.StartActivity("handshake.server");
        CurrentFactor = 1;
        try
        {
            if (userName is not null)
            {
                await LoadUserAsync(userName, cancellationToken).ConfigureAwait(false);
            }
            else if (_mode == AcceptorStartMode.Offer)
            {
                // SASL-native protocols (IMAP, SMTP) offer before anyone is named: the verifier of the
                // client's choice names the user from its first message (IdentifyUserAsync).
                return OfferWithoutUser();
            }

            var verifier = ResolveVerifier(FirstFactorPlugin());
            if (_mode == AcceptorStartMode.Offer)
            {
                _verifier = verifier;
                _factorPlugins.Add(verifier.Name);
                // Alternatives (e.g. session resumption) are offered to every user alike, after the user's own mechanisms.
                var mechanisms = verifier.GetMechanisms(_transport);
                _expectedMechanisms = [.. mechanisms, .. _options.AlternativeFirstPlugins.Where(a => !mechanisms.Contains(a, StringComparer.Ordinal)).Order(StringComparer.Ordinal)];
                _awaitingChoice = true;
                return AuthEvent.Offer(_expectedMechanisms);
            }

            var initial = await StartExchangeAsync(verifier, verifier.Name, [], cancellationToken).ConfigureAwait(false);
            return AuthEvent.Begin(verifier.Name, initial);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidOperationException)
        {
            return Reject(ex);
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a peer or a verifier causes must end as the one uniform rejection, never a crash that tells the client more.")]
    private async ValueTask<AuthEvent> HandleCoreAsync(AuthClientMessage message, CancellationToken cancellationToken)
    {
        if (State != AuthNegotiatorState.InProgress)
        {
            throw new InvalidOperationException(State == AuthNegotiatorState.NotStarted ? "Call StartAsync first." : $"The handshake already ended ({State}).");
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++Rounds > _options.MaxRounds)
            {
                throw new HandshakeException(AuthErrorCode.RoundLimitExceeded, $"The client exceeded {_options.MaxRounds} rounds.", CurrentPlugin, CurrentFactor);
            }

            if (_expectFirstMessage)
            {
                _expectFirstMessage = false;
                if (await FirstMessageAsync(message, cancellationToken).ConfigureAwait(false) is { } switched)
                {
                    return switched;
                }
            }
            else if (message.PluginName is not null && !_expectedMechanisms.Contains(message.PluginName, StringComparer.Ordinal))
            {
                // After a switch or a next-factor request the client must answer with the plugin asked for.
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The client answered with plugin '{PeerText.Printable(message.PluginName, Text.MaxNameLength)}' where '{CurrentPlugin}' was asked for.", CurrentPlugin, CurrentFactor);
            }

            _factorRounds++;
            var step = await _exchange!.ProcessAsync(message.Data, cancellationToken).ConfigureAwait(false);
            return step.Kind switch
            {
                VerifierStepKind.Continue => AuthEvent.Continue(step.Data),
                VerifierStepKind.Accept => await AcceptFactorAsync(step.Data, cancellationToken).ConfigureAwait(false),
                VerifierStepKind.Reject => Reject(step.Reason == AuthErrorCode.Unspecified ? AuthErrorCode.InvalidCredential : step.Reason, step.Detail),
                VerifierStepKind.Decline when _alternative => await DeclineAlternativeAsync(step, cancellationToken).ConfigureAwait(false),
                VerifierStepKind.Decline => Reject(step.Reason == AuthErrorCode.Unspecified ? AuthErrorCode.InvalidCredential : step.Reason, step.Detail),
                _ => throw new HandshakeException(AuthErrorCode.PluginFailure, $"Verifier '{CurrentPlugin}' returned no decision.", CurrentPlugin, CurrentFactor),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Reject(AuthErrorCode.Timeout, TimeoutDetail("cancelled"));
            throw;
        }
        catch (Exception ex)
        {
            return Reject(ex);
        }
    }

    /// <summary>Runs the whole handshake over a transport. Returns the result, or null when the client was rejected (see <see cref="FailureReason"/>).</summary>
    /// <remarks>
    /// The acceptor reads <see cref="IAcceptorTransport.Security"/> when it starts and again after every client
    /// message, and verifiers see the current value through <see cref="VerifierContext.Transport"/>: a transport
    /// that learns its security late (MySQL greets before the client's SSLRequest) changes it while it receives,
    /// and the exchange that made the greeting goes on instead of being replaced. A transport must not change it
    /// at any other time. A <see cref="HandshakeException"/> from the transport (a malformed message, a refused
    /// TLS upgrade, a deadline the adapter keeps) ends the handshake with that exception's code, recorded like
    /// every other failure.
    /// </remarks>
    /// <param name="transport">The connection.</param>
    /// <param name="userName">The user, when known before authentication.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The result, or null.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The overload taking an adapter's deadline has no optional parameter on purpose: an adapter passes its deadline and the caller's token explicitly, while this form keeps RunAsync(transport) for everyone else.")]
    public Task<AuthResult?> RunAsync(IAcceptorTransport transport, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return RunCoreAsync(transport, userName, null, cancellationToken);
    }

    /// <summary>
    /// Runs the whole handshake over a transport under the adapter's whole-phase <paramref name="deadline"/> as
    /// well as <see cref="AcceptorOptions.HandshakeTimeout"/>: when it passes, whatever is awaited (the client, a
    /// verifier, the credential store) ends and the handshake is rejected and recorded as
    /// <see cref="AuthErrorCode.Timeout"/> naming the deadline's option. Returns the result, or null when the
    /// client was rejected (see <see cref="FailureReason"/>).
    /// </summary>
    /// <param name="transport">The connection.</param>
    /// <param name="userName">The user, when known before authentication.</param>
    /// <param name="deadline">The adapter's whole-phase deadline (it keeps ownership).</param>
    /// <param name="cancellationToken">The caller's cancellation; only it ends the handshake with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result, or null.</returns>
    public Task<AuthResult?> RunAsync(IAcceptorTransport transport, string? userName, HandshakeDeadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(deadline);
        return RunCoreAsync(transport, userName, deadline, cancellationToken);
    }

    private async Task<AuthResult?> RunCoreAsync(IAcceptorTransport transport, string? userName, HandshakeDeadline? deadline, CancellationToken cancellationToken)
    {
        _deadline = deadline;
        using var whole = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token, deadline?.Token ?? CancellationToken.None);
        _transport = transport.Security;
        AuthEvent next;
        try
        {
            next = await StartAsync(userName, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A deadline passed while the opening verifier or the credential store awaited.
            _ = Reject(AuthErrorCode.Timeout, TimeoutDetail("the server's opening step did not finish in time"));
            return null;
        }

        while (true)
        {
            if (!await TrySendAsync(transport, next, linked.Token, cancellationToken).ConfigureAwait(false))
            {
                // The decision stands; only its delivery failed (the caller finds the connection broken).
                return next.Kind == AuthEventKind.Succeeded ? Result : null;
            }

            if (next.Kind is AuthEventKind.Succeeded or AuthEventKind.Failed)
            {
                return Result;
            }

            AuthClientMessage message;
            using (var round = new CancellationTokenSource(_options.RoundTimeout, _time))
            using (var receive = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, round.Token))
            {
                try
                {
                    message = await transport.ReceiveAsync(receive.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    next = Reject(AuthErrorCode.Timeout, TimeoutDetail("the client did not answer in time"));
                    continue;
                }
                catch (HandshakeException ex)
                {
                    // The adapter found the fault (and told the client in its protocol's words, if it could).
                    Reject(ex);
                    return null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    RejectTransport(ex);
                    return null;
                }
            }

            // The security the transport settled while it received (e.g. a TLS upgrade before the first answer).
            _transport = transport.Security;
            try
            {
                next = await HandleAsync(message, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The handshake deadline, not the caller, cancelled the step: HandleAsync already rejected it
                // as Timeout. The caller gets the documented null, not an exception it never asked for.
                return null;
            }
        }
    }

    /// <summary>
    /// Sends one event. A send that outlives the handshake deadline or fails in the transport ends the
    /// handshake as <see cref="AuthErrorCode.Timeout"/> / <see cref="AuthErrorCode.TransportFailure"/>,
    /// like a receive does, instead of escaping <see cref="RunAsync(IAcceptorTransport, string, CancellationToken)"/> as an exception the caller never caused.
    /// </summary>
    private async ValueTask<bool> TrySendAsync(IAcceptorTransport transport, AuthEvent next, CancellationToken linked, CancellationToken callerToken)
    {
        try
        {
            await transport.SendAsync(next, linked).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            if (next.Kind is not AuthEventKind.Succeeded)
            {
                _ = Reject(AuthErrorCode.Timeout, "the client did not take the server's message in time");
            }

            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (next.Kind is not AuthEventKind.Succeeded)
            {
                RejectTransport(ex);
            }

            return false;
        }
    }

    /// <summary>
    /// A transport's failure: the adapter's codec says why in a <see cref="HandshakeException"/> (an
    /// unexpected or oversized message, a step its protocol cannot carry), and that code is the one
    /// recorded; any other exception is the connection failing.
    /// </summary>
    private void RejectTransport(Exception ex)
    {
        if (ex is HandshakeException refused)
        {
            _ = Reject(refused.Code, refused.Message);
        }
        else
        {
            _ = Reject(AuthErrorCode.TransportFailure, $"the connection failed ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// Records a failure that the protocol adapter detected outside the acceptor's own steps (the TLS
    /// handshake failed, the client stayed silent past the first-message deadline, a packet broke the
    /// protocol before or after <see cref="RunAsync(IAcceptorTransport, string, CancellationToken)"/>, the adapter's whole-phase deadline passed), so that
    /// it is counted (<c>handshake.authentications</c> with <c>error.type</c>), logged and traced like every
    /// other outcome, and <see cref="FailureReason"/> says so. Does nothing once the handshake has ended:
    /// a failure the acceptor already recorded, or a success, stands.
    /// </summary>
    /// <param name="code">The stable code of the failure.</param>
    /// <param name="reason">A log-safe description (no secret, peer text made printable).</param>
    /// <remarks>Call it when no other call on this acceptor is in progress, before <see cref="Dispose"/>.</remarks>
    public void RecordTransportFailure(AuthErrorCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (_disposed || State is AuthNegotiatorState.Completed or AuthNegotiatorState.Failed)
        {
            return;
        }

        _ = Reject(code, reason);
    }

    /// <summary>Disposes the exchange in progress, wiping what it derived.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (State is AuthNegotiatorState.InProgress or AuthNegotiatorState.NotStarted)
        {
            State = AuthNegotiatorState.Failed;
        }

        EndExchange();
        WipePassThrough();
        _activity?.Dispose();
    }

    /// <summary>
    /// Gets the mechanisms <see cref="StartAsync"/> offers in <see cref="AcceptorStartMode.Offer"/> when no
    /// user is named at start (those of <see cref="AcceptorOptions.OfferedPlugins"/> over this transport,
    /// then the alternatives), without starting: what IMAP's CAPABILITY and SMTP's EHLO advertise
    /// before the client begins authentication.
    /// </summary>
    /// <returns>The mechanism names, in offer order.</returns>
    public IReadOnlyList<string> GetOfferedMechanisms()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var mechanisms = new List<string>();
        foreach (var verifier in OfferedVerifiers())
        {
            mechanisms.AddRange(verifier.GetMechanisms(_transport).Where(m => !mechanisms.Contains(m, StringComparer.Ordinal)));
        }

        mechanisms.AddRange(_options.AlternativeFirstPlugins.Where(a => !mechanisms.Contains(a, StringComparer.Ordinal)).Order(StringComparer.Ordinal));
        return mechanisms;
    }

    private AuthEvent OfferWithoutUser()
    {
        _userFromVerifier = true;
        _expectedMechanisms = GetOfferedMechanisms();
        _awaitingChoice = true;
        return AuthEvent.Offer(_expectedMechanisms);
    }

    private IEnumerable<IAuthVerifier> OfferedVerifiers() =>
        _options.OfferedPlugins.Count > 0
            ? _options.OfferedPlugins.Select(ResolveVerifier)
            : [ResolveVerifier(_options.DefaultPlugin ?? throw new InvalidOperationException("AcceptorOptions.DefaultPlugin is not set."))];

    private async ValueTask IdentifyUserAsync(string userName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName) || userName.Length > MaxUserNameLength)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The mechanism named no user, or one longer than {MaxUserNameLength} characters.", CurrentPlugin, CurrentFactor);
        }

        if (PolicyLoaded)
        {
            // The protocol (or an earlier message) named the user already: a mechanism may only agree.
            if (!string.Equals(userName, UserName, StringComparison.Ordinal))
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The user named inside the mechanism differs from the user authenticating.", CurrentPlugin, CurrentFactor);
            }

            return;
        }

        await LoadUserAsync(userName, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<AuthEvent?> FirstMessageAsync(AuthClientMessage message, CancellationToken cancellationToken)
    {
        if (!PolicyLoaded && string.IsNullOrEmpty(message.UserName) && _userFromVerifier)
        {
            // The verifier names the user when it reads this message (IdentifyUserAsync).
        }
        else if (!PolicyLoaded)
        {
            if (string.IsNullOrEmpty(message.UserName))
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client's first message did not name a user.", CurrentPlugin, CurrentFactor);
            }

            await LoadUserAsync(message.UserName, cancellationToken).ConfigureAwait(false);
        }

        if (_awaitingChoice)
        {
            // SASL: the client picked one of the offered mechanisms.
            _awaitingChoice = false;
            if (message.PluginName is null || !_expectedMechanisms.Contains(message.PluginName, StringComparer.Ordinal))
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The client chose mechanism '{PeerText.Printable(message.PluginName, Text.MaxNameLength)}', which was not offered.", CurrentPlugin, CurrentFactor);
            }

            var chosen = message.PluginName;
            var verifier = _verifier ?? OfferedVerifiers().FirstOrDefault(v => v.GetMechanisms(_transport).Contains(chosen, StringComparer.Ordinal));
            if (_options.AlternativeFirstPlugins.Contains(chosen) && (verifier is null || !verifier.GetMechanisms(_transport).Contains(chosen, StringComparer.Ordinal)))
            {
                verifier = ResolveVerifier(chosen);
                _alternative = true;
            }

            if (verifier is null)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"No offered verifier runs mechanism '{PeerText.Printable(chosen, Text.MaxNameLength)}'.", CurrentPlugin, CurrentFactor);
            }

            _factorPlugins.Clear();
            _ = await StartExchangeAsync(verifier, message.PluginName, _expectedMechanisms, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // MySQL: the server opened with its default plugin before it knew the user. If the user's
        // method differs, or the client answered with another plugin, switch the client over.
        var expected = ResolveVerifier(FirstFactorPlugin());
        if (ReferenceEquals(expected, _verifier) && message.PluginName is not null && _expectedMechanisms.Contains(message.PluginName, StringComparer.Ordinal))
        {
            return null;
        }

        EndExchange();
        var initial = await StartExchangeAsync(expected, expected.Name, [], cancellationToken).ConfigureAwait(false);
        Log.PluginSwitched(_logger, CurrentFactor, message.PluginName, expected.Name);
        return AuthEvent.Switch(expected.Name, initial);
    }

    private async ValueTask<AuthEvent> AcceptFactorAsync(ReadOnlyMemory<byte> finalData, CancellationToken cancellationToken)
    {
        if (Policy is null)
        {
            // Defence in depth: a verifier must never accept an unknown user, whatever it returned.
            return Reject(AuthErrorCode.InvalidCredential, "a verifier accepted a user that does not exist");
        }

        _passed.Add(new AuthFactorOutcome(CurrentFactor, CurrentPlugin!, [.. _factorPlugins], _factorRounds));
        if (_exchange is IPassThroughCredentialSource source && source.TakePassThroughCredential() is { } recovered)
        {
            // One key per handshake (a server-stored password is factor 1); a later one replaces and wipes it.
            _passThrough?.Dispose();
            _passThrough = recovered;
        }

        Log.FactorPassed(_logger, CurrentFactor, CurrentPlugin!);
        // An alternative first factor (session resumption) stands for the user's whole chain.
        if (!_alternative && CurrentFactor < Policy.Factors.Count)
        {
            if (CurrentFactor >= _options.MaxFactors)
            {
                return Reject(AuthErrorCode.FactorLimitExceeded, $"user's policy has {Policy.Factors.Count} factors; the acceptor allows {_options.MaxFactors}");
            }

            // Only now, after factor N passed, is factor N+1 asked for; the chain stops at the first failure.
            EndExchange();
            CurrentFactor++;
            _factorPlugins.Clear();
            _factorRounds = 0;
            var verifier = ResolveVerifier(Policy.Factors[CurrentFactor - 1].PluginName);
            var initial = await StartExchangeAsync(verifier, verifier.Name, [], cancellationToken).ConfigureAwait(false);
            Log.FactorRequested(_logger, CurrentFactor, verifier.Name);
            return AuthEvent.NextFactor(verifier.Name, initial, CurrentFactor, finalData);
        }

        var elapsed = _time.GetElapsedTime(_startTimestamp);
        // The recovered key moves to the result: its holder owns and disposes it from now on.
        Result = new AuthResult(UserName!, [.. _passed], Rounds, elapsed) { PassThroughCredential = _passThrough };
        _passThrough = null;
        State = AuthNegotiatorState.Completed;
        EndExchange();
        _telemetry.Succeeded(Role, Result.Factors.Count > 0 ? Result.Factors[0].PluginName : null, Rounds, elapsed);
        Log.Accepted(_logger, UserName!, Result.AssuranceLevel, Rounds);
        _activity?.SetTag("handshake.assurance_level", Result.AssuranceLevel);
        _activity?.SetTag(HandshakeTelemetry.MechanismAttribute, Result.Factors.Count > 0 ? Result.Factors[0].PluginName : null);
        _activity?.SetStatus(ActivityStatusCode.Ok);
        _activity?.Dispose();
        _activity = null;
        return AuthEvent.Succeeded(finalData);
    }

    private async ValueTask<AuthEvent> DeclineAlternativeAsync(VerifierStep step, CancellationToken cancellationToken)
    {
        // The alternative could not vouch for the user (e.g. a refused resume token): restart factor 1
        // with the user's own method in the same connection. Only once: that method is not an alternative.
        var from = CurrentPlugin;
        _alternative = false;
        EndExchange();
        var expected = ResolveVerifier(FirstFactorPlugin());

        // This connection's offer already advertised the user's method (with -PLUS where the transport
        // can bind). The switch keeps that promise: it names the verifier's first mechanism for this
        // transport and hands the verifier the offer, so a client answering 'y' is still caught as a
        // downgrade (RFC 5802 §6) and a refused token cannot be used to strip channel binding.
        var offered = _expectedMechanisms;
        var mechanisms = expected.GetMechanisms(_transport);
        var mechanism = mechanisms.Count > 0 ? mechanisms[0] : expected.Name;
        var initial = await StartExchangeAsync(expected, mechanism, offered, cancellationToken).ConfigureAwait(false);
        _expectedMechanisms = [mechanism];
        Log.AlternativeDeclined(_logger, UserName, step.Reason, from, step.Detail, mechanism);
        return AuthEvent.Switch(mechanism, initial);
    }

    private async ValueTask LoadUserAsync(string userName, CancellationToken cancellationToken)
    {
        UserName = userName;
        Policy = await _store.FindUserAsync(userName, cancellationToken).ConfigureAwait(false);
        PolicyLoaded = true;
        if (Policy is not null)
        {
            ValidatePolicy(Policy);
        }
    }

    private void ValidatePolicy(UserAuthPolicy policy)
    {
        // FactorPolicyRules is the one home of these rules; a store may be edited while the server runs, so each user loaded is checked again.
        var rules = _services?.GetService<IOptions<FactorPolicyRuleOptions>>()?.Value;
        for (var i = 0; i < policy.Factors.Count; i++)
        {
            var verifier = ResolveVerifier(policy.Factors[i].PluginName);
            if (FactorPolicyRules.CheckPosition(null, i + 1, verifier, rules) is { } broken)
            {
                throw new HandshakeException(AuthErrorCode.PolicyViolation, broken, verifier.Name, i + 1);
            }
        }
    }

    private string FirstFactorPlugin() =>
        Policy?.Factors[0].PluginName
        ?? (PolicyLoaded ? _options.UnknownUserPlugin ?? _options.DefaultPlugin : _options.DefaultPlugin)
        ?? throw new InvalidOperationException("AcceptorOptions.DefaultPlugin is not set.");

    private IAuthVerifier ResolveVerifier(string name) =>
        _registry.TryGet(name, out var verifier)
            ? verifier
            : throw new HandshakeException(AuthErrorCode.UnknownPlugin, $"verifier '{name}' is not registered", name, CurrentFactor);

    private async ValueTask<ReadOnlyMemory<byte>> StartExchangeAsync(IAuthVerifier verifier, string mechanism, IReadOnlyList<string> offered, CancellationToken cancellationToken)
    {
        _verifier = verifier;
        _factorPlugins.Add(mechanism);
        _expectedMechanisms = offered.Count > 0 ? offered : verifier.GetMechanisms(_transport);
        var context = new VerifierContext(verifier.Name, mechanism, CurrentFactor, _transport, _source)
        {
            OfferedMechanisms = offered,
            Time = _time,
            Random = _random,
            KeyDerivation = _keyDerivation ??= _services?.GetService(typeof(IKeyDerivationLimiter)) as IKeyDerivationLimiter ?? IKeyDerivationLimiter.Unbounded,
            Services = _services,
            Properties = _properties ?? EmptyProperties.Instance,
        };
        _exchange = verifier.Start(context);
        return await _exchange.BeginAsync(cancellationToken).ConfigureAwait(false);
    }

    private AuthEvent Reject(Exception ex)
    {
        var (code, detail) = ex switch
        {
            HandshakeException auth => (auth.Code, auth.Message),
            _ => (AuthErrorCode.PluginFailure, $"verifier '{CurrentPlugin}' failed with {ex.GetType().Name}"),
        };
        return Reject(code, detail);
    }

    private AuthEvent Reject(AuthErrorCode code, string? detail)
    {
        if (State != AuthNegotiatorState.Failed)
        {
            State = AuthNegotiatorState.Failed;
            FailureReason = code;
            FailureDetail = detail;
            _telemetry.Failed(Role, _passed.Count > 0 ? _passed[0].PluginName : CurrentPlugin, code, _startTimestamp == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_startTimestamp));
            Log.Rejected(_logger, UserName, code, CurrentPlugin, CurrentFactor, detail);
            _activity?.SetTag(HandshakeTelemetry.MechanismAttribute, _passed.Count > 0 ? _passed[0].PluginName : CurrentPlugin);
            HandshakeTelemetry.MarkFailed(_activity, code);
            _activity?.Dispose();
            _activity = null;
            EndExchange();
            WipePassThrough();
        }

        // One message for every failure: the client learns nothing about why.
        return AuthEvent.Failed(_options.FailureCode, string.Format(CultureInfo.InvariantCulture, _options.FailureMessage, PeerText.Printable(UserName, Text.MaxNameLength)));
    }

    /// <summary>A key recovered by a factor of a handshake that then failed, or was abandoned, never leaves: zero it.</summary>
    private void WipePassThrough()
    {
        _passThrough?.Dispose();
        _passThrough = null;
    }
    /// <summary>The log detail of a timeout: the adapter's whole-phase deadline when that is what passed.</summary>
    private string TimeoutDetail(string otherwise) =>
        _deadline is { HasExpired: true } deadline ? deadline.Describe(CurrentPlugin is null ? "the authentication phase" : $"the authentication phase (verifier '{CurrentPlugin}', factor {CurrentFactor})") : otherwise;

    private void EndExchange()
    {
        var exchange = _exchange;
        _exchange = null;
        exchange?.Dispose();
    }

    /// <summary>What verifier exchanges read the user and stored credential through.</summary>
    private sealed class CredentialSource(AuthAcceptor owner) : IVerifierCredentialSource
    {
        public string? UserName => owner.UserName;

        public TransportSecurity? Transport => owner._transport;

        public ValueTask IdentifyUserAsync(string userName, CancellationToken cancellationToken) => owner.IdentifyUserAsync(userName, cancellationToken);

        public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken)
        {
            var policy = owner.Policy;
            if (policy is null || factorIndex < 1 || factorIndex > policy.Factors.Count)
            {
                return ValueTask.FromResult<StoredCredential?>(null);
            }

            var factor = policy.Factors[factorIndex - 1];
            return ValueTask.FromResult(string.Equals(factor.PluginName, verifierName, StringComparison.Ordinal) ? factor.Credential : null);
        }
    }
}
