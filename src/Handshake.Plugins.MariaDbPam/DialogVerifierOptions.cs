namespace Handshake.Plugins.MariaDbPam;

/// <summary>Server-side <c>dialog</c> settings (<c>AddDialogVerifier</c>). Validated when first used (and at start-up in a host).</summary>
public sealed class DialogVerifierOptions
{
    /// <summary>The most questions one dialog may ask.</summary>
    public const int MaxQuestions = 8;

    /// <summary>
    /// Gets the questions, asked in order, one per round; 1 to <see cref="MaxQuestions"/>, with distinct names.
    /// Every question is asked even after a wrong answer, so the client cannot tell which answer failed;
    /// after a wrong answer (or for an unknown user) later questions are checked as for an unknown user,
    /// so no replay step is consumed and no failure is counted by someone who failed an earlier question.
    /// </summary>
    public IList<DialogQuestion> Questions { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether the verifier runs over a transport that is not safe for
    /// cleartext (no TLS, not trusted local). Default false: the answers travel in the clear, and a server
    /// never invites a client to send its password that way.
    /// </summary>
    public bool AllowInsecureTransport { get; set; }
}
