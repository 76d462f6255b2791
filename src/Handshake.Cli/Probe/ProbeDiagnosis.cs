using Handshake.Plugins.Scram;

namespace Handshake.Cli.Probe;

/// <summary>
/// Turns a failed probe into one line a person can act on. The exception's own message is printed
/// separately; this says what to do about it.
/// </summary>
internal static class ProbeDiagnosis
{
    public static string For(HandshakeException exception, ProbeSettings settings, IReadOnlyList<ProbeStart> starts, IReadOnlyCollection<string> registered, ProbeOffer? offer = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(registered);
        var factor = Math.Max(1, exception.FactorIndex);
        var variable = factor == 1 ? "HANDSHAKE_PASSWORD" : $"HANDSHAKE_PASSWORD{factor}";
        // The offer seen while ranking mechanisms outlives a start that never happened (no mutual mechanism).
        var offered = starts.Count > 0 && starts[^1].Offered.Count > 0 ? string.Join(", ", starts[^1].Offered)
            : offer is not null ? string.Join(", ", offer.Mechanisms) : null;
        var tlsRequired = settings.SslMode is ProbeSslMode.Require or ProbeSslMode.VerifyFull;
        switch (exception.Code)
        {
            case AuthErrorCode.ServerRejected when IsWrongPassword(exception):
                return $"wrong password (or no such user, which servers report the same way): check {variable} and the password the server has for '{settings.Url.UserName}'.";
            case AuthErrorCode.ServerRejected when exception.ServerErrorCode == "28000":
                return $"the server refuses '{settings.Url.UserName}' before any password check (e.g. no pg_hba.conf line for this host, user and database, or a factor the protocol cannot carry): check the server's authentication rules.";
            case AuthErrorCode.ServerRejected when exception.Message.Contains("does not support TLS", StringComparison.Ordinal) || exception.Message.Contains("SSLRequest", StringComparison.Ordinal):
                return "the server answered the TLS request with an error; it is too old for TLS negotiation: try --sslmode disable only on a trusted network.";
            case AuthErrorCode.ServerRejected:
                return "the server refused the login; its message above says why.";
            case AuthErrorCode.ServerSignatureMissing:
                return "the server said OK without proving it knows the password (no SCRAM server signature): it may be an impostor or a proxy that ends SCRAM itself; the connection was refused, do not trust this server.";
            case AuthErrorCode.ServerSignatureMismatch:
                return "the server's SCRAM signature is wrong: it does not know the password's stored key (an impostor, or a stale stored credential); the connection was refused.";
            case AuthErrorCode.UnknownPlugin:
                var name = exception.PluginName ?? "(unnamed)";
                return $"the server asked for plugin '{name}', which this client does not have (it has: {string.Join(", ", registered)}). To support it, register one in your application: builder.AddPlugin(\"{name}\", ctx => ...) or the plugin package's Add… method.";
            case AuthErrorCode.ChannelBindingFailure:
            case AuthErrorCode.NoMutualMechanism when settings.ChannelBinding == ScramChannelBinding.Require:
                return ChannelBinding(settings, offered, starts, offer);
            case AuthErrorCode.NoMutualMechanism:
                return $"none of the mechanisms the server offered{(offered is null ? string.Empty : $" ({offered})")} is one this client has or may use here: register a plugin for one of them with builder.AddPlugin(\"NAME\", ...), or drop --plugin.";
            case AuthErrorCode.PolicyViolation when starts.Count == 0 && tlsRequired && IsAboutTls(exception.Message) && settings.SslMode == ProbeSslMode.VerifyFull && !exception.Message.Contains("does not", StringComparison.Ordinal):
                return $"the server's certificate is not trusted for '{settings.Url.Host}' (sslmode verify-full): pass the CA that signed it with --ca-cert FILE, and connect by the name the certificate was issued for.";
            case AuthErrorCode.PolicyViolation when starts.Count == 0 && tlsRequired && IsAboutTls(exception.Message):
                return $"TLS is required (--sslmode {ProbeSettings.Name(settings.SslMode)}) but the server does not offer it: enable TLS on the server (PostgreSQL ssl=on, MySQL/MariaDB ssl_cert/ssl_key), or use --sslmode prefer on a network you trust.";
            case AuthErrorCode.PolicyViolation when settings.SslMode != ProbeSslMode.VerifyFull:
                return $"this client refuses to send that secret over a connection without verified TLS (sslmode {ProbeSettings.Name(settings.SslMode)}): use --sslmode verify-full (with --ca-cert FILE for a self-signed server).";
            case AuthErrorCode.PolicyViolation:
                return "a security rule stopped the handshake before a secret was sent; the message above names the rule.";
            case AuthErrorCode.MissingCredential:
                return factor == 1
                    ? $"no secret for factor 1, so nothing was sent for it: set {variable}, pipe it as one line with --password-stdin, or run probe in a terminal to be prompted for it."
                    : $"no secret for factor {factor}, so nothing was sent for it: set {variable} (a TOTP factor takes the base32 secret).";
            case AuthErrorCode.LockedOut:
                return "the account or factor is locked after too many failures; wait for the lockout to end or ask the server's administrator.";
            case AuthErrorCode.TransportFailure:
                return "the connection failed or closed during the handshake: check host, port and that a PostgreSQL/MySQL server (not something else) listens there; the server's log may say more.";
            case AuthErrorCode.Timeout:
                return $"no answer within {settings.Timeout.TotalSeconds:0.#} s: check host, port and firewalls, or raise --timeout.";
            case AuthErrorCode.InvalidCredential or AuthErrorCode.KeyUnavailable or AuthErrorCode.InvalidStoredCredential:
                return $"a local secret or key could not be used for factor {factor}: check {variable} (a TOTP factor takes the base32 secret) or --key.";
            default:
                return $"the handshake broke a protocol or security rule ({exception.Code}); the connection was refused. If this is a genuine server, report the transcript above (it holds no secrets).";
        }
    }

    private static string ChannelBinding(ProbeSettings settings, string? offered, IReadOnlyList<ProbeStart> starts, ProbeOffer? offer)
    {
        var encrypted = starts.Count > 0 ? starts[^1].Transport.IsEncrypted : offer?.Transport.IsEncrypted ?? settings.SslMode != ProbeSslMode.Disable;
        var demanded = $"with --sslmode {ProbeSettings.Name(settings.SslMode)} it demands a channel-bound mechanism (SCRAM-SHA-256-PLUS)";
        if (settings.Plugin is { } only && !only.EndsWith("-PLUS", StringComparison.Ordinal))
        {
            return $"channel binding is required (--channel-binding require) but not available: {demanded}, and --plugin {only} excludes it. Drop --plugin, choose {only}-PLUS, or use --channel-binding prefer.";
        }

        if (!encrypted)
        {
            return $"channel binding is required (--channel-binding require) but not available: {demanded}, and the connection is not TLS (SCRAM-SHA-256-PLUS binds to the TLS channel). Use --sslmode require or verify-full against a server with TLS (PostgreSQL 11+ ssl=on), or --channel-binding prefer to accept a login without it.";
        }

        if (offered is not null && !offered.Contains("-PLUS", StringComparison.Ordinal))
        {
            // RFC 5802 section 6: a server that supports channel binding advertises the -PLUS name; TLS is
            // already on here, so asking for TLS again would not help.
            return $"channel binding is required (--channel-binding require) but not available: {demanded}, and the server offered only {offered} over this TLS connection (no -PLUS mechanism: a pooler or proxy that ends TLS itself, such as PgBouncer, or a server built without channel binding). Connect to the database server directly, or use --channel-binding prefer to accept a login without it.";
        }

        return $"channel binding is required (--channel-binding require) but not available: {demanded}, and the server did not run one{(offered is null ? string.Empty : $" (it offered {offered})")}. Use --channel-binding prefer to accept a login without it.";
    }

    /// <summary>
    /// PostgreSQL says 28P01, MySQL 1045, a SCRAM server-final e=invalid-proof (RFC 5802 section 7);
    /// PgBouncer ends a wrong SCRAM proof with 08P01 "SASL authentication failed" (its protocol_violation
    /// code), which only with that text means a wrong password. IMAP answers NO [AUTHENTICATIONFAILED]
    /// (RFC 5530 section 3), SMTP 535 5.7.8 (RFC 4954 section 6).
    /// </summary>
    private static bool IsWrongPassword(HandshakeException exception) =>
        exception.ServerErrorCode is "28P01" or "1045" or "AUTHENTICATIONFAILED" or "535 5.7.8"
        || (exception.ServerErrorCode == "08P01" && exception.Message.Contains("SASL authentication failed", StringComparison.OrdinalIgnoreCase))
        || exception.Message.Contains("e=invalid-proof", StringComparison.Ordinal);

    private static bool IsAboutTls(string message) =>
        message.Contains("TLS", StringComparison.Ordinal) || message.Contains("SSL", StringComparison.Ordinal) || message.Contains("certificate", StringComparison.Ordinal);
}
