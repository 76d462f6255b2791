namespace Handshake;

/// <summary>What the bytes of an <see cref="AuthSecret"/> are.</summary>
public enum AuthSecretKind
{
    /// <summary>Text (a password or passphrase), held as UTF-8.</summary>
    Text = 0,

    /// <summary>Opaque bytes (a pre-hashed password, a shared key).</summary>
    Binary = 1,
}
