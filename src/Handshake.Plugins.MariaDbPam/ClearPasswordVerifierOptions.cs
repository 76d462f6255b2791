namespace Handshake.Plugins.MariaDbPam;

/// <summary>Server-side <c>mysql_clear_password</c> settings (<c>AddClearPasswordVerifier</c>).</summary>
public sealed class ClearPasswordVerifierOptions
{
    /// <summary>
    /// Gets or sets the credential family the password is checked against: the user's policy keeps the
    /// password's verifier under this name (or under "mysql_clear_password" in the same format), and its
    /// package registers an <see cref="IStoredPasswordChecker"/> (<c>AddScramVerifier</c> does for the default, "SCRAM-SHA-256").
    /// </summary>
    public string CredentialFamily { get; set; } = "SCRAM-SHA-256";

    /// <summary>Gets or sets a value indicating whether the verifier runs over a transport that is not safe for cleartext. Default false.</summary>
    public bool AllowInsecureTransport { get; set; }
}
