namespace Handshake.Protocols.Sasl.Internal;

/// <summary>What both server sessions share around their dialogue: option checks, implicit TLS, deadlines, closing the TLS stream this adapter made.</summary>
internal static class SaslAcceptorPhase
{
    public static async Task<SaslAcceptorResult> RunAsync(Stream stream, SaslAcceptorOptions options, Func<LineConnection, SaslServerDialogue> create, CancellationToken cancellationToken)
    {
        if (options.TlsMode != SaslTlsMode.None && options.ServerCertificate is null)
        {
            throw new ArgumentException($"SaslAcceptorOptions.TlsMode {options.TlsMode} needs a ServerCertificate.", nameof(options));
        }

        if (options.RequireTls && options.TlsMode == SaslTlsMode.None)
        {
            throw new ArgumentException("SaslAcceptorOptions.RequireTls needs a TlsMode other than None.", nameof(options));
        }

        if (options.MaxLineLength < 512)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SaslAcceptorOptions.MaxLineLength must be at least 512.");
        }

        using var authentication = new CancellationTokenSource(options.AuthenticationTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, authentication.Token);
        var lines = new LineConnection(stream, options.MaxLineLength);
        try
        {
            if (options.TlsMode == SaslTlsMode.Implicit)
            {
                try
                {
                    _ = await Deadline.RunAsync(ct => lines.StartTlsAsServerAsync(options.ServerCertificate!, ct), options.FirstMessageTimeout, options.TimeProvider, "The client's TLS handshake (implicit TLS)", "SaslAcceptorOptions.FirstMessageTimeout", linked.Token).ConfigureAwait(false);
                }
                catch (HandshakeException ex)
                {
                    return new SaslAcceptorResult(false, null, ex.Code, ex.Message, 0);
                }
            }

            return await create(lines).RunAsync(linked.Token, cancellationToken).ConfigureAwait(false);
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
