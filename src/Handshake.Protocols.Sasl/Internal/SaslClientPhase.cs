namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// What both clients share: the whole-phase deadline, implicit TLS before the greeting, and closing the
/// TLS stream this adapter created when the phase fails (the caller's stream stays the caller's).
/// </summary>
internal static class SaslClientPhase
{
    public static async Task<SaslClientResult> RunAsync(Stream stream, SaslClientOptions options, Func<LineConnection, CancellationToken, Task<SaslClientResult>> dialogue, string protocol, CancellationToken cancellationToken)
    {
        if (options.MaxLineLength < 512)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SaslClientOptions.MaxLineLength must be at least 512 (RFC 5321 §4.5.3.1.4).");
        }

        using var whole = new CancellationTokenSource(options.Timeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token);
        var lines = new LineConnection(stream, options.MaxLineLength);
        try
        {
            if (options.TlsMode == SaslTlsMode.Implicit)
            {
                _ = await Deadline.RunAsync(ct => lines.StartTlsAsClientAsync(options, ct), options.FirstMessageTimeout, options.TimeProvider, "The TLS handshake (implicit TLS)", "SaslClientOptions.FirstMessageTimeout", linked.Token).ConfigureAwait(false);
            }

            return await dialogue(lines, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (!ReferenceEquals(lines.Stream, stream))
            {
                await lines.Stream.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && whole.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new HandshakeException(AuthErrorCode.Timeout, $"The {protocol} authentication phase did not complete within {options.Timeout.TotalSeconds:0.###} s (SaslClientOptions.Timeout).", innerException: ex);
            }

            if (ex is IOException io)
            {
                throw SaslErrors.Transport($"The connection to the {protocol} server failed ({io.GetType().Name}).", io);
            }

            throw;
        }
    }
}
