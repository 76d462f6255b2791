using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>At start-up: the credential family PLAIN reads has a registered password checker (run for one registration's name, through <see cref="NamedOptionsValidator{TOptions}"/>).</summary>
internal sealed class PlainVerifierOptionsValidator(IEnumerable<IStoredPasswordChecker> checkers) : IValidateOptions<PlainVerifierOptions>
{
    public ValidateOptionsResult Validate(string? name, PlainVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var families = checkers.Select(c => c.CredentialFamily).ToList();
        return families.Contains(options.CredentialFamily, StringComparer.Ordinal)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"PlainVerifierOptions.CredentialFamily '{options.CredentialFamily}' has no registered IStoredPasswordChecker (registered: {(families.Count == 0 ? "none" : string.Join(", ", families))}); AddScramVerifier registers one for SCRAM-SHA-256.");
    }
}
