namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// The authentication requests a PostgreSQL server sends that are not SASL (the Int32 code of its
/// Authentication message, PostgreSQL's protocol documentation §55.7). The client adapter names no
/// mechanism: <see cref="PostgreSqlClientOptions.AuthenticationRequestPlugins"/> says which plugin answers each.
/// </summary>
public enum PostgreSqlAuthenticationRequest
{
    /// <summary>No request (code 0 is AuthenticationOk, which asks for nothing).</summary>
    None = 0,

    /// <summary>AuthenticationKerberosV5 (2), removed from PostgreSQL in 9.4.</summary>
    KerberosV5 = 2,

    /// <summary>AuthenticationCleartextPassword (3): the password as it is.</summary>
    CleartextPassword = 3,

    /// <summary>AuthenticationMD5Password (5): the request carries a 4-byte salt.</summary>
    Md5Password = 5,

    /// <summary>AuthenticationGSS (7).</summary>
    Gss = 7,

    /// <summary>AuthenticationSSPI (9).</summary>
    Sspi = 9,
}
