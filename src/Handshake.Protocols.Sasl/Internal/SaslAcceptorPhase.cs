namespace Handshake.Protocols.Sasl.Internal;

/// <summary>What both server sessions share around their dialogue: option checks, implicit TLS, deadlines, closing the TLS stream this adapter made.</summary>
internal static class SaslAcceptorPhase
{
    public static async Task<SaslAcceptorResult> RunAsync(Stream stream, SaslAcceptorOptions options, Func<LineConnection, SaslServerDialogue> create, CancellationToken cancellationToken)
    {
        if (options.RequireTls && options.ServerCertificate is null)
        {
            throw new ArgumentException("SaslAcceptorOptions.RequireTls needs a ServerCertificate.", nameof(options));
        }

        if (options.MaxMessageLength < 512)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SaslAcceptorOptions.MaxMessageLength must be at least 512.");
        }

        using var authentication = new HandshakeDeadline(options.AuthenticationTimeout, options.TimeProvider, "SaslAcceptorOptions.AuthenticationTimeout");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, authentication.Token);
        var lines = new LineConnection(stream, options.MaxMessageLength);
        var dialogue = create(lines);
        try
        {
            if (options.ServerCertificate is { } certificate && options.TlsStart == SaslTlsStart.Implicit)
            {
                try
                {
                    _ = await AdapterDeadline.RunAsync(ct => lines.StartTlsAsServerAsync(certificate, ct), options.FirstMessageTimeout, options.TimeProvider, "The client's TLS handshake (implicit TLS)", "SaslAcceptorOptions.FirstMessageTimeout", linked.Token).ConfigureAwait(false);
                }
                catch (HandshakeException ex)
                {
                    dialogue.RecordFailure(ex.Code, ex.Message);
                    return new SaslAcceptorResult(lines.Security, null, ex.Code, ex.Message, 0);
                }
            }

            return await dialogue.RunAsync(authentication, linked.Token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(lines.Stream, stream))
            {
                await lines.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
