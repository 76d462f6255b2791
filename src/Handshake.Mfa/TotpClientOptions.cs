namespace Handshake.Mfa;

/// <summary>Options of the client TOTP plugin (<c>AddTotp</c>). Validated at start-up.</summary>
public sealed class TotpClientOptions
{
    /// <summary>
    /// Gets or sets how codes are computed from a shared secret. An <c>otpauth://</c> URI given as
    /// the secret carries its own parameters and wins. Default SHA-1, 6 digits, 30 s.
    /// </summary>
    public TotpParameters Parameters { get; set; } = TotpParameters.Default;

    /// <summary>
    /// Gets or sets the callback that asks a person for a code when the factor's credential slot is
    /// empty. It gets the factor index, the user and the server's message, and returns the digits
    /// typed (spaces allowed, as apps group them). Null: a secret is required.
    /// </summary>
    public Func<TotpPromptContext, CancellationToken, ValueTask<string>>? Prompt { get; set; }
}
