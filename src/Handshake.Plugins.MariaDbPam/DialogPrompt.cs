namespace Handshake.Plugins.MariaDbPam;

/// <summary>One question a server asked through the <c>dialog</c> plugin, as the prompt callback sees it.</summary>
public sealed class DialogPrompt
{
    /// <summary>Creates a prompt.</summary>
    /// <param name="text">The server's question, control characters other than line breaks removed.</param>
    /// <param name="echo">Whether the answer may be shown as it is typed (an echo question) or not (a password question).</param>
    /// <param name="isLastQuestion">Whether the server marked this as its last question.</param>
    /// <param name="factorIndex">The factor the dialog runs as, 1 to 3.</param>
    /// <param name="round">The question's number within the dialog, from 1.</param>
    /// <param name="userName">The user logging in.</param>
    public DialogPrompt(string text, bool echo, bool isLastQuestion, int factorIndex, int round, string userName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentOutOfRangeException.ThrowIfLessThan(factorIndex, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factorIndex, AuthCredentials.MaxFactors);
        ArgumentOutOfRangeException.ThrowIfLessThan(round, 1);
        Text = text;
        Echo = echo;
        IsLastQuestion = isLastQuestion;
        FactorIndex = factorIndex;
        Round = round;
        UserName = userName;
    }

    /// <summary>Gets the server's question (e.g. "Password: " or "Verification code: "), at most 1024 characters, control characters other than line breaks removed.</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether the answer may be echoed (type 2); false for a password-like question (type 4), whose answer a terminal must hide.</summary>
    public bool Echo { get; }

    /// <summary>Gets a value indicating whether the server set the "last question" bit. MariaDB's PAM plugin never sets it; the server's OK or error ends the dialog instead.</summary>
    public bool IsLastQuestion { get; }

    /// <summary>Gets the factor the dialog runs as, 1 to 3.</summary>
    public int FactorIndex { get; }

    /// <summary>Gets the question's number within this dialog, from 1.</summary>
    public int Round { get; }

    /// <summary>Gets the user logging in.</summary>
    public string UserName { get; }

    /// <summary>Describes the prompt (its text is the server's and holds no secret of the client's).</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"DialogPrompt(round {Round}, {(Echo ? "echo" : "no echo")}{(IsLastQuestion ? ", last" : string.Empty)})";
}
