namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// How the server side of the startup phase behaves: the ParameterStatus values it announces and the
/// post-login message budget. The certificate, <c>hostssl</c>-style <see cref="AdapterAcceptorOptions.RequireTls"/>,
/// message limit and deadlines (the startup packet under <see cref="AdapterAcceptorOptions.FirstMessageTimeout"/>)
/// are the ones every adapter shares (<see cref="AdapterAcceptorOptions"/>).
/// </summary>
public sealed class PostgreSqlAcceptorOptions : AdapterAcceptorOptions
{
    /// <summary>The default bound on one frontend message's body: 64 KiB (SASL messages are far smaller).</summary>
    public const int DefaultMaxMessageLength = 64 * 1024;

    /// <summary>Initializes the options with PostgreSQL's defaults.</summary>
    public PostgreSqlAcceptorOptions()
        : base(DefaultMaxMessageLength)
    {
    }

    /// <summary>Gets the ParameterStatus values sent after AuthenticationOk, in order.</summary>
    public IList<KeyValuePair<string, string>> ServerParameters { get; } =
    [
        new("server_version", "15.0 (Handshake)"),
        new("server_encoding", "UTF8"),
        new("client_encoding", "UTF8"),
        new("DateStyle", "ISO, MDY"),
        new("integer_datetimes", "on"),
        new("standard_conforming_strings", "on"),
    ];

    /// <summary>Gets or sets how many messages an authenticated session may send to the built-in courtesy session (no <see cref="AdapterAcceptorOptions.SessionHandler"/>) before it is closed. Default 1000.</summary>
    public int MaxSessionMessages { get; set; } = 1000;
}
