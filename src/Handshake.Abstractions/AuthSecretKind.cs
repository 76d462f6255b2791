namespace Handshake;

/// <summary>What the bytes of an <see cref="AuthSecret"/> are.</summary>
public enum AuthSecretKind
{
    /// <summary>Text (a password or passphrase), held as UTF-8.</summary>
    Text = 0,

    /// <summary>Opaque bytes (a pre-hashed password, a shared key).</summary>
    Binary = 1,

    /// <summary>
    /// A key recovered from another login (<see cref="PassThroughCredential"/>: SCRAM's ClientKey and
    /// ServerKey, mysql_native_password's SHA1(password)), used in place of the password. Only the
    /// plugin of that mechanism receives it (<see cref="AuthExchangeContext.RequireSecret"/>).
    /// </summary>
    PassThrough = 2,
}
