namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// The server side of SMTP submission up to and just after authentication: EHLO/HELO (RFC 5321),
/// STARTTLS (RFC 3207), AUTH (RFC 4954) with initial responses, NOOP, RSET, QUIT. Mail commands get
/// 530 before authentication and 502 after: this is an authentication front end, not a relay.
/// </summary>
internal sealed class SmtpServerDialogue(LineConnection lines, SaslAcceptorOptions options, IAuthAcceptorFactory factory) : SaslServerDialogue(lines, options, factory)
{
    private static readonly SaslServerReplies Replies = new(
        "334 ",
        "235 2.7.0 Authentication successful",
        "535 5.7.8 Authentication credentials invalid",
        "501 5.0.0 Authentication cancelled");

    private bool _greeted;

    protected override ValueTask GreetAsync(CancellationToken cancellationToken) =>
        Lines.WriteLineAsync($"220 {Options.ServerName} ESMTP Handshake ready", cancellationToken);

    protected override ValueTask SayGoodbyeAsync(string reason, CancellationToken cancellationToken) =>
        Lines.WriteLineAsync($"421 4.4.2 {Options.ServerName} {reason}; closing the connection", cancellationToken);

    protected override async ValueTask<bool> HandleAsync(string line, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var arguments = space < 0 ? [] : line[(space + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (verb)
        {
            case "EHLO" when arguments.Length == 1:
                _greeted = true;
                var keywords = new List<string> { Options.ServerName };
                if (CanStartTls)
                {
                    keywords.Add("STARTTLS");
                }

                if (Authenticated is null && Mechanisms() is { Count: > 0 } mechanisms)
                {
                    keywords.Add("AUTH " + string.Join(' ', mechanisms));
                }

                keywords.Add("ENHANCEDSTATUSCODES");
                for (var i = 0; i < keywords.Count; i++)
                {
                    await Lines.WriteLineAsync($"250{(i == keywords.Count - 1 ? ' ' : '-')}{keywords[i]}", cancellationToken).ConfigureAwait(false);
                }

                return true;
            case "HELO" when arguments.Length == 1:
                _greeted = true;
                return await ReplyAsync($"250 {Options.ServerName}", cancellationToken).ConfigureAwait(false);
            case "EHLO" or "HELO":
                return await ReplyAsync("501 5.5.4 Syntax: EHLO domain", cancellationToken).ConfigureAwait(false);
            case "STARTTLS" when CanStartTls && arguments.Length == 0:
                await Lines.WriteLineAsync("220 2.0.0 Ready to start TLS", cancellationToken).ConfigureAwait(false);
                await StartTlsAsync(cancellationToken).ConfigureAwait(false);

                // The session starts over: the client must EHLO again (RFC 3207 §4.2).
                _greeted = false;
                return true;
            case "STARTTLS":
                return await ReplyAsync("454 4.7.0 TLS not available", cancellationToken).ConfigureAwait(false);
            case "AUTH":
                return await AuthenticateAsync(arguments, cancellationToken).ConfigureAwait(false);
            case "NOOP" or "RSET":
                return await ReplyAsync("250 2.0.0 OK", cancellationToken).ConfigureAwait(false);
            case "QUIT":
                await Lines.WriteLineAsync($"221 2.0.0 {Options.ServerName} closing connection", cancellationToken).ConfigureAwait(false);
                return false;
            case "MAIL" or "RCPT" or "DATA" or "BDAT" or "VRFY" or "EXPN" when Authenticated is null:
                return await ReplyAsync("530 5.7.0 Authentication required", cancellationToken).ConfigureAwait(false);
            case "MAIL" or "RCPT" or "DATA" or "BDAT" or "VRFY" or "EXPN":
                return await ReplyAsync("502 5.5.1 Not served by this authentication front end", cancellationToken).ConfigureAwait(false);
            default:
                return await ReplyAsync("500 5.5.2 Command not recognized", cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> AuthenticateAsync(string[] arguments, CancellationToken cancellationToken)
    {
        if (!_greeted)
        {
            return await ReplyAsync("503 5.5.1 Send EHLO first", cancellationToken).ConfigureAwait(false);
        }

        if (Authenticated is not null)
        {
            return await ReplyAsync("503 5.5.1 Already authenticated", cancellationToken).ConfigureAwait(false);
        }

        if (AuthenticationDisabled)
        {
            return await ReplyAsync("530 5.7.0 Must issue a STARTTLS command first", cancellationToken).ConfigureAwait(false);
        }

        if (arguments.Length is < 1 or > 2)
        {
            return await ReplyAsync("501 5.5.4 Syntax: AUTH mechanism [initial-response]", cancellationToken).ConfigureAwait(false);
        }

        if (!MayAttempt())
        {
            await SayGoodbyeAsync("Too many failed authentications", cancellationToken).ConfigureAwait(false);
            return false;
        }

        byte[]? initial;
        try
        {
            initial = arguments.Length == 2 ? SaslBase64.Decode(arguments[1], initialResponse: true) : null;
        }
        catch (HandshakeException)
        {
            return await ReplyAsync("501 5.5.2 Invalid base64 in the initial response", cancellationToken).ConfigureAwait(false);
        }

        await RunExchangeAsync(arguments[0].ToUpperInvariant(), initial, Replies, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<bool> ReplyAsync(string line, CancellationToken cancellationToken)
    {
        await Lines.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
