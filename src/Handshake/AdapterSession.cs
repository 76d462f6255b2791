namespace Handshake;

/// <summary>
/// An authenticated session as a protocol adapter's server role hands it to
/// <see cref="AdapterAcceptorOptions.SessionHandler"/>: the stream positioned right after the adapter's
/// "login done" message (MySQL's OK, PostgreSQL's ReadyForQuery, IMAP's tagged OK, SMTP's 235), the result,
/// and the transport it ran on. The same shape in every adapter, so a proxy or a session server is written once.
/// </summary>
public sealed class AdapterSession
{
    /// <summary>Initializes the session.</summary>
    /// <param name="stream">The connection after the login (the TLS stream after an upgrade); the adapter keeps ownership.</param>
    /// <param name="authentication">The login's result.</param>
    /// <param name="transport">What the connection guarantees.</param>
    /// <param name="options">The options the login ran under (their idle deadline and clock).</param>
    public AdapterSession(Stream stream, AuthResult authentication, TransportSecurity transport, AdapterAcceptorOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        Stream = stream;
        Authentication = authentication;
        Transport = transport;
        IdleTimeout = options.IdleTimeout;
        TimeProvider = options.TimeProvider;
    }

    /// <summary>Gets the connection, positioned after the adapter's "login done" message; the adapter closes what it opened (TLS) after the handler returns.</summary>
    public Stream Stream { get; }

    /// <summary>Gets the login's result.</summary>
    public AuthResult Authentication { get; }

    /// <summary>Gets the authenticated user.</summary>
    public string UserName => Authentication.UserName;

    /// <summary>Gets what the connection guarantees.</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets the database the client named, where its protocol names one (MySQL, PostgreSQL).</summary>
    public string? Database { get; init; }

    /// <summary>Gets how long the session may stay idle (<see cref="AdapterAcceptorOptions.IdleTimeout"/>): a handler waiting on the client applies it.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Gets the clock the deadlines run on.</summary>
    public TimeProvider TimeProvider { get; }
}
