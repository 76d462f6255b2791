using System.Net;
using MailKit.Security;

namespace Handshake.MailKit;

/// <summary>
/// A MailKit <see cref="SaslMechanism"/> that runs a Handshake client plugin: MailKit frames the protocol
/// (IMAP, SMTP, POP3) and hands each server challenge here; Handshake's <see cref="AuthNegotiator"/> runs
/// the mechanism with its rules (the cleartext gate, iteration bounds, the SCRAM derived-key cache,
/// wiping of secrets). The secret stays in the <see cref="AuthCredentials"/>: MailKit's
/// <see cref="SaslMechanism.Credentials"/> carries the user name only.
/// </summary>
/// <remarks>
/// MailKit never tells a mechanism that the server said OK. The bridge therefore closes the exchange when the
/// plugin has nothing more to send after a challenge (SCRAM after verifying the server's signature): that is
/// when <see cref="SaslMechanism.IsAuthenticated"/> turns true and <see cref="Result"/> is set; a mechanism
/// whose last step is the client's (PLAIN) is done when MailKit's call succeeds. Channel binding (-PLUS) needs
/// the server's certificate in <c>transport</c>: MailKit's channel-binding context is not read.
/// </remarks>
public sealed class HandshakeSaslMechanism : SaslMechanism, IDisposable
{
    private readonly string _mechanism;
    private readonly IAuthNegotiatorFactory _factory;
    private readonly AuthCredentials _credentials;
    private readonly TransportSecurity _transport;
    private AuthNegotiator? _negotiator;

    /// <summary>Creates the mechanism.</summary>
    /// <param name="mechanism">The SASL mechanism name, as a Handshake plugin is registered (e.g. "SCRAM-SHA-256").</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user and secrets; the caller keeps ownership.</param>
    /// <param name="transport">What the connection guarantees (set <see cref="TransportSecurity.IsEncrypted"/> and
    /// <see cref="TransportSecurity.IsCertificateVerified"/> after MailKit's TLS check, and the certificate for -PLUS).
    /// Default: a plain transport, so no cleartext password is released.</param>
    public HandshakeSaslMechanism(string mechanism, IAuthNegotiatorFactory negotiatorFactory, AuthCredentials credentials, TransportSecurity? transport = null)
        : base(new NetworkCredential(credentials?.UserName ?? throw new ArgumentNullException(nameof(credentials)), string.Empty))
    {
        ArgumentException.ThrowIfNullOrEmpty(mechanism);
        ArgumentNullException.ThrowIfNull(negotiatorFactory);
        _mechanism = mechanism;
        _factory = negotiatorFactory;
        _credentials = credentials;
        _transport = transport ?? TransportSecurity.None;
    }

    /// <inheritdoc />
    public override string MechanismName => _mechanism;

    /// <inheritdoc />
    public override bool SupportsInitialResponse => true;

    /// <summary>Gets the negotiator's result once the exchange closed (see the remarks).</summary>
    public AuthResult? Result { get; private set; }

    /// <inheritdoc />
    public override void Reset()
    {
        _negotiator?.Dispose();
        _negotiator = null;
        Result = null;
        IsAuthenticated = false;
        base.Reset();
    }

    /// <summary>Disposes the negotiator in progress, wiping what its plugin derived.</summary>
    public void Dispose()
    {
        _negotiator?.Dispose();
        _negotiator = null;
    }

    /// <inheritdoc />
    protected override byte[] Challenge(byte[]? token, int startIndex, int length, CancellationToken cancellationToken) =>
        ChallengeAsync(token, startIndex, length, cancellationToken).GetAwaiter().GetResult() ?? [];

    /// <inheritdoc />
    /// <exception cref="HandshakeException">The plugin refused (a bad server message, the cleartext gate, a missing secret).</exception>
    protected override async Task<byte[]?> ChallengeAsync(byte[]? token, int startIndex, int length, CancellationToken cancellationToken)
    {
        var data = token is null ? ReadOnlyMemory<byte>.Empty : token.AsMemory(startIndex, length);
        AuthAction action;
        if (_negotiator is null)
        {
            _negotiator = _factory.Create(_credentials, _transport);
            action = await _negotiator.HandleAsync(AuthEvent.Begin(_mechanism, data), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            action = await _negotiator.HandleAsync(AuthEvent.Continue(data), cancellationToken).ConfigureAwait(false);
            if (action.Kind != AuthActionKind.Send)
            {
                // Nothing more to say: the plugin took the server's final data. Close the exchange now, so a
                // plugin that requires mutual authentication refuses here if the proof was missing.
                var closed = await _negotiator.HandleAsync(AuthEvent.Succeeded(), cancellationToken).ConfigureAwait(false);
                Result = closed.Result;
                IsAuthenticated = true;
                return [];
            }
        }

        // MailKit copies the reply into its own line; the negotiator's buffer is valid only until the next call.
        return action.Kind == AuthActionKind.Send ? action.Data.ToArray() : [];
    }
}
