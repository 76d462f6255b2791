namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// The server side of IMAP up to and just after authentication (RFC 9051): CAPABILITY, NOOP, LOGOUT,
/// STARTTLS (§6.2.1), AUTHENTICATE with SASL-IR (§6.2.2, RFC 4959). LOGIN is refused (a password
/// outside SASL would bypass the engine). After authentication only CAPABILITY, NOOP and LOGOUT are
/// served: this is an authentication front end, not a mail store.
/// </summary>
internal sealed class ImapServerDialogue(LineConnection lines, SaslAcceptorOptions options, IAuthAcceptorFactory factory) : SaslServerDialogue(lines, options, factory)
{
    protected override ValueTask GreetAsync(CancellationToken cancellationToken) =>
        Lines.WriteLineAsync($"* OK [CAPABILITY {Capabilities()}] {Options.ServerName} Handshake IMAP ready", cancellationToken);

    protected override ValueTask SayGoodbyeAsync(string reason, CancellationToken cancellationToken) =>
        Lines.WriteLineAsync("* BYE " + reason, cancellationToken);

    protected override async ValueTask<bool> HandleAsync(string line, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var tag = space > 0 ? line[..space] : string.Empty;
        if (tag.Length == 0 || tag.Any(c => c is '+' or '*' or '(' or ')' or '{' or '%' or '"' or '\\' || char.IsControl(c)))
        {
            // RFC 9051 §9: a tag is astring characters except '+'.
            await Lines.WriteLineAsync("* BAD Invalid tag", cancellationToken).ConfigureAwait(false);
            return true;
        }

        var rest = line[(space + 1)..];
        var commandEnd = rest.IndexOf(' ', StringComparison.Ordinal);
        var command = (commandEnd < 0 ? rest : rest[..commandEnd]).ToUpperInvariant();
        var arguments = commandEnd < 0 ? [] : rest[(commandEnd + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (command)
        {
            case "CAPABILITY":
                await Lines.WriteLineAsync("* CAPABILITY " + Capabilities(), cancellationToken).ConfigureAwait(false);
                await Lines.WriteLineAsync($"{tag} OK CAPABILITY completed", cancellationToken).ConfigureAwait(false);
                return true;
            case "NOOP":
                await Lines.WriteLineAsync($"{tag} OK NOOP completed", cancellationToken).ConfigureAwait(false);
                return true;
            case "LOGOUT":
                await Lines.WriteLineAsync("* BYE Logging out", cancellationToken).ConfigureAwait(false);
                await Lines.WriteLineAsync($"{tag} OK LOGOUT completed", cancellationToken).ConfigureAwait(false);
                return false;
            case "STARTTLS" when CanStartTls:
                await Lines.WriteLineAsync($"{tag} OK Begin TLS negotiation now", cancellationToken).ConfigureAwait(false);
                await StartTlsAsync(cancellationToken).ConfigureAwait(false);
                return true;
            case "STARTTLS":
                await Lines.WriteLineAsync($"{tag} BAD STARTTLS is not available", cancellationToken).ConfigureAwait(false);
                return true;
            case "AUTHENTICATE":
                return await AuthenticateAsync(tag, arguments, cancellationToken).ConfigureAwait(false);
            case "LOGIN":
                await Lines.WriteLineAsync($"{tag} NO [CANNOT] LOGIN is disabled; use AUTHENTICATE", cancellationToken).ConfigureAwait(false);
                return true;
            default:
                await Lines.WriteLineAsync($"{tag} BAD {(Authenticated is null ? "Command unknown or not allowed before authentication" : "Command not served by this authentication front end")}", cancellationToken).ConfigureAwait(false);
                return true;
        }
    }

    private async ValueTask<bool> AuthenticateAsync(string tag, string[] arguments, CancellationToken cancellationToken)
    {
        if (Authenticated is not null)
        {
            await Lines.WriteLineAsync($"{tag} BAD Already authenticated", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (AuthenticationDisabled)
        {
            await Lines.WriteLineAsync($"{tag} NO [PRIVACYREQUIRED] Authentication needs TLS: use STARTTLS", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (arguments.Length is < 1 or > 2)
        {
            await Lines.WriteLineAsync($"{tag} BAD AUTHENTICATE takes a mechanism and an optional initial response", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!MayAttempt())
        {
            await Lines.WriteLineAsync("* BYE Too many failed authentications", cancellationToken).ConfigureAwait(false);
            return false;
        }

        byte[]? initial;
        try
        {
            initial = arguments.Length == 2 ? SaslBase64.Decode(arguments[1], initialResponse: true) : null;
        }
        catch (HandshakeException)
        {
            await Lines.WriteLineAsync($"{tag} BAD Invalid base64 in the initial response", cancellationToken).ConfigureAwait(false);
            return true;
        }

        // SASL mechanism names are case-insensitive (RFC 4422 §3.1); the engine's are upper case.
        var replies = new SaslServerReplies("+ ", $"{tag} OK [CAPABILITY IMAP4rev1 IMAP4rev2] AUTHENTICATE completed", $"{tag} NO [AUTHENTICATIONFAILED] Authentication failed", $"{tag} BAD AUTHENTICATE cancelled");
        await RunExchangeAsync(arguments[0].ToUpperInvariant(), initial, replies, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private string Capabilities()
    {
        var parts = new List<string> { "IMAP4rev1", "IMAP4rev2" };
        if (CanStartTls)
        {
            parts.Add("STARTTLS");
        }

        if (Authenticated is null)
        {
            if (AuthenticationDisabled)
            {
                parts.Add("LOGINDISABLED");
            }
            else
            {
                parts.Add("SASL-IR");
                parts.AddRange(Mechanisms().Select(m => "AUTH=" + m));
            }
        }

        return string.Join(' ', parts);
    }
}
