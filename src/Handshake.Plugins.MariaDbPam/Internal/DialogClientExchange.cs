using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>
/// One client run of <c>dialog</c>: each server packet is one question, answered with one line and a
/// NUL. An empty first packet asks for the password unprompted (libmariadb sends it; MariaDB's
/// auth_pam then uses it for its first password question and asks only when it is empty).
/// </summary>
internal sealed class DialogClientExchange(AuthExchangeContext context, DialogClientOptions options) : IAuthExchange
{
    private const int MaxPromptCharsInMessages = 80;
    private int _round;
    private bool _secretUsed;
    private bool _finished;

    // The last answer sent (a password or a code): wiped when the next question comes and when the exchange ends.
    private byte[]? _answer;

    public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Wipe();
        if (_finished)
        {
            throw Violation("The server sent another dialog packet after the question it marked as its last.");
        }

        _round++;
        if (serverData.IsEmpty)
        {
            if (_round != 1)
            {
                throw Violation("The server sent an empty dialog packet after its first; only the first may be empty (it asks for the password unprompted).");
            }

            if (context.Secret is not { } first || first.IsEmpty)
            {
                // No password: an empty line, so the server asks its question (as libmariadb does).
                return Send([]);
            }

            _secretUsed = true;
            context.EnsureCleartextAllowed("the password in cleartext (dialog)");
            return Send(first.Bytes, "the password");
        }

        if (!DialogWire.TryParseQuestion(serverData.Span, out var echo, out var last, out var text))
        {
            throw Violation($"The server's dialog packet has type {serverData.Span[0]}; a question has type 2 (echo) or 4 (no echo), plus 1 for the last question.");
        }

        _finished = last;
        var prompt = new DialogPrompt(text, echo, last, context.FactorIndex, _round, context.UserName);

        // Every answer travels in the clear: ask the gate before anyone is asked to type a password.
        context.EnsureCleartextAllowed("a dialog answer in cleartext");
        var isCodeQuestion = options.CodePromptPattern.IsMatch(text);
        if (options.UseDefaultAnswers)
        {
            if (isCodeQuestion)
            {
                if (await TryComputeCodeAsync(serverData[1..], cancellationToken).ConfigureAwait(false) is { } code)
                {
                    try
                    {
                        return Send(code, "the code");
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(code);
                    }
                }
            }
            else if (!echo && !_secretUsed && context.Secret is { } secret)
            {
                _secretUsed = true;
                return Send(secret.Bytes, "the password");
            }
        }

        if (options.Prompt is { } ask && await ask(prompt, cancellationToken).ConfigureAwait(false) is { } answer)
        {
            var bytes = Encoding.UTF8.GetBytes(answer);
            try
            {
                return Send(bytes, "the answer");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        throw new HandshakeException(
            AuthErrorCode.MissingCredential,
            $"The server's dialog question {_round} (\"{Shorten(text)}\") has no answer: {Unanswered(isCodeQuestion, echo)}; nothing was sent.",
            context.PluginName,
            context.FactorIndex);
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        // The dialog proves nothing about the server: an OK is all there is.
        Wipe();
    }

    public void Dispose() => Wipe();

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxPromptCharsInMessages ? line : string.Concat(line.AsSpan(0, MaxPromptCharsInMessages), "...");
    }

    private string Unanswered(bool isCodeQuestion, bool echo)
    {
        var slot = CodeSlot();
        var fix = options.Prompt is null ? "set DialogClientOptions.Prompt" : "the prompt callback returned null";
        if (!options.UseDefaultAnswers)
        {
            return fix;
        }

        if (isCodeQuestion)
        {
            return slot is null
                ? $"it asks for a code and there is no credential slot after factor {context.FactorIndex} for a TOTP secret; {fix} or set DialogClientOptions.CodeSecretSlot"
                : $"it asks for a code and password{slot} holds no TOTP secret; supply one or {fix}";
        }

        return echo
            ? $"it is an echo question, which only the prompt callback answers; {fix}"
            : _secretUsed
                ? $"the factor's secret answered an earlier question; {fix}"
                : $"no secret was given for factor {context.FactorIndex}; supply password{(context.FactorIndex == 1 ? string.Empty : context.FactorIndex)} or {fix}";
    }

    private int? CodeSlot()
    {
        var slot = options.CodeSecretSlot ?? context.FactorIndex + 1;
        return slot is >= 1 and <= AuthCredentials.MaxFactors ? slot : null;
    }

    private async ValueTask<byte[]?> TryComputeCodeAsync(ReadOnlyMemory<byte> questionText, CancellationToken cancellationToken)
    {
        if (CodeSlot() is not { } slot || context.Credentials.GetSecret(slot) is null)
        {
            return null;
        }

        var plugin = context.Services?.GetServices<IAuthPlugin>().LastOrDefault(p => string.Equals(p.Name, options.CodePluginName, StringComparison.Ordinal))
            ?? throw new HandshakeException(
                AuthErrorCode.UnknownPlugin,
                $"The server's dialog question {_round} asks for a code and password{slot} holds a TOTP secret, but no client plugin '{options.CodePluginName}' is registered to compute it (Handshake.Mfa's AddTotp registers 'totp').",
                context.PluginName,
                context.FactorIndex);

        // The code plugin runs one round with the question's text, under its own name and the code's slot,
        // so its rules (parsing the secret, the cleartext gate) are the ones that apply.
        var codeContext = new AuthExchangeContext(plugin.Name, slot, context.Credentials, context.Transport, context.SecurityPolicy)
        {
            Time = context.Time,
            Random = context.Random,
            Services = context.Services,
            Properties = context.Properties,
        };
        using var exchange = plugin.Start(codeContext);
        var reply = await exchange.RespondAsync(questionText, cancellationToken).ConfigureAwait(false);
        if (!reply.HasData || reply.Data.IsEmpty)
        {
            throw new HandshakeException(AuthErrorCode.PluginFailure, $"The client plugin '{plugin.Name}' returned no code for the server's dialog question {_round}.", context.PluginName, context.FactorIndex);
        }

        // Copied before the code plugin's exchange is disposed (which wipes its copy); ours is wiped with the answer.
        return reply.Data.ToArray();
    }

    private AuthReply Send(ReadOnlySpan<byte> answer, string what = "the answer")
    {
        if (answer.Length > DialogWire.MaxAnswerBytes || answer.Contains((byte)0))
        {
            throw new HandshakeException(
                AuthErrorCode.InvalidCredential,
                $"{char.ToUpperInvariant(what[0])}{what[1..]} for the server's dialog question {_round} must be at most {DialogWire.MaxAnswerBytes} bytes without a NUL (the line is sent NUL-terminated); nothing was sent.",
                context.PluginName,
                context.FactorIndex);
        }

        // One line and its NUL terminator, as libmariadb sends it (strlen + 1).
        _answer = GC.AllocateArray<byte>(answer.Length + 1, pinned: true);
        answer.CopyTo(_answer);
        return AuthReply.Send(_answer);
    }

    private void Wipe()
    {
        if (_answer is not null)
        {
            CryptographicOperations.ZeroMemory(_answer);
            _answer = null;
        }
    }

    private HandshakeException Violation(string message) =>
        new(AuthErrorCode.ProtocolViolation, message, context.PluginName, context.FactorIndex);
}
