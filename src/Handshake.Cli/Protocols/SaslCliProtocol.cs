using System.Text;
using Handshake.Cli.Probe;
using Handshake.Cli.Serve;
using Handshake.Plugins.Plain;
using Handshake.Protocols.Sasl;

namespace Handshake.Cli.Protocols;

/// <summary>
/// SASL over a text protocol: IMAP AUTHENTICATE (RFC 9051, SASL-IR RFC 4959) or SMTP AUTH (RFC 4954), with
/// STARTTLS or implicit TLS, through Handshake.Protocols.Sasl. Mechanisms: SCRAM-SHA-256[-PLUS],
/// SCRAM-SHA-1, PLAIN (PLAIN only over verified TLS).
/// </summary>
internal sealed class SaslCliProtocol(SaslCliProtocol.Kind kind, IReadOnlyList<string> schemes, int defaultPort, SaslTlsStart tls) : CliProtocol
{
    /// <summary>Which text protocol carries the SASL exchange.</summary>
    internal enum Kind
    {
        /// <summary>IMAP AUTHENTICATE.</summary>
        Imap,

        /// <summary>SMTP AUTH.</summary>
        Smtp,
    }

    public override IReadOnlyList<string> Schemes => schemes;

    public override string DisplayName => kind == Kind.Imap ? "IMAP" : "SMTP";

    public override int DefaultPort => defaultPort;

    public override bool ImplicitTls => tls == SaslTlsStart.Implicit;

    public override IReadOnlyList<string> ExtraClientPlugins { get; } = ["SCRAM-SHA-1", PlainPluginNames.Plain];

    public override async Task<AuthResult> ProbeAsync(IProbeSession session, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var settings = session.Settings;
        using var tcp = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var options = new SaslClientOptions { TlsStart = tls };
        using var ca = session.ApplyTls(options);

        // sslmode prefer is the adapter's own: without STARTTLS on offer it continues in the clear.
        var result = kind == Kind.Imap
            ? await ImapClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials, cancellationToken).ConfigureAwait(false)
            : await SmtpClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials, cancellationToken).ConfigureAwait(false);
        session.Observe(result.Stream, result.Transport);
        try
        {
            // Leave politely: IMAP LOGOUT (RFC 9051 section 6.1.3), SMTP QUIT (RFC 5321 section 4.1.1.10).
            await result.Stream.WriteAsync(Encoding.ASCII.GetBytes(kind == Kind.Imap ? "Z LOGOUT\r\n" : "QUIT\r\n"), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Leaving anyway.
        }
        finally
        {
            if (!ReferenceEquals(result.Stream, tcp.GetStream()))
            {
                await result.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result.Authentication;
    }

    public override void ConfigureAcceptor(AcceptorOptions options, ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);

        // SASL servers list mechanisms before anyone is named; PLAIN checks the same SCRAM credential
        // (and is offered only over TLS, by the PLAIN verifier's own rule).
        options.DefaultPlugin = UsersFile.Scram;
        options.OfferedPlugins.Add(UsersFile.Scram);
        options.OfferedPlugins.Add(PlainPluginNames.Plain);
    }

    public override void Validate(ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (ImplicitTls && settings.Certificate is null)
        {
            throw new CliUsageException($"serve {Name} starts every connection with TLS: give --tls-cert and --tls-key");
        }
    }

    public override async Task<string?> ServeAsync(ServeConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new SaslAcceptorOptions
        {
            TlsStart = tls,
            ServerCertificate = connection.Certificate,
            IdleTimeout = connection.Settings.SessionIdleTimeout,
        };
        var result = kind == Kind.Imap
            ? await ImapAcceptorSession.AcceptAsync(connection.Stream, options, connection.Factory, cancellationToken).ConfigureAwait(false)
            : await SmtpAcceptorSession.AcceptAsync(connection.Stream, options, connection.Factory, cancellationToken).ConfigureAwait(false);
        return result.Authentication is null && result.AuthenticationAttempts == 0
            ? $"no authentication{(result.FailureReason == AuthErrorCode.Unspecified ? string.Empty : $" ({result.FailureReason})")}"
            : ServeLog.Login(result.Authentication?.UserName, result.IsEncrypted, result.Authentication, result.FailureReason, result.FailureDetail);
    }
}
