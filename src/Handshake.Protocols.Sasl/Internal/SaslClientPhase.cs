namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// What both clients share: option checks, the whole-phase deadline, implicit TLS before the greeting,
/// the negotiator made once the transport is known, one telemetry path for failures the adapter itself
/// detects (through <see cref="AuthNegotiator.RecordTransportFailure"/>), and closing the TLS stream this
/// adapter created when the phase fails (the caller's stream stays the caller's).
/// </summary>
internal sealed class SaslClientPhase(SaslClientOptions options, IAuthNegotiatorFactory factory, AuthCredentials credentials, string protocol)
{
    private AuthNegotiator? _negotiator;
    private HandshakeDeadline? _deadline;
    private CancellationToken _caller;
    private LineConnection? _lines;

    /// <summary>
    /// Runs the exchange under the phase's whole deadline, given to the engine apart from the caller's token so
    /// that its passing while a plugin awaits is recorded as Timeout, not as the caller's cancellation.
    /// </summary>
    public Task<AuthResult> NegotiateAsync(AuthNegotiator negotiator, IAuthTransport transport) =>
        negotiator.RunAsync(transport, _deadline ?? throw new InvalidOperationException("The phase has not started."), _caller);

    /// <summary>Gets a value indicating whether TLS is to run at all.</summary>
    public bool UsesTls => options.TlsMode != ClientTlsMode.Disable;

    /// <summary>Creates the negotiator for the transport as it now is; the phase disposes it.</summary>
    public AuthNegotiator CreateNegotiator(TransportSecurity security)
    {
        _negotiator?.Dispose();
        _negotiator = factory.Create(credentials, security);
        return _negotiator;
    }

    public async Task<SaslClientResult> RunAsync(Stream stream, Func<LineConnection, CancellationToken, Task<SaslClientResult>> dialogue, CancellationToken cancellationToken)
    {
        if (options.MaxMessageLength < 512)
        {
            throw new ArgumentOutOfRangeException(nameof(stream), "SaslClientOptions.MaxMessageLength must be at least 512 (RFC 5321 §4.5.3.1.4).");
        }

        using var whole = new HandshakeDeadline(options.Timeout, options.TimeProvider, "SaslClientOptions.Timeout");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token);
        _deadline = whole;
        _caller = cancellationToken;
        var lines = _lines = new LineConnection(stream, options.MaxMessageLength);
        try
        {
            if (UsesTls && options.TlsStart == SaslTlsStart.Implicit)
            {
                _ = await AdapterDeadline.RunAsync(ct => lines.StartTlsAsClientAsync(options, ct), options.FirstMessageTimeout, options.TimeProvider, "The TLS handshake (implicit TLS)", "SaslClientOptions.FirstMessageTimeout", linked.Token).ConfigureAwait(false);
            }

            return await dialogue(lines, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (!ReferenceEquals(lines.Stream, stream))
            {
                await lines.Stream.DisposeAsync().ConfigureAwait(false);
            }

            var mapped = ex switch
            {
                OperationCanceledException when whole.HasExpired && !cancellationToken.IsCancellationRequested =>
                    whole.CreateTimeout($"The {protocol} authentication phase", ex),
                IOException io => SaslErrors.Transport($"The connection to the {protocol} server failed ({io.GetType().Name}).", io),
                _ => ex,
            };
            Record(mapped);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
        finally
        {
            _negotiator?.Dispose();
        }
    }

    private void Record(Exception failure)
    {
        var (code, reason) = failure switch
        {
            HandshakeException handshake => (handshake.Code, handshake.Message),
            OperationCanceledException => (AuthErrorCode.Unspecified, "the caller cancelled the authentication phase"),
            _ => (AuthErrorCode.TransportFailure, $"the connection failed ({failure.GetType().Name})"),
        };

        // Failed before the negotiator existed (greeting, TLS, capabilities): one made on what was known then records it.
        var negotiator = _negotiator ?? CreateNegotiator(_lines?.Security ?? TransportSecurity.None);
        negotiator.RecordTransportFailure(code, reason);
    }
}
