namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>A configured question with the checker or verifier that checks its answer, resolved for one dialog.</summary>
internal sealed class DialogQuestionCheck
{
    private DialogQuestionCheck(DialogQuestion question, IStoredPasswordChecker? checker, IAuthVerifier? verifier)
    {
        Question = question;
        Checker = checker;
        Verifier = verifier;
    }

    public DialogQuestion Question { get; }

    public IStoredPasswordChecker? Checker { get; }

    public IAuthVerifier? Verifier { get; }

    public static DialogQuestionCheck ForPassword(DialogQuestion question, IStoredPasswordChecker checker) => new(question, checker, null);

    public static DialogQuestionCheck ForVerifier(DialogQuestion question, IAuthVerifier verifier) => new(question, null, verifier);
}
