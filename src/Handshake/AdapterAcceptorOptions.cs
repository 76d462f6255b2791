using System.Security.Cryptography.X509Certificates;

namespace Handshake;

/// <summary>
/// What every protocol adapter's server role shares: its certificate, whether TLS is required, how big a
/// client message may be, and the deadlines that drop silent and slow clients.
/// </summary>
public abstract class AdapterAcceptorOptions
{
    /// <summary>Initializes the options with a protocol's own message-length default.</summary>
    /// <param name="defaultMaxMessageLength">The largest message the protocol's clients send during authentication.</param>
    protected AdapterAcceptorOptions(int defaultMaxMessageLength)
    {
        MaxMessageLength = defaultMaxMessageLength;
    }

    /// <summary>Gets or sets the certificate offered to clients; null: TLS is not offered.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Gets or sets a value indicating whether a client that does not upgrade to TLS is refused.</summary>
    public bool RequireTls { get; set; }

    /// <summary>Gets or sets the largest client message accepted during authentication, in bytes.</summary>
    public int MaxMessageLength { get; set; }

    /// <summary>Gets or sets how long a new connection may stay silent before it is dropped. Default 10 s, as MySQL's <c>connect_timeout</c>.</summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long to wait for each later client message before authentication ends. Default 15 s.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the limit on the whole authentication phase, TLS included. Default 60 s.</summary>
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how long an authenticated session may stay idle before the server drops it. Default 60 s:
    /// these adapters authenticate and then serve at most a courtesy session (or hand the connection to
    /// <see cref="SessionHandler"/>), so a client that logs in and goes silent is let go in a minute, not after
    /// MySQL's 8-hour <c>wait_timeout</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets what serves the session after a successful login, in every adapter alike: it runs inside
    /// <c>AcceptAsync</c> after the adapter's "login done" message, with the stream positioned right after it,
    /// and <c>AcceptAsync</c> returns the login's result when it completes (a failure of the connection inside it,
    /// or the caller's cancellation, does not undo the login). Null: the adapter's own courtesy session
    /// (PostgreSQL: every query answered with feature_not_supported until Terminate; IMAP and SMTP: their
    /// post-login commands until LOGOUT/QUIT; MySQL: none, <c>AcceptAsync</c> returns after the OK and the
    /// result's stream is the caller's). A proxy sets it to relay the stream to its backend.
    /// </summary>
    public AdapterSessionHandler? SessionHandler { get; set; }

    /// <summary>Gets or sets the clock the deadlines run on (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
