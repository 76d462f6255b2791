using System.Text.RegularExpressions;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>Options of the client <c>dialog</c> plugin (<c>AddDialog</c>).</summary>
public sealed class DialogClientOptions
{
    /// <summary>The default name of the client plugin that computes one-time codes (Handshake.Mfa's <c>AddTotp</c>).</summary>
    public const string DefaultCodePluginName = "totp";

    /// <summary>
    /// Gets or sets the callback that answers questions the defaults do not (or every question, with
    /// <see cref="UseDefaultAnswers"/> off): it gets the prompt and returns the line to send, or null
    /// when it has no answer (the handshake then fails with <see cref="AuthErrorCode.MissingCredential"/>
    /// and nothing is sent). It runs under the handshake's deadline and cancellation.
    /// </summary>
    public Func<DialogPrompt, CancellationToken, ValueTask<string?>>? Prompt { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether questions are first answered without the callback: the
    /// first password question that does not ask for a code gets the factor's secret; a question that
    /// asks for a code (<see cref="CodePromptPattern"/>) gets a TOTP code when the code slot holds a
    /// TOTP secret. Default true.
    /// </summary>
    public bool UseDefaultAnswers { get; set; } = true;

    /// <summary>
    /// Gets or sets which questions ask for a one-time code. The default matches "code", "token",
    /// "OTP", "one-time" and "passcode" (Google Authenticator's PAM module asks "Verification code: ").
    /// </summary>
    public Regex CodePromptPattern { get; set; } = Internal.DialogPatterns.CodeQuestion();

    /// <summary>
    /// Gets or sets the registered client plugin that computes a code from the code slot's secret
    /// (default "totp": Handshake.Mfa's <c>AddTotp</c>, which takes a base32 secret or an otpauth URI).
    /// The dialog runs it for one round with the question's text, so its own rules (the cleartext gate,
    /// the code's parameters) apply.
    /// </summary>
    public string CodePluginName { get; set; } = DefaultCodePluginName;

    /// <summary>
    /// Gets or sets the credential slot (1 to 3) that holds the TOTP secret for code questions. Null (the
    /// default) means the slot after the dialog's own factor: a dialog run as factor 1 reads password2.
    /// </summary>
    public int? CodeSecretSlot { get; set; }

}
