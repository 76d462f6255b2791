namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// One question the <c>dialog</c> verifier asks, and what checks its answer: a password question is
/// checked by the <see cref="IStoredPasswordChecker"/> of a credential family; a verifier question hands
/// the answer, as its one client message, to a registered verifier (e.g. Handshake.Mfa's "totp", whose
/// replay protection and lockout then apply).
/// </summary>
public sealed class DialogQuestion
{
    private DialogQuestion(string name, string? prompt, bool echo, string? passwordCredentialFamily, string? verifierName)
    {
        Name = name;
        Prompt = prompt;
        Echo = echo;
        PasswordCredentialFamily = passwordCredentialFamily;
        VerifierName = verifierName;
    }

    /// <summary>Gets the question's name: the key of its stored credential in the user's <see cref="DialogCredential"/>.</summary>
    public string Name { get; }

    /// <summary>Gets the text sent, or null for a verifier question that sends the verifier's own first message as its text.</summary>
    public string? Prompt { get; }

    /// <summary>Gets a value indicating whether the client may echo the answer (type 2) rather than hide it (type 4).</summary>
    public bool Echo { get; }

    /// <summary>Gets, for a password question, the credential family whose <see cref="IStoredPasswordChecker"/> checks the answer; otherwise null.</summary>
    public string? PasswordCredentialFamily { get; }

    /// <summary>Gets, for a verifier question, the registered verifier that checks the answer; otherwise null.</summary>
    public string? VerifierName { get; }

    /// <summary>A password question (no echo), checked against the user's stored credential of <paramref name="credentialFamily"/>.</summary>
    /// <param name="name">The question's name (its key in <see cref="DialogCredential"/>).</param>
    /// <param name="prompt">The text, e.g. "Password: ".</param>
    /// <param name="credentialFamily">The family whose password checker reads the stored credential (e.g. "SCRAM-SHA-256", registered by <c>AddScramVerifier</c>).</param>
    /// <returns>The question.</returns>
    public static DialogQuestion Password(string name, string prompt, string credentialFamily)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentException.ThrowIfNullOrEmpty(credentialFamily);
        return new DialogQuestion(name, prompt, echo: false, credentialFamily, verifierName: null);
    }

    /// <summary>A question whose answer a registered verifier checks as its single client message.</summary>
    /// <param name="name">The question's name (its key in <see cref="DialogCredential"/>).</param>
    /// <param name="verifierName">The verifier (e.g. "totp").</param>
    /// <param name="prompt">The text; null sends the verifier's own first message (the TOTP verifier's "Enter the 6-digit code for alice").</param>
    /// <param name="echo">Whether the client may echo the answer. Default false, as Google Authenticator's PAM module asks.</param>
    /// <returns>The question.</returns>
    public static DialogQuestion Verifier(string name, string verifierName, string? prompt = null, bool echo = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(verifierName);
        return new DialogQuestion(name, prompt, echo, passwordCredentialFamily: null, verifierName);
    }

    /// <summary>Describes the question.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => VerifierName is null ? $"DialogQuestion({Name}: password, {PasswordCredentialFamily})" : $"DialogQuestion({Name}: verifier {VerifierName})";
}
