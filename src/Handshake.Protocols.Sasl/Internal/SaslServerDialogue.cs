namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// What the IMAP and SMTP server sessions share: reading commands under the first-message, per-command
/// and idle deadlines and a command budget; STARTTLS; the mechanisms to advertise for the current
/// transport; and one SASL exchange run by the engine's <see cref="AuthAcceptor.RunAsync(IAcceptorTransport, string, HandshakeDeadline, CancellationToken)"/>.
/// </summary>
internal abstract class SaslServerDialogue(LineConnection lines, SaslAcceptorOptions options, IAuthAcceptorFactory factory)
{
    private int _commands;
    private HandshakeDeadline? _deadline;
    private CancellationToken _sessionToken;

    protected LineConnection Lines => lines;

    protected SaslAcceptorOptions Options => options;

    protected AuthResult? Authenticated { get; private set; }

    protected bool IsEncrypted => lines.Security.IsEncrypted;

    /// <summary>Gets a value indicating whether STARTTLS is on offer now.</summary>
    protected bool CanStartTls => options.ServerCertificate is not null && options.TlsStart == SaslTlsStart.StartTls && !IsEncrypted && Authenticated is null;

    /// <summary>Gets a value indicating whether authentication is refused on this transport (RequireTls before STARTTLS).</summary>
    protected bool AuthenticationDisabled => options.RequireTls && !IsEncrypted;

    public int Attempts { get; private set; }

    /// <summary>Gets the reason of the last failed exchange, or, when none failed, why the session ended.</summary>
    public AuthErrorCode FailureReason { get; private set; }

    public string? FailureDetail { get; private set; }

    /// <summary>Runs the session until the client leaves, a limit is hit or a deadline passes.</summary>
    public async Task<SaslAcceptorResult> RunAsync(HandshakeDeadline deadline, CancellationToken authenticationDeadline, CancellationToken sessionToken)
    {
        _deadline = deadline;
        _sessionToken = sessionToken;
        try
        {
            await GreetAsync(authenticationDeadline).ConfigureAwait(false);
            while (true)
            {
                var token = Authenticated is null ? authenticationDeadline : sessionToken;
                var (limit, option) = _commands == 0 ? (options.FirstMessageTimeout, "SaslAcceptorOptions.FirstMessageTimeout")
                    : Authenticated is null ? (options.RoundTimeout, "SaslAcceptorOptions.RoundTimeout")
                    : (options.IdleTimeout, "SaslAcceptorOptions.IdleTimeout");
                var line = await AdapterDeadline.RunAsync(lines.ReadLineAsync, limit, options.TimeProvider, _commands == 0 ? "The client's first command" : "The client's next command", option, token).ConfigureAwait(false);
                if (++_commands > options.MaxCommands)
                {
                    await SayGoodbyeAsync("Too many commands", token).ConfigureAwait(false);
                    EndedBy(AuthErrorCode.RoundLimitExceeded, $"the client sent more than {options.MaxCommands} commands (SaslAcceptorOptions.MaxCommands)");
                    break;
                }

                if (!await HandleAsync(line, token).ConfigureAwait(false))
                {
                    break;
                }

                if (Authenticated is { } authenticated && options.SessionHandler is { } handler)
                {
                    // The login's completion went out; the session is the handler's, the shape every adapter shares.
                    await RunSessionHandlerAsync(handler, authenticated, sessionToken).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (HandshakeException ex) when (ex.Code == AuthErrorCode.Timeout && Authenticated is null)
        {
            await TrySayGoodbyeAsync("Timeout waiting for the client").ConfigureAwait(false);
            EndedBy(ex.Code, ex.Message);
        }
        catch (HandshakeException ex) when (Authenticated is null)
        {
            await TrySayGoodbyeAsync("Protocol error").ConfigureAwait(false);
            EndedBy(ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (authenticationDeadline.IsCancellationRequested && Authenticated is null && !sessionToken.IsCancellationRequested)
        {
            await TrySayGoodbyeAsync("Authentication took too long").ConfigureAwait(false);
            EndedBy(AuthErrorCode.Timeout, deadline.Describe("The client's authentication"));
        }
        catch (HandshakeException)
        {
            // After authentication the session is only a courtesy: its end does not undo the login.
        }
        catch (IOException ex) when (Authenticated is null)
        {
            EndedBy(AuthErrorCode.TransportFailure, $"the connection failed ({ex.GetType().Name})");
        }
        catch (IOException)
        {
            // The authenticated client went away without logging out.
        }

        return new SaslAcceptorResult(lines.Security, Authenticated, Authenticated is null ? FailureReason : AuthErrorCode.Unspecified, Authenticated is null ? FailureDetail : null, Attempts);
    }

    private async Task RunSessionHandlerAsync(AdapterSessionHandler handler, AuthResult authenticated, CancellationToken sessionToken)
    {
        var stream = lines.DetachForSession();
        await using var detached = stream.ConfigureAwait(false);
        try
        {
            await handler(new AdapterSession(stream, authenticated, lines.Security, options), sessionToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or HandshakeException)
        {
            // The client was authenticated; how its session ended afterwards does not change that.
        }
    }

    /// <summary>Sends the greeting.</summary>
    protected abstract ValueTask GreetAsync(CancellationToken cancellationToken);

    /// <summary>Handles one command line; false ends the session.</summary>
    protected abstract ValueTask<bool> HandleAsync(string line, CancellationToken cancellationToken);

    /// <summary>Tells the client the session ends (IMAP BYE, SMTP 421).</summary>
    protected abstract ValueTask SayGoodbyeAsync(string reason, CancellationToken cancellationToken);

    /// <summary>The mechanisms to advertise now: what the engine would offer over this transport.</summary>
    protected IReadOnlyList<string> Mechanisms()
    {
        if (AuthenticationDisabled || Authenticated is not null)
        {
            return [];
        }

        using var probe = factory.Create(lines.Security, AcceptorStartMode.Offer);
        return probe.GetOfferedMechanisms();
    }

    protected async ValueTask StartTlsAsync(CancellationToken cancellationToken) =>
        _ = await AdapterDeadline.RunAsync(ct => lines.StartTlsAsServerAsync(options.ServerCertificate!, ct), options.RoundTimeout, options.TimeProvider, "The client's TLS handshake", "SaslAcceptorOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);

    /// <summary>Whether another exchange may start; false once the budget of failed attempts is spent.</summary>
    protected bool MayAttempt() => Attempts < options.MaxAuthenticationAttempts;

    /// <summary>Runs one SASL exchange; the transport writes every line of it, this only records the outcome.</summary>
    protected async ValueTask RunExchangeAsync(string mechanism, byte[]? initialResponse, SaslServerReplies replies, CancellationToken cancellationToken)
    {
        Attempts++;
        using var acceptor = factory.Create(lines.Security, AcceptorStartMode.Offer);
        var transport = new SaslAcceptorTransport(lines, lines.Security, mechanism, initialResponse, replies);
        // The whole-phase deadline goes to the engine apart from the caller's token, so that its passing while a
        // verifier awaits is recorded as Timeout, not as the caller's cancellation.
        var result = _deadline is { } deadline
            ? await acceptor.RunAsync(transport, null, deadline, _sessionToken).ConfigureAwait(false)
            : await acceptor.RunAsync(transport, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result is not null && !transport.ClientRefusedSuccess)
        {
            Authenticated = result;
            return;
        }

        Fail(acceptor.FailureReason == AuthErrorCode.Unspecified ? AuthErrorCode.ProtocolViolation : acceptor.FailureReason, transport.Cancelled ? "the client cancelled the exchange (*)" : acceptor.FailureDetail);
        if (!transport.Concluded)
        {
            // The exchange broke off in the transport (bad base64, a step SASL cannot carry): the client still gets its answer.
            await lines.WriteLineAsync(replies.Failure, cancellationToken).ConfigureAwait(false);
        }
    }

    protected void Fail(AuthErrorCode code, string? detail)
    {
        FailureReason = code;
        FailureDetail = detail;
    }

    /// <summary>
    /// Why the session ended, unless an exchange already failed: that reason is the one the logs need, and
    /// that exchange's acceptor already counted it. A session that ends unauthenticated without any failed
    /// exchange (silent, broken, over its budget) is counted here, through the engine's telemetry.
    /// </summary>
    private void EndedBy(AuthErrorCode code, string? detail)
    {
        if (FailureReason == AuthErrorCode.Unspecified)
        {
            Fail(code, detail);
            if (Authenticated is null)
            {
                RecordFailure(code, detail ?? code.ToString());
            }
        }
    }

    /// <summary>Records a failure the adapter detected outside an exchange as the engine records its own.</summary>
    public void RecordFailure(AuthErrorCode code, string detail)
    {
        using var acceptor = factory.Create(lines.Security, AcceptorStartMode.Offer);
        acceptor.RecordTransportFailure(code, detail);
    }

    private async ValueTask TrySayGoodbyeAsync(string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), options.TimeProvider);
            await SayGoodbyeAsync(reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            // The connection is going anyway.
        }
    }
}
