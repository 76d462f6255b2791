using Handshake.Protocols.Sasl;

namespace Handshake.Cli.Protocols;

/// <summary>
/// Every protocol probe and serve speak, found by URL scheme (postgres://, mysql://, imap://, imaps://,
/// smtp://, submission://, submissions://). A new protocol is one more entry here.
/// </summary>
internal static class ProtocolCatalogue
{
    public static readonly CliProtocol PostgreSql = new PostgreSqlCliProtocol();

    public static readonly CliProtocol MySql = new MySqlCliProtocol();

    /// <summary>Gets the protocols in the order help lists them.</summary>
    public static IReadOnlyList<CliProtocol> All { get; } =
    [
        PostgreSql,
        MySql,

        // RFC 9051 IMAP with STARTTLS on 143; imaps (RFC 8314 section 3.3) TLS from the first byte on 993.
        new SaslCliProtocol(SaslCliProtocol.Kind.Imap, ["imap"], 143, SaslTlsStart.StartTls),
        new SaslCliProtocol(SaslCliProtocol.Kind.Imap, ["imaps"], 993, SaslTlsStart.Implicit),

        // RFC 5321 SMTP on 25, RFC 6409 message submission on 587 (both STARTTLS, RFC 3207), and
        // submissions (RFC 8314 section 3.3) with implicit TLS on 465.
        new SaslCliProtocol(SaslCliProtocol.Kind.Smtp, ["smtp"], 25, SaslTlsStart.StartTls),
        new SaslCliProtocol(SaslCliProtocol.Kind.Smtp, ["submission"], 587, SaslTlsStart.StartTls),
        new SaslCliProtocol(SaslCliProtocol.Kind.Smtp, ["submissions"], 465, SaslTlsStart.Implicit),
    ];

    /// <summary>Gets every scheme, for help texts and errors.</summary>
    public static IReadOnlyList<string> Schemes { get; } = [.. All.SelectMany(p => p.Schemes)];

    /// <summary>Gets every protocol name (serve's argument).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>Finds the protocol a scheme (or serve argument) names, case-insensitively; null when none.</summary>
    public static CliProtocol? Find(string scheme) =>
        All.FirstOrDefault(p => p.Schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase));
}
