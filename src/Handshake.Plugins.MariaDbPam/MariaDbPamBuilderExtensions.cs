using Handshake.Plugins.MariaDbPam.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>Registers the plugins MariaDB's PAM authentication talks to (<c>dialog</c>, <c>mysql_clear_password</c>) and the <c>dialog</c> verifier.</summary>
public static class MariaDbPamBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin <c>dialog</c>. For code questions answered from a TOTP secret, register
    /// the code plugin too (Handshake.Mfa's <c>AddTotp()</c>). Calling it twice is harmless (the options add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the prompt callback and the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddDialog(this IHandshakeBuilder builder, Action<DialogClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DialogClientOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options
            .Validate(o => o.CodePromptPattern is not null, "DialogClientOptions.CodePromptPattern must not be null.")
            .Validate(o => !string.IsNullOrEmpty(o.CodePluginName), "DialogClientOptions.CodePluginName must not be empty.")
            .Validate(o => o.CodeSecretSlot is null or >= 1 and <= AuthCredentials.MaxFactors, "DialogClientOptions.CodeSecretSlot must be 1 to 3, or null for the slot after the dialog's factor.")
            .ValidateOnStart();
        return builder.AddPlugin<DialogPlugin>();
    }

    /// <summary>
    /// Registers the client plugin <c>mysql_clear_password</c>. It sends the password itself, so it runs
    /// only where the engine's cleartext gate allows (verified TLS, a trusted local socket, or an explicit
    /// opt-in). Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPassword(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlugin<ClearPasswordPlugin>();
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
    public static IHandshakeBuilder AddDialogVerifier(this IHandshakeBuilder builder, Action<DialogVerifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = builder.Services.AddOptions<DialogVerifierOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DialogVerifierOptions>, DialogVerifierOptionsValidator>());
        return builder.AddVerifier<DialogVerifier>();
    }

    /// <summary>
    /// Registers the server verifier <c>mysql_clear_password</c>, which checks the password against the
    /// user's stored credential of <see cref="ClearPasswordVerifierOptions.CredentialFamily"/> (register that
    /// family's verifier too, e.g. <c>AddScramVerifier</c>, which brings its <see cref="IStoredPasswordChecker"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="ClearPasswordVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddClearPasswordVerifier(this IHandshakeBuilder builder, Action<ClearPasswordVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ClearPasswordVerifierOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.Validate(o => !string.IsNullOrEmpty(o.CredentialFamily), "ClearPasswordVerifierOptions.CredentialFamily must not be empty.").ValidateOnStart();
        return builder.AddVerifier<ClearPasswordVerifier>();
    }
}
