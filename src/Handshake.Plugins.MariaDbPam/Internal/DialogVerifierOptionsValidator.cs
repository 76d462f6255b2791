using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>
/// Checks the dialog's questions: 1 to 8, distinct names, and every password family and verifier they
/// name registered. The registrations are looked up when validation runs (the dialog verifier is itself
/// one of the registered verifiers, so they cannot be constructor dependencies).
/// </summary>
internal sealed class DialogVerifierOptionsValidator(IServiceProvider services) : IValidateOptions<DialogVerifierOptions>
{
    public ValidateOptionsResult Validate(string? name, DialogVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var questions = options.Questions;
        if (questions.Count is 0 or > DialogVerifierOptions.MaxQuestions)
        {
            failures.Add($"DialogVerifierOptions.Questions has {questions.Count} questions; a dialog asks 1 to {DialogVerifierOptions.MaxQuestions}.");
        }

        var families = services.GetServices<IStoredPasswordChecker>().Select(c => c.CredentialFamily).ToHashSet(StringComparer.Ordinal);
        var verifiers = services.GetServices<IAuthVerifier>().Where(v => v is not DialogVerifier).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            if (question is null)
            {
                failures.Add("DialogVerifierOptions.Questions holds a null question.");
                continue;
            }

            if (!names.Add(question.Name))
            {
                failures.Add($"Dialog question '{question.Name}' appears twice; question names key the stored DialogCredential and must be distinct.");
            }

            if (question.PasswordCredentialFamily is { } family && !families.Contains(family))
            {
                failures.Add($"Dialog question '{question.Name}' is checked by '{family}' passwords, but no IStoredPasswordChecker is registered for that family (registered: {List(families)}); AddScramVerifier registers one for SCRAM-SHA-256.");
            }

            if (question.VerifierName is { } verifier && !verifiers.Contains(verifier))
            {
                failures.Add($"Dialog question '{question.Name}' is checked by verifier '{verifier}', which is not registered (registered: {List(verifiers)}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string List(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "none" : string.Join(", ", sorted);
    }
}
