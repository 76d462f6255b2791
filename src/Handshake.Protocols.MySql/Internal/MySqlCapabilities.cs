namespace Handshake.Protocols.MySql.Internal;

/// <summary>Capability flags of the MySQL client/server protocol (include/mysql_com.h).</summary>
[Flags]
internal enum MySqlCapabilities : uint
{
    None = 0,

    /// <summary>CLIENT_LONG_PASSWORD; MariaDB reads a clear bit as "MariaDB peer": set it to look like MySQL.</summary>
    LongPassword = 1,
    FoundRows = 1 << 1,
    LongFlag = 1 << 2,
    ConnectWithDb = 1 << 3,
    Protocol41 = 1 << 9,
    Ssl = 1 << 11,
    Transactions = 1 << 13,
    SecureConnection = 1 << 15,
    MultiStatements = 1 << 16,
    MultiResults = 1 << 17,
    PsMultiResults = 1 << 18,
    PluginAuth = 1 << 19,
    ConnectAttrs = 1 << 20,
    PluginAuthLenencClientData = 1 << 21,
    DeprecateEof = 1 << 24,
    MultiFactorAuthentication = 1 << 28,
}
