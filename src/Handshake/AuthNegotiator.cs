using System.Diagnostics;
using Handshake.Internal;
using Microsoft.Extensions.Logging;

namespace Handshake;

/// <summary>
/// The client side of one handshake. Sans-I/O at its core: a driver feeds it the server's steps
/// (<see cref="HandleAsync"/>) and sends what it answers; <see cref="RunAsync(IAuthTransport, CancellationToken)"/> does the same
/// over an <see cref="IAuthTransport"/>. Every plugin runs under the same rules: known and allowed
/// names only, at most three factors, a round and switch limit, per-round and overall timeouts,
/// cancellation at every await, and a mutual-auth check when the server declares success.
/// </summary>
/// <remarks>Not thread-safe: one handshake, one caller at a time. Create one per connection from <see cref="IAuthNegotiatorFactory"/>.</remarks>
public sealed class AuthNegotiator : IDisposable
{
    private const string Role = "client";
    private const int MaxOfferedMechanisms = 64;

    private readonly AuthPluginRegistry _registry;
    private readonly HandshakeOptions _options;
    private TransportSecurity _transport;
    private readonly IAuthSecurityPolicy _policy;
    private readonly TimeProvider _time;
    private bool _running;
    private CancellationToken _runCaller;
    private HandshakeDeadline? _deadline;
    private readonly IRandomSource _random;
    private readonly IServiceProvider? _services;
    private IKeyDerivationLimiter? _keyDerivation;
    private readonly IReadOnlyDictionary<string, object?>? _properties;
    private readonly ILogger _logger;
    private readonly HandshakeTelemetry _telemetry;
    private readonly IAuthCredentialProvider? _credentialProvider;
    private readonly List<AuthFactorOutcome> _passed = new(AuthCredentials.MaxFactors);
    private readonly List<string> _factorPlugins = new(2);

    private AuthCredentials? _credentials;
    private IAuthExchange? _exchange;
    private CancellationTokenSource? _roundCts;
    private Activity? _activity;
    private long _startTimestamp;
    private int _factorRounds;
    private int _switches;
    // 1 while a HandleAsync call runs: taken with an atomic compare-exchange, so two threads calling at
    // once cannot both start an exchange (the loser gets InvalidOperationException, as documented).
    private int _busy;
    private volatile bool _disposed;
    private int _released;

    internal AuthNegotiator(
        AuthPluginRegistry registry,
        HandshakeOptions options,
        TransportSecurity transport,
        IAuthSecurityPolicy policy,
        TimeProvider time,
        IRandomSource random,
        IServiceProvider? services,
        ILogger logger,
        HandshakeTelemetry telemetry,
        AuthCredentials? credentials,
        IAuthCredentialProvider? credentialProvider,
        IReadOnlyDictionary<string, object?>? properties)
    {
        _registry = registry;
        _options = options;
        _transport = transport;
        _policy = policy;
        _time = time;
        _random = random;
        _services = services;
        _logger = logger;
        _telemetry = telemetry;
        _credentials = credentials;
        _credentialProvider = credentialProvider;
        _properties = properties;
    }

    /// <summary>Gets where the handshake is.</summary>
    public AuthNegotiatorState State { get; private set; }

    /// <summary>Gets the factor in progress (1 to 3), or 0 before the first event.</summary>
    public int CurrentFactor { get; private set; }

    /// <summary>Gets the plugin of the exchange in progress, if any.</summary>
    public string? CurrentPlugin { get; private set; }

    /// <summary>Gets the number of rounds so far.</summary>
    public int Rounds { get; private set; }

    /// <summary>Gets the result once <see cref="State"/> is <see cref="AuthNegotiatorState.Completed"/>.</summary>
    public AuthResult? Result { get; private set; }

    /// <summary>
    /// Gets whether this negotiator would run <paramref name="pluginName"/>: a valid name, registered,
    /// and allowed by <see cref="HandshakeOptions.AllowedPlugins"/> / <see cref="HandshakeOptions.DeniedPlugins"/>.
    /// A protocol adapter asks before answering a server's first plugin, so that an unfamiliar name is
    /// answered with a known plugin (and a switch awaited) instead of failing the handshake.
    /// </summary>
    /// <param name="pluginName">The plugin name the server advertised.</param>
    /// <returns>True when a Begin or Switch naming it would start an exchange.</returns>
    public bool CanUsePlugin(string? pluginName) =>
        Text.IsValidPluginName(pluginName)
        && !_options.DeniedPlugins.Contains(pluginName!)
        && (_options.AllowedPlugins.Count == 0 || _options.AllowedPlugins.Contains(pluginName!))
        && _registry.TryGet(pluginName!, out _);

    /// <summary>Handles one server step and says what to send.</summary>
    /// <param name="authEvent">The server's step.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>Send bytes, wait, or completed with the result. The bytes are valid until the next call.</returns>
    /// <exception cref="HandshakeException">The step failed; the negotiator is then <see cref="AuthNegotiatorState.Failed"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the negotiator is then failed.</exception>
    /// <exception cref="InvalidOperationException">The handshake already ended, or another call is in progress.</exception>
    public ValueTask<AuthAction> HandleAsync(AuthEvent authEvent, CancellationToken cancellationToken = default)
    {
        // A Continue in a running exchange, with every rule already met, goes straight to the plugin
        // without an async state machine; anything else (and every rule's failure) takes the full path.
        if (authEvent.Kind == AuthEventKind.Continue
            && State == AuthNegotiatorState.InProgress
            && !_disposed
            && _exchange is { } exchange
            && _credentials is not null
            && !cancellationToken.IsCancellationRequested
            && _time.GetElapsedTime(_startTimestamp) <= _options.HandshakeTimeout
            && Interlocked.CompareExchange(ref _busy, 1, 0) == 0)
        {
            // Owned now: Dispose (the one thing that changes these without owning the negotiator) is checked again.
            if (!_disposed && ReferenceEquals(_exchange, exchange))
            {
                return ContinueAsync(exchange, authEvent.Data, cancellationToken);
            }

            LeaveCall();
        }

        return HandleCoreAsync(authEvent, cancellationToken);
    }

    /// <summary>Gives the negotiator back after a call; if Dispose ran meanwhile, the wiping it left for later happens now.</summary>
    private void LeaveCall()
    {
        Interlocked.Exchange(ref _busy, 0);
        if (_disposed)
        {
            Release();
        }
    }

    private async ValueTask<AuthAction> HandleCoreAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException("HandleAsync was called while a previous call was still in progress; a negotiator handles one event at a time.");
        }

        try
        {
            // Checked only once the call owns the negotiator, so a racing call cannot slip past it.
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State is AuthNegotiatorState.Completed or AuthNegotiatorState.Failed)
            {
                throw new InvalidOperationException($"The handshake already ended ({State}); create a new negotiator for a new handshake.");
            }
        }
        catch
        {
            Interlocked.Exchange(ref _busy, 0);
            throw;
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (State == AuthNegotiatorState.NotStarted)
            {
                // The clock starts before the state says so: a reader never sees InProgress without a start time.
                _startTimestamp = _time.GetTimestamp();
                State = AuthNegotiatorState.InProgress;
                _activity = HandshakeTelemetry.Source.StartActivity("handshake.client");
            }
            else if (_time.GetElapsedTime(_startTimestamp) > _options.HandshakeTimeout)
            {
                throw TimedOut();
            }

            if (_credentials is null && _credentialProvider is not null)
            {
                _credentials = await _credentialProvider.GetCredentialsAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new HandshakeException(AuthErrorCode.MissingCredential, "The credential provider returned no credentials.");
            }

            return authEvent.Kind switch
            {
                AuthEventKind.Begin => await BeginAsync(authEvent, cancellationToken).ConfigureAwait(false),
                AuthEventKind.Offer => await OfferAsync(authEvent, cancellationToken).ConfigureAwait(false),
                AuthEventKind.Switch => await SwitchAsync(authEvent, cancellationToken).ConfigureAwait(false),
                AuthEventKind.Continue => ToAction(await RespondAsync(RequireExchange(authEvent), authEvent.Data, cancellationToken).ConfigureAwait(false)),
                AuthEventKind.NextFactor => await NextFactorAsync(authEvent, cancellationToken).ConfigureAwait(false),
                AuthEventKind.Succeeded => Succeed(authEvent),
                AuthEventKind.Failed => throw ServerRejected(authEvent),
                _ => throw Violation($"Event kind {authEvent.Kind} is not a server step."),
            };
        }
        catch (Exception ex)
        {
            var mapped = FailRound(ex, cancellationToken);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
        finally
        {
            // Dispose may have run while this call awaited a plugin: it cancelled the plugin, and
            // LeaveCall wipes now that the plugin has returned.
            LeaveCall();
        }
    }

    /// <summary>The Continue round of <see cref="HandleAsync"/> once its checks passed: synchronous when the plugin answers synchronously.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Nothing is swallowed: every exception fails the handshake and is returned as the faulted result, as the async path throws it.")]
    private ValueTask<AuthAction> ContinueAsync(IAuthExchange exchange, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ValueTask<AuthReply> pending;
        try
        {
            pending = RespondAsync(exchange, data, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                var action = ToAction(pending.Result);
                LeaveCall();
                return new ValueTask<AuthAction>(action);
            }
        }
        catch (Exception ex)
        {
            var failed = FailRound(ex, cancellationToken);
            LeaveCall();
            return ValueTask.FromException<AuthAction>(failed);
        }

        return AwaitContinueAsync(pending, cancellationToken);
    }

    private async ValueTask<AuthAction> AwaitContinueAsync(ValueTask<AuthReply> pending, CancellationToken cancellationToken)
    {
        try
        {
            return ToAction(await pending.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            var mapped = FailRound(ex, cancellationToken);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
        finally
        {
            LeaveCall();
        }
    }

    /// <summary>Fails the handshake for an exception of one round and returns what the caller receives.</summary>
    private Exception FailRound(Exception ex, CancellationToken cancellationToken)
    {
        // Under RunAsync a cancellation its caller did not ask for is RunAsync's own deadline: it is
        // recorded (metric, log, activity) as the Timeout the caller receives, not as a cancellation.
        var source = _running && ex is OperationCanceledException && cancellationToken.IsCancellationRequested && !_runCaller.IsCancellationRequested ? TimedOut() : ex;
        return Fail(source, cancellationToken);
    }

    /// <summary>Runs the whole handshake over a transport: receive, handle, send, until completed or failed.</summary>
    /// <param name="transport">The connection.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The result.</returns>
    /// <exception cref="HandshakeException">The handshake failed (including <see cref="AuthErrorCode.Timeout"/> and <see cref="AuthErrorCode.TransportFailure"/>).</exception>
    /// <remarks>
    /// <see cref="IAuthTransport.Security"/> is read after every receive, so a transport that upgrades to TLS
    /// while it reads the server's greeting (MySQL) hands its plugins the upgraded transport; a transport
    /// changes it only while it receives. A <see cref="HandshakeException"/> the transport throws ends the
    /// handshake with its code and is recorded like every other failure.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The overload taking an adapter's deadline has no optional parameter on purpose: an adapter passes its deadline and the caller's token explicitly, while this form keeps RunAsync(transport) for everyone else.")]
    public Task<AuthResult> RunAsync(IAuthTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return RunCoreAsync(transport, null, cancellationToken);
    }

    /// <summary>
    /// Runs the whole handshake over a transport under the adapter's whole-phase <paramref name="deadline"/> as
    /// well as <see cref="HandshakeOptions.HandshakeTimeout"/>: when it passes, whatever is awaited (the server,
    /// a plugin) ends, and the failure is recorded and thrown as <see cref="AuthErrorCode.Timeout"/> naming the
    /// deadline's option, not as a cancellation.
    /// </summary>
    /// <param name="transport">The connection.</param>
    /// <param name="deadline">The adapter's whole-phase deadline (it keeps ownership).</param>
    /// <param name="cancellationToken">The caller's cancellation; only it ends the handshake with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="HandshakeException">The handshake failed (including <see cref="AuthErrorCode.Timeout"/> and <see cref="AuthErrorCode.TransportFailure"/>).</exception>
    public Task<AuthResult> RunAsync(IAuthTransport transport, HandshakeDeadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(deadline);
        return RunCoreAsync(transport, deadline, cancellationToken);
    }

    private async Task<AuthResult> RunCoreAsync(IAuthTransport transport, HandshakeDeadline? deadline, CancellationToken cancellationToken)
    {
        _running = true;
        _runCaller = cancellationToken;
        _deadline = deadline;
        using var whole = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token, deadline?.Token ?? CancellationToken.None);
        var first = true;
        while (true)
        {
            AuthEvent next;
            using (var round = new CancellationTokenSource(_options.RoundTimeout, _time))
            using (var receive = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, round.Token))
            {
                try
                {
                    next = await transport.ReceiveAsync(receive.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Fail(TimedOut(), cancellationToken);
                }
                catch (HandshakeException ex)
                {
                    // A fault the adapter found (a refused TLS upgrade, a malformed packet, its first-message
                    // deadline) is counted and logged like every other failure.
                    throw Fail(ex, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw Fail(new HandshakeException(AuthErrorCode.TransportFailure, $"The connection failed while waiting for the server ({ex.GetType().Name}).", CurrentPlugin, CurrentFactor, innerException: ex), cancellationToken);
                }
            }

            // What the transport settled while it received (a TLS upgrade after the greeting) is what the
            // plugins started from here on see.
            _transport = transport.Security;

            AuthAction action;
            try
            {
                action = await HandleAsync(next, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The overall deadline, not the caller, cancelled the plugin.
                throw TimedOut();
            }

            switch (action.Kind)
            {
                case AuthActionKind.Completed:
                    return action.Result!;
                case AuthActionKind.Send:
                    try
                    {
                        await transport.SendAsync(new AuthClientMessage(action.PluginName, action.Data, first ? _credentials?.UserName : null), linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // A send that outlives the handshake deadline (a stalled peer) is a timeout, as a receive is.
                        throw Fail(TimedOut(), cancellationToken);
                    }
                    catch (HandshakeException ex)
                    {
                        throw Fail(ex, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw Fail(new HandshakeException(AuthErrorCode.TransportFailure, $"The connection failed while sending to the server ({ex.GetType().Name}).", CurrentPlugin, CurrentFactor, innerException: ex), cancellationToken);
                    }

                    first = false;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Records a failure that the protocol adapter detected outside the negotiator's own steps (the TLS
    /// handshake failed, the server's answer to the TLS request was refused, the adapter's own deadline
    /// passed, a message broke the protocol before or after <see cref="RunAsync(IAuthTransport, CancellationToken)"/>), so that it is
    /// counted (<c>handshake.authentications</c> with <c>error.type</c>), logged and traced like every
    /// other outcome. Does nothing once the handshake has ended: a failure the negotiator already
    /// recorded, or a success, stands.
    /// </summary>
    /// <param name="code">The stable code of the failure (what the adapter throws).</param>
    /// <param name="reason">A log-safe description (no secret, peer text made printable).</param>
    /// <remarks>Call it when no other call on this negotiator is in progress, before <see cref="Dispose"/>.</remarks>
    public void RecordTransportFailure(AuthErrorCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (_disposed || State is AuthNegotiatorState.Completed or AuthNegotiatorState.Failed)
        {
            return;
        }

        _ = Fail(new HandshakeException(code, reason, CurrentPlugin, CurrentFactor), CancellationToken.None);
    }

    /// <summary>Disposes the exchange in progress (wiping what it derived) and credentials fetched from a provider.</summary>
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

        // Cancel first, then wipe: a plugin still awaiting (a TOTP prompt, a remote signer) sees its
        // token cancelled. Its exchange is disposed once it has returned, never under its feet.
        try
        {
            _roundCts?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The round ended and released its source between the read and the cancel: nothing runs.
        }

        // A full fence between writing _disposed and reading _busy (the call in progress does the mirror
        // image in its finally): at least one of the two sees the other and releases.
        if (Interlocked.CompareExchange(ref _busy, 0, 0) == 0)
        {
            Release();
        }
    }

    /// <summary>Wipes and releases what the handshake holds; runs once, from Dispose or from the call Dispose interrupted.</summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        EndExchange();
        _roundCts?.Dispose();
        _activity?.Dispose();
        if (_credentialProvider is not null)
        {
            _credentials?.Dispose();
        }
    }

    private async ValueTask<AuthAction> BeginAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        if (CurrentFactor != 0)
        {
            throw Violation("The server began authentication a second time.");
        }

        CurrentFactor = 1;
        var plugin = Resolve(authEvent.PluginName);
        StartExchange(plugin, authEvent.PluginName!, []);
        return ToAction(await RespondAsync(_exchange!, authEvent.Data, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<AuthAction> OfferAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        if (CurrentFactor != 0)
        {
            throw Violation("The server offered mechanisms after authentication had started.");
        }

        var offered = authEvent.Mechanisms;
        if (offered is null || offered.Count == 0)
        {
            throw Violation("The server offered an empty list of mechanisms.");
        }

        if (offered.Count > MaxOfferedMechanisms)
        {
            throw Violation($"The server offered {offered.Count} mechanisms; at most {MaxOfferedMechanisms} are accepted.");
        }

        CurrentFactor = 1;
        var (plugin, name) = ChooseMechanism(offered);
        StartExchange(plugin, name, offered);
        return ToAction(await RespondAsync(_exchange!, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<AuthAction> SwitchAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        if (CurrentFactor == 0)
        {
            throw Violation("The server switched plugins before authentication began.");
        }

        if (++_switches > _options.MaxPluginSwitches)
        {
            throw new HandshakeException(AuthErrorCode.RoundLimitExceeded, $"The server switched plugins {_switches} times; at most {_options.MaxPluginSwitches} switches are allowed (HandshakeOptions.MaxPluginSwitches).", CurrentPlugin, CurrentFactor);
        }

        var from = CurrentPlugin;
        var plugin = Resolve(authEvent.PluginName);

        // A switch restarts the current factor: the old exchange is disposed (wiping its secrets)
        // and the new plugin gets the same factor's secret.
        EndExchange();
        Log.PluginSwitched(_logger, CurrentFactor, from, authEvent.PluginName!);
        StartExchange(plugin, authEvent.PluginName!, []);
        return ToAction(await RespondAsync(_exchange!, authEvent.Data, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<AuthAction> NextFactorAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        var exchange = RequireExchange(authEvent);

        // The next factor is always the current one plus one, counted here; an index the server
        // states must agree. (mysql2 derives it from how many plugins ran, which is off by one
        // when factor 1 had no switch.)
        var next = CurrentFactor + 1;
        if (authEvent.FactorIndex != 0 && authEvent.FactorIndex != next)
        {
            throw Violation($"The server announced factor {authEvent.FactorIndex} after factor {CurrentFactor}.");
        }

        if (next > AuthCredentials.MaxFactors)
        {
            throw new HandshakeException(AuthErrorCode.FactorLimitExceeded, $"The server asked for factor {next}; authentication has at most {AuthCredentials.MaxFactors} factors.", authEvent.PluginName is { } p ? PeerText.Printable(p, Text.MaxNameLength) : null, CurrentFactor);
        }

        if (next > _options.MaxFactors)
        {
            throw new HandshakeException(AuthErrorCode.FactorLimitExceeded, $"The server asked for factor {next}; this client allows {_options.MaxFactors} (HandshakeOptions.MaxFactors).", CurrentPlugin, CurrentFactor);
        }

        var plugin = Resolve(authEvent.PluginName);
        PassFactor(exchange, authEvent.AcceptedData);
        CurrentFactor = next;
        _factorRounds = 0;
        StartExchange(plugin, authEvent.PluginName!, []);
        return ToAction(await RespondAsync(_exchange!, authEvent.Data, cancellationToken).ConfigureAwait(false));
    }

    private AuthAction Succeed(AuthEvent authEvent)
    {
        if (_exchange is null)
        {
            if (CurrentFactor != 0 || !_options.AllowUnauthenticatedSuccess)
            {
                throw Violation("The server declared success before any authentication exchange ran. Set HandshakeOptions.AllowUnauthenticatedSuccess to accept servers that do not authenticate (PostgreSQL 'trust').");
            }
        }
        else
        {
            PassFactor(_exchange, authEvent.Data);
        }

        var elapsed = _time.GetElapsedTime(_startTimestamp);
        Result = new AuthResult(_credentials?.UserName ?? string.Empty, [.. _passed], Rounds, elapsed);
        State = AuthNegotiatorState.Completed;
        CurrentPlugin = null;
        _telemetry.Succeeded(Role, Result.Factors.Count > 0 ? Result.Factors[0].PluginName : null, Rounds, elapsed);
        Log.Authenticated(_logger, Result.UserName, Result.AssuranceLevel, Rounds, elapsed.TotalMilliseconds);
        _activity?.SetTag("handshake.assurance_level", Result.AssuranceLevel);
        _activity?.SetTag(HandshakeTelemetry.MechanismAttribute, Result.Factors.Count > 0 ? Result.Factors[0].PluginName : null);
        _activity?.SetStatus(ActivityStatusCode.Ok);
        _activity?.Dispose();
        _activity = null;
        return AuthAction.Completed(Result);
    }

    private void PassFactor(IAuthExchange exchange, ReadOnlyMemory<byte> finalData)
    {
        try
        {
            // Mutual authentication: a plugin whose proof never arrived refuses the acceptance here.
            exchange.OnServerAccepted(finalData);
        }
        catch (Exception ex)
        {
            throw PluginError(ex, CancellationToken.None);
        }

        _passed.Add(new AuthFactorOutcome(CurrentFactor, CurrentPlugin!, [.. _factorPlugins], _factorRounds));
        Log.FactorPassed(_logger, CurrentFactor, CurrentPlugin!);
        EndExchange();
        _factorPlugins.Clear();
        _switches = 0;
    }

    private IAuthPlugin Resolve(string? name)
    {
        if (!Text.IsValidPluginName(name))
        {
            throw Violation("The server named a plugin whose name is empty, too long or not printable ASCII.");
        }

        if (_options.DeniedPlugins.Contains(name!) || (_options.AllowedPlugins.Count > 0 && !_options.AllowedPlugins.Contains(name!)))
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The server asked for plugin '{name}', which this client's configuration does not allow (HandshakeOptions.AllowedPlugins / DeniedPlugins).", name, CurrentFactor);
        }

        if (!_registry.TryGet(name!, out var plugin))
        {
            throw new HandshakeException(
                AuthErrorCode.UnknownPlugin,
                $"The server asked for authentication plugin '{name}', which is not registered. Registered: {(_registry.Names.Count == 0 ? "(none)" : string.Join(", ", _registry.Names))}. Register it with AddPlugin(\"{name}\", ...) or a plugin package.",
                name,
                CurrentFactor);
        }

        return plugin;
    }

    private (IAuthPlugin Plugin, string Name) ChooseMechanism(IReadOnlyList<string> offered)
    {
        IAuthPlugin? best = null;
        string? bestName = null;
        var bestRank = int.MinValue;
        var seen = new List<string>(offered.Count);
        foreach (var name in offered)
        {
            if (!Text.IsValidPluginName(name))
            {
                throw Violation("The server offered a mechanism whose name is empty, too long or not printable ASCII.");
            }

            seen.Add(name);
            if (_options.DeniedPlugins.Contains(name) || (_options.AllowedPlugins.Count > 0 && !_options.AllowedPlugins.Contains(name)) || !_registry.TryGet(name, out var plugin))
            {
                continue;
            }

            int rank;
            if (_options.MechanismPreference.Count > 0)
            {
                var position = _options.MechanismPreference.IndexOf(name);
                if (position < 0)
                {
                    continue;
                }

                rank = -position;
                if (plugin.GetOfferPreference(CreateContext(plugin, name, offered)) < 0)
                {
                    continue;
                }
            }
            else
            {
                rank = plugin.GetOfferPreference(CreateContext(plugin, name, offered));
                if (rank < 0)
                {
                    continue;
                }
            }

            // Ties keep the server's order: only a strictly better rank replaces the choice.
            if (best is null || rank > bestRank)
            {
                best = plugin;
                bestName = name;
                bestRank = rank;
            }
        }

        return best is null
            ? throw new HandshakeException(
                AuthErrorCode.NoMutualMechanism,
                $"None of the mechanisms the server offered ({string.Join(", ", seen)}) is registered, allowed and usable here ({_transport}). Registered: {(_registry.Names.Count == 0 ? "(none)" : string.Join(", ", _registry.Names))}.",
                null,
                CurrentFactor)
            : (best, bestName!);
    }

    /// <summary>
    /// The context a plugin starts with. A plugin that does not declare what it sends of its secret
    /// gets none where the cleartext gate refuses the transport: the gate holds for plugins that never
    /// ask it, delegates included.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The withheld view holds a user name and no secret: there is nothing to wipe.")]
    private AuthExchangeContext CreateContext(IAuthPlugin plugin, string name, IReadOnlyList<string> offered)
    {
        var credentials = _credentials ?? throw new HandshakeException(AuthErrorCode.MissingCredential, "No credentials were given for the handshake.");
        var context = NewContext(name, credentials, offered, withheld: false);
        return plugin.SecretUse == AuthSecretUse.Unspecified && !IsCleartextAllowed(context)
            ? NewContext(name, new AuthCredentials(credentials.UserName), offered, withheld: true)
            : context;
    }

    private AuthExchangeContext NewContext(string name, AuthCredentials credentials, IReadOnlyList<string> offered, bool withheld) =>
        new(name, CurrentFactor, credentials, _transport, _policy)
        {
            OfferedMechanisms = offered,
            Time = _time,
            Random = _random,
            KeyDerivation = _keyDerivation ??= _services?.GetService(typeof(IKeyDerivationLimiter)) as IKeyDerivationLimiter ?? IKeyDerivationLimiter.Unbounded,
            Services = _services,
            Properties = _properties ?? EmptyProperties.Instance,
            IsSecretWithheld = withheld,
        };

    private bool IsCleartextAllowed(AuthExchangeContext context)
    {
        try
        {
            _policy.EnsureCleartextAllowed(context, "its factor's secret");
            return true;
        }
        catch (HandshakeException)
        {
            return false;
        }
    }

    private void StartExchange(IAuthPlugin plugin, string name, IReadOnlyList<string> offered)
    {
        CurrentPlugin = name;
        _factorPlugins.Add(name);
        try
        {
            var context = CreateContext(plugin, name, offered);
            if (plugin.SecretUse == AuthSecretUse.Cleartext)
            {
                // The plugin declares that its secret travels as it is: the gate runs before it starts,
                // whether or not the plugin would have asked it.
                _policy.EnsureCleartextAllowed(context, "its factor's secret as it is (the plugin declares AuthSecretUse.Cleartext)");
            }

            _exchange = plugin.Start(context) ?? throw new InvalidOperationException($"Plugin '{name}' returned no exchange.");
        }
        catch (Exception ex)
        {
            throw PluginError(ex, CancellationToken.None);
        }

        _activity?.AddEvent(new ActivityEvent("handshake.plugin", tags: new ActivityTagsCollection { ["handshake.plugin"] = name, ["handshake.factor"] = CurrentFactor }));
        Log.ExchangeStarted(_logger, name, CurrentFactor);
    }

    private IAuthExchange RequireExchange(AuthEvent authEvent) =>
        _exchange ?? throw Violation($"The server sent {authEvent.Kind} with no authentication exchange in progress.");

    private ValueTask<AuthReply> RespondAsync(IAuthExchange exchange, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (++Rounds > _options.MaxRounds)
        {
            throw new HandshakeException(AuthErrorCode.RoundLimitExceeded, $"The handshake exceeded {_options.MaxRounds} rounds (HandshakeOptions.MaxRounds).", CurrentPlugin, CurrentFactor);
        }

        _factorRounds++;
        _roundCts ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        ValueTask<AuthReply> pending;
        try
        {
            pending = exchange.RespondAsync(data, _roundCts.Token);
        }
        catch (Exception ex)
        {
            throw PluginError(ex, cancellationToken);
        }

        // The synchronous fast path arms no timer and allocates nothing.
        return pending.IsCompletedSuccessfully ? pending : AwaitRoundAsync(pending, cancellationToken);
    }

    private async ValueTask<AuthReply> AwaitRoundAsync(ValueTask<AuthReply> pending, CancellationToken cancellationToken)
    {
        var cts = _roundCts!;
        var remaining = _options.HandshakeTimeout - _time.GetElapsedTime(_startTimestamp);
        cts.CancelAfter(remaining < _options.RoundTimeout ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1)) : _options.RoundTimeout);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), cts)
            : default;
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw PluginError(ex, cancellationToken);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            if (!cts.TryReset())
            {
                cts.Dispose();
                _roundCts = null;
            }
        }
    }

    private Exception PluginError(Exception ex, CancellationToken cancellationToken)
    {
        switch (ex)
        {
            case HandshakeException auth:
                return auth.WithContext(CurrentPlugin, CurrentFactor);
            case ObjectDisposedException when _disposed:
                return ex;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return ex;
            case OperationCanceledException when _disposed:
                return new ObjectDisposedException(nameof(AuthNegotiator), "The negotiator was disposed while its plugin was still running; the plugin was cancelled.");
            case OperationCanceledException when _roundCts?.IsCancellationRequested == true:
                return new HandshakeException(AuthErrorCode.Timeout, $"Plugin '{CurrentPlugin}' did not answer factor {CurrentFactor} within its time limit (HandshakeOptions.RoundTimeout {_options.RoundTimeout}, HandshakeTimeout {_options.HandshakeTimeout}).", CurrentPlugin, CurrentFactor, innerException: RedactedException.From(ex));
            default:
                // The type and stack only, in the message and in InnerException: a plugin's own message
                // might echo something secret, and loggers print inner exceptions' messages.
                return new HandshakeException(AuthErrorCode.PluginFailure, $"Plugin '{CurrentPlugin}' failed on factor {CurrentFactor} with {ex.GetType().Name}.", CurrentPlugin, CurrentFactor, innerException: RedactedException.From(ex));
        }
    }

    private HandshakeException ServerRejected(AuthEvent authEvent)
    {
        var code = PeerText.Printable(authEvent.ErrorCode, 32);
        var message = PeerText.Printable(authEvent.Message, 512);
        var rejection = new HandshakeException(
            AuthErrorCode.ServerRejected,
            $"The server rejected authentication{(code.Length > 0 ? " (" + code + ")" : string.Empty)}: {(message.Length > 0 ? message : "no reason given")}",
            CurrentPlugin,
            CurrentFactor)
        {
            ServerErrorCode = authEvent.ErrorCode is null ? null : code,
        };

        // The mechanism may know more than the protocol's failure message (RFC 7628 §3.2.2's error JSON).
        return _exchange?.OnServerRejected(rejection)?.WithContext(CurrentPlugin, CurrentFactor) ?? rejection;
    }

    private HandshakeException TimedOut() =>
        _deadline is { HasExpired: true } deadline
            ? new(AuthErrorCode.Timeout, deadline.Describe(CurrentPlugin is null ? "The authentication phase" : $"The authentication phase (plugin '{CurrentPlugin}', factor {CurrentFactor})"), CurrentPlugin, CurrentFactor)
            : new(AuthErrorCode.Timeout, $"The handshake did not complete within its time limit (HandshakeOptions.HandshakeTimeout {_options.HandshakeTimeout}, RoundTimeout {_options.RoundTimeout}).", CurrentPlugin, CurrentFactor);

    private HandshakeException Violation(string message) => new(AuthErrorCode.ProtocolViolation, message, CurrentPlugin, CurrentFactor);

    private Exception Fail(Exception ex, CancellationToken cancellationToken)
    {
        var mapped = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? ex : PluginError(ex, cancellationToken);
        if (State != AuthNegotiatorState.Failed)
        {
            State = AuthNegotiatorState.Failed;
            var code = mapped is HandshakeException auth ? auth.Code : AuthErrorCode.Unspecified;
            _telemetry.Failed(Role, _passed.Count > 0 ? _passed[0].PluginName : CurrentPlugin, code, _startTimestamp == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_startTimestamp));
            Log.NegotiationFailed(_logger, code, CurrentPlugin, CurrentFactor, mapped.Message);
            _activity?.SetTag(HandshakeTelemetry.MechanismAttribute, _passed.Count > 0 ? _passed[0].PluginName : CurrentPlugin);
            HandshakeTelemetry.MarkFailed(_activity, code);
            _activity?.Dispose();
            _activity = null;
            EndExchange();
        }

        return mapped;
    }

    private void EndExchange()
    {
        var exchange = _exchange;
        _exchange = null;
        exchange?.Dispose();
    }

    private AuthAction ToAction(AuthReply reply) => reply.HasData ? AuthAction.Send(CurrentPlugin!, reply.Data) : AuthAction.Wait;
}
