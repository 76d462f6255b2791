using System.Text;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>
/// One server run of dialog: question 1 goes out with the switch request, each answer is checked and
/// answered with the next question, and after the last answer the dialog accepts only if every answer
/// was right for a known user. Every question is asked whatever came before, so the conversation does
/// not tell which answer was wrong.
/// </summary>
internal sealed class DialogVerifierExchange(VerifierContext context, IReadOnlyList<DialogQuestionCheck> questions, bool transportAllowed) : IVerifierExchange
{
    private int _index;
    private bool _begun;
    private bool _done;
    private bool _credentialLoaded;
    private DialogCredential? _credential;
    private AuthErrorCode? _failure;
    private string? _failureDetail;
    private IVerifierExchange? _inner;

    private VerifierContext Context => context;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
    {
        // Over a transport unsafe for cleartext no question goes out at all: a server never invites the password in the clear.
        if (!transportAllowed)
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, "dialog over a transport without TLS is not allowed (DialogVerifierOptions.AllowInsecureTransport)", MariaDbPamPluginNames.Dialog, context.FactorIndex);
        }

        _begun = true;
        return AskAsync(cancellationToken);
    }

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (!_begun || _done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "a dialog answer arrived when no question was open");
        }

        if (!transportAllowed)
        {
            _done = true;
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "dialog over a transport without TLS is not allowed (DialogVerifierOptions.AllowInsecureTransport)");
        }

        var check = questions[_index];
        var answer = DialogWire.Answer(clientData.Span).ToArray();
        try
        {
            await LoadCredentialAsync(cancellationToken).ConfigureAwait(false);
            if (answer.Length > DialogWire.MaxAnswerBytes)
            {
                Fail(AuthErrorCode.InvalidCredential, $"the answer to question '{check.Question.Name}' is longer than {DialogWire.MaxAnswerBytes} bytes");
            }
            else if (check.Checker is { } checker)
            {
                CheckPassword(check, checker, answer);
            }
            else
            {
                await CheckWithVerifierAsync(check, answer, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(answer);
            _inner?.Dispose();
            _inner = null;
        }

        _index++;
        if (_index < questions.Count)
        {
            return VerifierStep.Continue(await AskAsync(cancellationToken).ConfigureAwait(false));
        }

        _done = true;
        return _failure is null && _credential is not null
            ? VerifierStep.Accept()
            : VerifierStep.Reject(_failure ?? AuthErrorCode.InvalidCredential, _failureDetail ?? "the dialog answers did not verify");
    }

    public void Dispose()
    {
        _inner?.Dispose();
        _inner = null;
    }

    /// <summary>The entry a question is checked against: null (checked as for an unknown user) once any answer failed.</summary>
    private StoredCredential? EntryFor(DialogQuestion question) => _failure is null ? _credential?.Find(question.Name) : null;

    private async ValueTask<ReadOnlyMemory<byte>> AskAsync(CancellationToken cancellationToken)
    {
        var check = questions[_index];
        var last = _index == questions.Count - 1;
        var text = check.Question.Prompt;
        if (check.Verifier is { } verifier)
        {
            // The verifier's exchange starts when its question is asked: its first message is the question's text unless one is configured.
            var source = new QuestionCredentialSource(this, check.Question);
            var innerContext = new VerifierContext(verifier.Name, verifier.Name, context.FactorIndex, context.Transport, source)
            {
                Time = context.Time,
                Random = context.Random,
                Services = context.Services,
                Properties = context.Properties,
            };
            _inner = verifier.Start(innerContext);
            var first = await _inner.BeginAsync(cancellationToken).ConfigureAwait(false);
            text ??= first.IsEmpty ? check.Question.Name + ": " : Encoding.UTF8.GetString(first.Span).TrimEnd() + ": ";
        }

        return DialogWire.Question(text ?? string.Empty, check.Question.Echo, last);
    }

    private async ValueTask LoadCredentialAsync(CancellationToken cancellationToken)
    {
        // Not before the user is known (a dialog that opens the handshake asks before the client names anyone).
        if (_credentialLoaded || context.UserName is null)
        {
            return;
        }

        _credentialLoaded = true;
        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return;
        }

        if (!DialogCredential.TryParse(stored.Value, out _credential))
        {
            Fail(AuthErrorCode.InvalidStoredCredential, "the user's dialog stored credential is not a JSON object of strings");
            return;
        }

        foreach (var check in questions)
        {
            if (_credential.Find(check.Question.Name) is null)
            {
                Fail(AuthErrorCode.InvalidStoredCredential, $"the user's dialog stored credential has no entry for question '{check.Question.Name}'");
                return;
            }
        }
    }

    private void CheckPassword(DialogQuestionCheck check, IStoredPasswordChecker checker, ReadOnlySpan<byte> answer)
    {
        var entry = EntryFor(check.Question);
        bool valid;
        try
        {
            // With a null entry the checker does the same work against a fake credential and says no.
            valid = checker.Verify(entry, answer);
        }
        catch (HandshakeException ex)
        {
            Fail(ex.Code, $"question '{check.Question.Name}': {ex.Message}");
            return;
        }

        if (!valid || entry is null)
        {
            Fail(AuthErrorCode.InvalidCredential, $"the answer to question '{check.Question.Name}' did not verify");
        }
    }

    private async ValueTask CheckWithVerifierAsync(DialogQuestionCheck check, byte[] answer, CancellationToken cancellationToken)
    {
        var step = await _inner!.ProcessAsync(answer, cancellationToken).ConfigureAwait(false);
        switch (step.Kind)
        {
            case VerifierStepKind.Accept:
                break;
            case VerifierStepKind.Continue:
                Fail(AuthErrorCode.PluginFailure, $"verifier '{check.Verifier!.Name}' asked question '{check.Question.Name}' for a second message; a dialog question carries one answer");
                break;
            default:
                Fail(step.Reason == AuthErrorCode.Unspecified ? AuthErrorCode.InvalidCredential : step.Reason, $"question '{check.Question.Name}' ({check.Verifier!.Name}): {step.Detail ?? "rejected"}");
                break;
        }
    }

    private void Fail(AuthErrorCode reason, string detail)
    {
        // The first failure is the one reported; later questions are still asked and checked as for an unknown user.
        if (_failure is null)
        {
            _failure = reason;
            _failureDetail = detail;
        }
    }

    /// <summary>What a question's verifier sees: the dialog's user, and the question's entry of the dialog credential as its own stored credential.</summary>
    private sealed class QuestionCredentialSource(DialogVerifierExchange owner, DialogQuestion question) : IVerifierCredentialSource
    {
        public string? UserName => owner.Context.UserName;

        public ValueTask IdentifyUserAsync(string userName, CancellationToken cancellationToken) => owner.Context.IdentifyUserAsync(userName, cancellationToken);

        public async ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken)
        {
            await owner.LoadCredentialAsync(cancellationToken).ConfigureAwait(false);
            return string.Equals(verifierName, question.VerifierName, StringComparison.Ordinal) ? owner.EntryFor(question) : null;
        }
    }
}
