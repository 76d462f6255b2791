namespace Handshake.Plugins.Scram;

/// <summary>
/// The names SCRAM's plugins and verifiers register under (RFC 5802 §4: the SASL mechanism names).
/// Each family (SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512) is one registration of the one SCRAM
/// template; its -PLUS mechanism is the same registration over TLS. A family's name is also the name
/// of its options (<c>IOptionsMonitor&lt;ScramOptions&gt;.Get(name)</c>).
/// </summary>
public static class ScramPluginNames
{
    /// <summary>SCRAM-SHA-1 (RFC 5802), what Dovecot 2.3 and MongoDB's SCRAM-SHA-1 use.</summary>
    public const string ScramSha1 = "SCRAM-SHA-1";

    /// <summary>SCRAM-SHA-1-PLUS (RFC 5802 with tls-server-end-point, RFC 5929).</summary>
    public const string ScramSha1Plus = "SCRAM-SHA-1-PLUS";

    /// <summary>SCRAM-SHA-256 (RFC 7677), what PostgreSQL uses.</summary>
    public const string ScramSha256 = "SCRAM-SHA-256";

    /// <summary>SCRAM-SHA-256-PLUS (RFC 7677 with tls-server-end-point, RFC 5929).</summary>
    public const string ScramSha256Plus = "SCRAM-SHA-256-PLUS";

    /// <summary>SCRAM-SHA-512 (draft-melnikov-scram-sha-512), what Kafka offers.</summary>
    public const string ScramSha512 = "SCRAM-SHA-512";

    /// <summary>SCRAM-SHA-512-PLUS (draft-melnikov-scram-sha-512 with tls-server-end-point, RFC 5929).</summary>
    public const string ScramSha512Plus = "SCRAM-SHA-512-PLUS";
}
