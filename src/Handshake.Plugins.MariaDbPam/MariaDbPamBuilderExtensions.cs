using Handshake.Plugins.MariaDbPam.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// Registers the plugins MariaDB's PAM authentication talks to (<c>dialog</c>, <c>mysql_clear_password</c>)
/// and their verifiers, under their wire names or others; each registration's options are named after
/// it, validated at start-up and read when an exchange starts.
/// </summary>
public static class MariaDbPamBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin <c>dialog</c>. For code questions answered from a TOTP secret, register
    /// the code plugin too (Handshake.Mfa's <c>AddTotp()</c>). Calling it twice is harmless (the options add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialog(this IHandshakeBuilder builder) => builder.AddDialog(MariaDbPamPluginNames.Dialog, null);

    /// <summary>
    /// Registers the client plugin <c>dialog</c>. For code questions answered from a TOTP secret, register
    /// the code plugin too (Handshake.Mfa's <c>AddTotp()</c>). Calling it twice is harmless (the options add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the prompt callback and the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialog(this IHandshakeBuilder builder, Action<DialogClientOptions>? configure) => builder.AddDialog(MariaDbPamPluginNames.Dialog, configure);

    /// <summary>Registers the client plugin <c>dialog</c> under <paramref name="name"/> (its options' name too), with its payload redactor.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="configure">Configures the prompt callback and the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialog(this IHandshakeBuilder builder, string name, Action<DialogClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<DialogClientOptions>(name, configure, (_, o) => DialogClientFailures(o));
        _ = builder.TryAddNamedPlugin(name, sp => new DialogPlugin(name, sp.GetRequiredService<IOptionsMonitor<DialogClientOptions>>()));
        return builder.AddPayloadRedactor(name, DialogPayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the client plugin <c>mysql_clear_password</c>. It sends the password itself, so it runs
    /// only where the engine's cleartext gate allows (verified TLS, a trusted local socket, or an explicit
    /// opt-in). Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPassword(this IHandshakeBuilder builder) => builder.AddClearPassword(MariaDbPamPluginNames.ClearPassword);

    /// <summary>Registers the client plugin <c>mysql_clear_password</c> under <paramref name="name"/>, with its payload redactor.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPassword(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedPlugin(name, _ => new ClearPasswordPlugin(name));
        return builder.AddPayloadRedactor(name, ClearPasswordPayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the server verifier <c>dialog</c> with its questions, e.g.
    /// <c>o.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"))</c> and
    /// <c>o.Questions.Add(DialogQuestion.Verifier("code", "totp"))</c>; register what the questions name
    /// (<c>AddScramVerifier()</c>, <c>AddTotpVerifier()</c>). The questions are checked when the options
    /// are first read (at start-up in a host).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds the questions and adjusts <see cref="DialogVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialogVerifier(this IHandshakeBuilder builder, Action<DialogVerifierOptions> configure) =>
        builder.AddDialogVerifier(MariaDbPamPluginNames.Dialog, configure);

    /// <summary>Registers the server verifier <c>dialog</c> under <paramref name="name"/> (its options' name too), with its payload redactor.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <param name="configure">Adds the questions and adjusts <see cref="DialogVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialogVerifier(this IHandshakeBuilder builder, string name, Action<DialogVerifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = builder.AddNamedOptions<DialogVerifierOptions>(name, configure, sp => new DialogVerifierOptionsValidator(sp));
        _ = builder.TryAddNamedVerifier(name, sp => new DialogVerifier(name, sp.GetRequiredService<IOptionsMonitor<DialogVerifierOptions>>(), sp));
        return builder.AddPayloadRedactor(name, DialogPayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the server verifier <c>mysql_clear_password</c>, which checks the password against the
    /// user's stored credential of <see cref="ClearPasswordVerifierOptions.CredentialFamily"/> (register that
    /// family's verifier too, e.g. <c>AddScramVerifier</c>, which brings its <see cref="IStoredPasswordChecker"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPasswordVerifier(this IHandshakeBuilder builder) => builder.AddClearPasswordVerifier(MariaDbPamPluginNames.ClearPassword, null);

    /// <summary>Registers the server verifier <c>mysql_clear_password</c> (see <see cref="AddClearPasswordVerifier(IHandshakeBuilder)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="ClearPasswordVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPasswordVerifier(this IHandshakeBuilder builder, Action<ClearPasswordVerifierOptions>? configure) =>
        builder.AddClearPasswordVerifier(MariaDbPamPluginNames.ClearPassword, configure);

    /// <summary>Registers the server verifier <c>mysql_clear_password</c> under <paramref name="name"/> (its options' name too), with its payload redactor.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <param name="configure">Adjusts <see cref="ClearPasswordVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPasswordVerifier(this IHandshakeBuilder builder, string name, Action<ClearPasswordVerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<ClearPasswordVerifierOptions>(name, configure, (_, o) => string.IsNullOrEmpty(o.CredentialFamily) ? ["ClearPasswordVerifierOptions.CredentialFamily must not be empty."] : []);
        _ = builder.TryAddNamedVerifier(name, sp => new ClearPasswordVerifier(name, sp.GetRequiredService<IOptionsMonitor<ClearPasswordVerifierOptions>>(), sp));
        return builder.AddPayloadRedactor(name, ClearPasswordPayloadRedactor.Instance);
    }

    private static IEnumerable<string> DialogClientFailures(DialogClientOptions o)
    {
        if (o.CodePromptPattern is null)
        {
            yield return "DialogClientOptions.CodePromptPattern must not be null.";
        }

        if (string.IsNullOrEmpty(o.CodePluginName))
        {
            yield return "DialogClientOptions.CodePluginName must not be empty.";
        }

        if (o.CodeSecretSlot is not (null or >= 1 and <= AuthCredentials.MaxFactors))
        {
            yield return "DialogClientOptions.CodeSecretSlot must be 1 to 3, or null for the slot after the dialog's factor.";
        }
    }
}
