using System.Globalization;
using System.Text;

namespace Handshake.Audit.Internal;

/// <summary>The verdict rules scenarios are built from; each says, in the scorecard's words, what the client did.</summary>
internal static class VerdictRules
{
    private const int MaxShownMessage = 160;

    /// <summary>Honest control: a correct client logs in.</summary>
    public static VerdictRule MustLogIn() => input =>
    {
        var with = input.Facts.Mechanism is { } mechanism ? $" ({mechanism}{(input.Facts.UsedTls ? " over TLS" : string.Empty)})" : input.Facts.UsedTls ? " (over TLS)" : string.Empty;
        return input.Facts.TlsMissing ? NoTls(input)
            : input.Behavior == AuditClientBehavior.Accepted ? (AuditVerdict.Pass, Did(input) + with)
            : (AuditVerdict.Fail, Did(input) + with + "; the honest server's login should have worked");
    };

    /// <summary>Hostile server: a correct client does not log in and does not hang.</summary>
    public static VerdictRule MustRefuse() => input => input.Behavior switch
    {
        AuditClientBehavior.Refused => (AuditVerdict.Pass, Did(input)),
        _ => (AuditVerdict.Fail, Did(input)),
    };

    /// <summary>Hostile server-first: a correct client refuses before it answers with a proof.</summary>
    public static VerdictRule MustRefuseBeforeProof(string what) => input =>
        input.Facts.TlsMissing ? NoTls(input)
        : input.Facts.SentClientFinal ? (AuditVerdict.Fail, $"answered {what} with a client-final proof; " + Did(input))
        : MustRefuse()(input);

    /// <summary>The server sent <c>e=</c>: refuse and name the server's error.</summary>
    public static VerdictRule MustSurfaceServerError(string serverError) => input =>
    {
        if (input.Behavior != AuditClientBehavior.Refused)
        {
            return (AuditVerdict.Fail, Did(input));
        }

        if (input.Report?.Message is not { } message)
        {
            return (AuditVerdict.Pass, Did(input) + " (the client's message was not reported: whether it names the server's error was not checked)");
        }

        return message.Contains(serverError, StringComparison.OrdinalIgnoreCase)
            ? (AuditVerdict.Pass, Did(input))
            : (AuditVerdict.Fail, Did(input) + $"; the message does not name the server's error '{serverError}'");
    };

    /// <summary>-PLUS stripped over TLS: a client that can bind says so with 'y' (RFC 5802 §6), or refuses.</summary>
    public static VerdictRule MustNotDowngradeSilently() => input =>
    {
        var facts = input.Facts;
        if (facts.TlsMissing)
        {
            return NoTls(input);
        }

        return facts.Gs2Flag switch
        {
            'n' => (AuditVerdict.Fail, "sent gs2 flag 'n' over TLS (claims it cannot bind, so a stripped -PLUS goes unnoticed); " + Did(input)),
            'y' => (AuditVerdict.Pass, "sent gs2 flag 'y' (can bind, server did not offer -PLUS); " + Did(input)),
            _ when input.Behavior == AuditClientBehavior.Refused => (AuditVerdict.Pass, Did(input)),
            _ => (AuditVerdict.Fail, Did(input)),
        };
    };

    /// <summary>Channel binding required but impossible: bind or refuse, never complete unbound.</summary>
    public static VerdictRule MustBindOrRefuse() => input =>
    {
        var facts = input.Facts;
        if (facts.TlsMissing)
        {
            return NoTls(input);
        }

        if (facts.Gs2Flag == 'p')
        {
            return (AuditVerdict.Pass, "chose SCRAM-SHA-256-PLUS (it did not fall back to the unbound mechanism); " + Did(input));
        }

        return input.Behavior == AuditClientBehavior.Refused && !facts.SentClientFinal
            ? (AuditVerdict.Pass, Did(input))
            : (AuditVerdict.Fail, $"went on without channel binding (gs2 flag '{facts.Gs2Flag}') although it was required; " + Did(input));
    };

    /// <summary>-PLUS with a server proof over another channel: a correct client refuses; a client that does not bind is not tested.</summary>
    public static VerdictRule MustRefuseForeignBinding() => input =>
    {
        var facts = input.Facts;
        if (facts.TlsMissing)
        {
            return NoTls(input);
        }

        if (facts.Mechanism is not null && !facts.Mechanism.EndsWith("-PLUS", StringComparison.Ordinal))
        {
            return (AuditVerdict.NotApplicable, $"chose {facts.Mechanism} (no channel binding), so the binding check was not reached; " + Did(input));
        }

        return MustRefuse()(input);
    };

    /// <summary>A length far beyond any sane message: refuse at once, not after waiting for the bytes.</summary>
    public static VerdictRule MustRefusePromptly(TimeSpan within) => input =>
    {
        if (input.Behavior != AuditClientBehavior.Refused)
        {
            return (AuditVerdict.Fail, Did(input));
        }

        var after = input.Facts.TimeAfterHostileMessage;
        return after is { } t && t > within
            ? (AuditVerdict.Fail, Did(input) + string.Create(CultureInfo.InvariantCulture, $" only after {t.TotalSeconds:0.0} s (it waited for the announced bytes instead of checking the length)"))
            : (AuditVerdict.Pass, Did(input) + (after is { } s ? string.Create(CultureInfo.InvariantCulture, $" ({s.TotalMilliseconds:0} ms after the length arrived)") : string.Empty));
    };

    /// <summary>An error carrying terminal control sequences: refuse, and never pass them through raw.</summary>
    public static VerdictRule MustRefuseWithoutControlCharacters() => input =>
    {
        if (input.Behavior != AuditClientBehavior.Refused)
        {
            return (AuditVerdict.Fail, Did(input));
        }

        if (input.Report?.Message is not { } message)
        {
            return (AuditVerdict.Pass, Did(input) + " (the client's message was not reported: control characters were not checked)");
        }

        return message.Contains('\u001b', StringComparison.Ordinal) || message.Contains('\u0007', StringComparison.Ordinal)
            ? (AuditVerdict.Fail, Did(input) + "; the server's ESC/BEL control characters reached the client's output unescaped")
            : (AuditVerdict.Pass, Did(input));
    };

    /// <summary>mysql_clear_password over plain TCP: never send the password.</summary>
    public static VerdictRule MustNotSendClearPassword() => input =>
        input.Facts.SentClearPassword
            ? (AuditVerdict.Fail, "sent the password in clear text over an unencrypted connection; " + Did(input))
            : MustRefuse()(input);

    /// <summary>A plugin the client cannot know: refuse, never answer.</summary>
    public static VerdictRule MustNotAnswerUnknownPlugin() => input =>
        input.Facts.AnsweredUnknownPlugin
            ? (AuditVerdict.Fail, "answered a request for a plugin it cannot know" + (input.Facts.SentClearPassword ? " with the password in clear text" : string.Empty) + "; " + Did(input))
            : MustRefuse()(input);

    /// <summary>An endless auth switch: stop after a few.</summary>
    public static VerdictRule MustStopSwitching(int serverBound) => input =>
    {
        var answered = input.Facts.SwitchesAnswered;
        var text = string.Create(CultureInfo.InvariantCulture, $"answered {answered} auth switches; ") + Did(input);
        return answered < serverBound && input.Behavior == AuditClientBehavior.Refused
            ? (AuditVerdict.Pass, text)
            : (AuditVerdict.Fail, text + string.Create(CultureInfo.InvariantCulture, $" (the server gave up first, after {serverBound})"));
    };

    /// <summary>An endless dialog: stop answering after a few questions.</summary>
    public static VerdictRule MustStopAnswering(int serverBound) => input =>
    {
        if (input.Facts.TlsMissing)
        {
            return NoTls(input);
        }

        var answered = input.Facts.DialogQuestionsAnswered;
        var text = string.Create(CultureInfo.InvariantCulture, $"answered {answered} dialog questions; ") + Did(input);
        return answered < serverBound && input.Behavior == AuditClientBehavior.Refused
            ? (AuditVerdict.Pass, text)
            : (AuditVerdict.Fail, text + string.Create(CultureInfo.InvariantCulture, $" (the server gave up first, after {serverBound})"));
    };

    /// <summary>A question far larger than any PAM module asks: answer or refuse, but neither hang nor pass the text on whole.</summary>
    public static VerdictRule MustStayBounded(int maxMessageChars) => input =>
    {
        if (input.Facts.TlsMissing)
        {
            return NoTls(input);
        }

        if (input.Behavior == AuditClientBehavior.Hung)
        {
            return (AuditVerdict.Fail, Did(input));
        }

        return input.Report?.Message is { Length: var length } && length > maxMessageChars
            ? (AuditVerdict.Fail, Did(input) + string.Create(CultureInfo.InvariantCulture, $"; the client's message is {length} characters (the server's question reached it whole)"))
            : (AuditVerdict.Pass, Did(input));
    };

    /// <summary>OAUTHBEARER over plain TCP: never send the bearer token (RFC 7628 §5, RFC 6750 §5.3).</summary>
    public static VerdictRule MustNotSendBearerToken() => input =>
        input.Facts.SentBearerToken
            ? (AuditVerdict.Fail, "sent its bearer token over an unencrypted connection; " + Did(input))
            : MustRefuse()(input);

    /// <summary>A hostile OAUTHBEARER error phase: end with a failure, bounded in time and in the text passed on; not applicable to a client that never reached it.</summary>
    public static VerdictRule MustFailBounded(int maxMessageChars) => input =>
    {
        if (NotAtOAuthBearerError(input) is { } notApplicable)
        {
            return notApplicable;
        }

        if (input.Behavior != AuditClientBehavior.Refused)
        {
            return (AuditVerdict.Fail, Did(input));
        }

        return input.Report?.Message is { Length: var length } && length > maxMessageChars
            ? (AuditVerdict.Fail, Did(input) + string.Create(CultureInfo.InvariantCulture, $"; the client's message is {length} characters (the server's error reached it whole)"))
            : (AuditVerdict.Pass, Did(input));
    };

    /// <summary>A server that goes silent after the OAUTHBEARER error: give up at the client's own deadline, as in pg.stall-after-startup.</summary>
    public static VerdictRule MustGiveUpAfterOAuthBearerError() => input =>
        NotAtOAuthBearerError(input) ?? MustRefuse()(input);

    /// <summary>What the client did, in one line.</summary>
    public static string Did(VerdictInput input) => input.Behavior switch
    {
        AuditClientBehavior.Accepted => "accepted the login",
        AuditClientBehavior.Hung => string.Create(CultureInfo.InvariantCulture, $"hung until the deadline ({input.Elapsed.TotalSeconds:0.0} s)"),
        _ => input.Report?.Message is { } message ? "refused: " + Show(message) : "refused (closed the connection)",
    };

    /// <summary>A client's message as the scorecard shows it: one line, control characters escaped, bounded.</summary>
    public static string Show(string message)
    {
        var builder = new StringBuilder(Math.Min(message.Length, MaxShownMessage + 8));
        var lastWasSpace = false;
        foreach (var c in message)
        {
            if (builder.Length >= MaxShownMessage)
            {
                builder.Append("...");
                break;
            }

            if (c is '\r' or '\n' or '\t' or ' ')
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static (AuditVerdict, string)? NotAtOAuthBearerError(VerdictInput input) =>
        input.Facts.TlsMissing ? NoTls(input)
        : !input.Facts.SentOAuthBearerError ? (AuditVerdict.NotApplicable, "did not send an OAUTHBEARER initial response, so the error response was not reached; " + Did(input))
        : null;

    private static (AuditVerdict, string) NoTls(VerdictInput input) =>
        (AuditVerdict.NotApplicable, "did not use TLS, which this scenario needs; " + Did(input));
}
