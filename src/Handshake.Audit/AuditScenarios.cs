using Handshake.Audit.Internal;

namespace Handshake.Audit;

/// <summary>
/// The scenario catalogue: hostile and edge PostgreSQL and MySQL servers, and the honest controls each
/// verdict is read against. Ids are stable; <see cref="Get"/> finds one.
/// </summary>
public static class AuditScenarios
{
    /// <summary>The control character sequences the error scenarios carry: clear screen, set the terminal title, a forged second line.</summary>
    internal const string HostileErrorText = "password authentication failed\u001b[2J\u001b]0;owned\u0007\r\nFATAL:  everything is fine, you are logged in";

    private const string PgDocs = "PostgreSQL docs, Frontend/Backend Protocol: SASL Authentication";
    private const string ControlFix = "Nothing to fix: this is a control. If it fails, the client's configuration (user, password, TLS) is wrong for the audit and the other verdicts are not meaningful.";
    private static readonly TimeSpan PromptRefusal = TimeSpan.FromSeconds(1);

    private static readonly AuditScenario[] PgScenarios =
    [
        new(new ScenarioSpec(
            "pg.control.scram",
            AuditProtocol.PostgreSql,
            "Honest SCRAM-SHA-256 (i=4096) over plain TCP.",
            "RFC 5802 §3, RFC 7677; " + PgDocs,
            "Logs in.",
            ControlFix,
            VerdictRules.MustLogIn(),
            new PgPlan(),
            IsControl: true)),
        new(new ScenarioSpec(
            "pg.control.scram-plus",
            AuditProtocol.PostgreSql,
            "Honest server over TLS offering SCRAM-SHA-256-PLUS and SCRAM-SHA-256; the tls-server-end-point binding is checked.",
            "RFC 5802 §6, RFC 5929 §4.1; " + PgDocs,
            "Logs in, with SCRAM-SHA-256-PLUS when it can bind.",
            ControlFix,
            VerdictRules.MustLogIn(),
            new PgPlan { Tls = true, Mechanisms = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"] },
            UsesTls: true,
            IsControl: true)),
        new(new ScenarioSpec(
            "pg.ok-without-server-final",
            AuditProtocol.PostgreSql,
            "After the client's proof, AuthenticationOk arrives with no AuthenticationSASLFinal (no server signature).",
            "RFC 5802 §3 and §9 (the server signature is what authenticates the server); https://github.com/ponylang/postgres/issues/204",
            "Refuses: the exchange it started is not complete until it has checked v=.",
            "Remember that a SCRAM exchange is in progress and treat AuthenticationOk before a verified server-final as a failure (\"server signature is missing\").",
            VerdictRules.MustRefuse(),
            new PgPlan { Final = PgServerFinal.Omit })),
        new(new ScenarioSpec(
            "pg.server-final-error",
            AuditProtocol.PostgreSql,
            "The server-final is e=invalid-proof (a SCRAM server error), and AuthenticationOk follows it.",
            "RFC 5802 §7 (server-final-message = (server-error / verifier)); node-postgres reported Supavisor's e= replies as \"SCRAM-SERVER-FINAL-MESSAGE: server signature is missing\"",
            "Refuses, naming the server's error (invalid-proof), not \"server signature is missing\"; never takes the OK that follows.",
            "Parse e= before looking for v= in the server-final and raise it as the server's error.",
            VerdictRules.MustSurfaceServerError("invalid-proof"),
            new PgPlan { Final = PgServerFinal.Error })),
        new(new ScenarioSpec(
            "pg.wrong-server-signature",
            AuditProtocol.PostgreSql,
            "The server-final carries a v= that is not HMAC(ServerKey, AuthMessage).",
            "RFC 5802 §3 (the client verifies ServerSignature)",
            "Refuses: the server did not prove it knows the password.",
            "Compute HMAC(ServerKey, AuthMessage), compare it with v= in constant time, fail on mismatch.",
            VerdictRules.MustRefuse(),
            new PgPlan { Final = PgServerFinal.WrongSignature })),
        new(new ScenarioSpec(
            "pg.iterations-1",
            AuditProtocol.PostgreSql,
            "The server-first asks for i=1 (a server that wants a cheap guess at the password).",
            "RFC 7677 §4 (the iteration count SHOULD be at least 4096); https://github.com/brianc/node-postgres/issues/3655",
            "Refuses before sending a proof.",
            "Check i against a minimum (4096) when the server-first arrives.",
            VerdictRules.MustRefuseBeforeProof("i=1"),
            new PgPlan { Iterations = 1 })),
        new(new ScenarioSpec(
            "pg.iterations-4095",
            AuditProtocol.PostgreSql,
            "The server-first asks for i=4095, one below RFC 7677's floor.",
            "RFC 7677 §4 (the iteration count SHOULD be at least 4096)",
            "Refuses before sending a proof.",
            "Check i against a minimum of 4096, inclusive.",
            VerdictRules.MustRefuseBeforeProof("i=4095"),
            new PgPlan { Iterations = 4095 })),
        new(new ScenarioSpec(
            "pg.iterations-100000000",
            AuditProtocol.PostgreSql,
            "The server-first asks for i=100000000 (minutes of PBKDF2: a CPU exhaustion of the client).",
            "RFC 5802 §5.1 (i is the server's choice, so the client must bound its own work); Npgsql and MailKit cap no iteration count; node-postgres scramMaxIterations",
            "Refuses (a maximum such as 1,000,000), or gives up within its own timeout.",
            "Check i against a configurable maximum before deriving keys, and keep the connect timeout running during key derivation.",
            VerdictRules.MustRefuseBeforeProof("i=100000000"),
            new PgPlan { Iterations = 100_000_000, RefuseClientFinal = true })),
        new(new ScenarioSpec(
            "pg.nonce-not-extended",
            AuditProtocol.PostgreSql,
            "The server-first's r= does not start with the client's nonce.",
            "RFC 5802 §5.1 (the client MUST verify that the nonce starts with the one it sent)",
            "Refuses before sending a proof.",
            "Check that the server nonce starts with the client nonce and is longer than it.",
            VerdictRules.MustRefuseBeforeProof("a nonce that does not extend its own"),
            new PgPlan { NonceNotExtended = true })),
        new(new ScenarioSpec(
            "pg.salt-not-base64",
            AuditProtocol.PostgreSql,
            "The server-first's s= is not base64 (#not*base64!).",
            "RFC 5802 §7 (salt = \"s=\" base64)",
            "Refuses with a protocol error before sending a proof.",
            "Decode s= strictly; a decoding failure (or an empty salt) is a protocol violation, not an exception escaping the driver.",
            VerdictRules.MustRefuseBeforeProof("a salt that is not base64"),
            new PgPlan { SaltNotBase64 = true, RefuseClientFinal = true })),
        new(new ScenarioSpec(
            "pg.plus-stripped",
            AuditProtocol.PostgreSql,
            "Over TLS the server offers only SCRAM-SHA-256 (a man in the middle stripped -PLUS).",
            "RFC 5802 §6 (gs2 flag \"y\": the client supports channel binding but thinks the server does not), RFC 7677",
            "Sends gs2 flag 'y' (so a real server that supports -PLUS detects the downgrade), or refuses under channel_binding=require; never 'n'.",
            "Over TLS, when the client can compute tls-server-end-point, send \"y,,\" whenever it does not use -PLUS.",
            VerdictRules.MustNotDowngradeSilently(),
            new PgPlan { Tls = true },
            UsesTls: true)),
        new(new ScenarioSpec(
            "pg.plus-foreign-binding",
            AuditProtocol.PostgreSql,
            "Over TLS with -PLUS offered, the server-final is signed over the binding of another certificate (TLS terminated in front of the server).",
            "RFC 5929 §4.1, RFC 5802 §6 (the binding is part of AuthMessage, which the server signature covers)",
            "Refuses: the server's proof does not cover the channel the client sees.",
            "Compute the channel binding from the live connection's certificate and verify v= over the AuthMessage with exactly the c= sent.",
            VerdictRules.MustRefuseForeignBinding(),
            new PgPlan { Tls = true, Mechanisms = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], Final = PgServerFinal.ForeignChannelBinding },
            UsesTls: true)),
        new(new ScenarioSpec(
            "pg.ed25519-require",
            AuditProtocol.PostgreSql,
            "Over TLS with an Ed25519 server certificate, the server offers SCRAM-SHA-256-PLUS and SCRAM-SHA-256; run the client with channel binding required.",
            "RFC 5929 §4.1 (no tls-server-end-point hash is defined for Ed25519, whose signature uses no separate hash); GHSA-j92g-9f8w-j867 (pgjdbc's channelBinding=require silently downgraded)",
            "Refuses (it cannot bind to this certificate and binding is required); never completes SCRAM-SHA-256 without binding.",
            "When channel binding is required, treat a certificate without a defined tls-server-end-point hash as a failure, not as a reason to fall back to the plain mechanism.",
            VerdictRules.MustBindOrRefuse(),
            new PgPlan { Tls = true, Ed25519Certificate = true, Mechanisms = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"] },
            UsesTls: true,
            RequiresChannelBinding: true)),
        new(new ScenarioSpec(
            "pg.ok-without-authentication",
            AuditProtocol.PostgreSql,
            "AuthenticationOk right after the startup message: no authentication at all.",
            "libpq require_auth (PostgreSQL 16): a client that expects SCRAM should not accept a server that skips it",
            "Refuses when it holds a password and expected SCRAM (or accepts only where trust authentication is configured on purpose).",
            "Offer require_auth / an AllowUnauthenticatedSuccess option and refuse an authentication that never happened unless it is set.",
            VerdictRules.MustRefuse(),
            new PgPlan { OkWithoutAuthentication = true })),
        new(new ScenarioSpec(
            "pg.length-1gib",
            AuditProtocol.PostgreSql,
            "The first authentication message announces a length of 1 GiB (and sends 8 bytes).",
            "PostgreSQL docs, Message Formats (Int32 length); CWE-789 (memory allocation with excessive size value)",
            "Refuses at once (a startup-phase message is small), without allocating or waiting for 1 GiB.",
            "Check the announced length against a limit (libpq: 30000 bytes for non-data messages) before reading or allocating.",
            VerdictRules.MustRefusePromptly(PromptRefusal),
            new PgPlan { HugeLength = true })),
        new(new ScenarioSpec(
            "pg.stall-after-startup",
            AuditProtocol.PostgreSql,
            "The server reads the startup message and never answers.",
            "CWE-400 (uncontrolled resource consumption); libpq connect_timeout, Npgsql Timeout, pg connectionTimeoutMillis",
            "Gives up at its own connect timeout (run it with one shorter than the scenario's deadline).",
            "Apply the connect timeout to the whole startup phase, not only the TCP connect.",
            VerdictRules.MustRefuse(),
            new PgPlan { StallAfterStartup = true })),
        new(new ScenarioSpec(
            "pg.error-control-chars",
            AuditProtocol.PostgreSql,
            "ErrorResponse whose message carries ESC sequences (clear screen, terminal title), BEL and CR LF with a forged line.",
            "CWE-150 (improper neutralization of escape sequences), CWE-117 (output neutralization for logs)",
            "Refuses, and shows the server's text with control characters escaped or removed.",
            "Escape C0 controls (and DEL) in server-supplied text before printing or logging it.",
            VerdictRules.MustRefuseWithoutControlCharacters(),
            new PgPlan { ErrorInsteadOfAuthentication = HostileErrorText })),
        new(new ScenarioSpec(
            "pg.oauthbearer-plain",
            AuditProtocol.PostgreSql,
            "Over plain TCP the server offers only OAUTHBEARER (PostgreSQL 18's oauth method) in AuthenticationSASL.",
            "RFC 7628 §5 (OAUTHBEARER relies on TLS to protect the token), RFC 6750 §5.3 (bearer tokens are replayable: always use TLS); PostgreSQL 18 docs, OAuth Authorization/Authentication",
            "Refuses without sending its bearer token: no auth=Bearer value leaves over an unencrypted connection.",
            "Check the transport before asking the token provider: send a bearer token only over verified TLS (or on an explicit opt-in), as for a password in clear text.",
            VerdictRules.MustNotSendBearerToken(),
            new PgPlan { Mechanisms = ["OAUTHBEARER"], OAuthBearer = PgOAuthBearerMode.OfferedInClear })),
        new(new ScenarioSpec(
            "pg.oauthbearer-error-oversized",
            AuditProtocol.PostgreSql,
            "Over TLS, the client's OAUTHBEARER initial response is answered with a 1 MiB error JSON (AuthenticationSASLContinue).",
            "RFC 7628 §3.2.2 (the error is a small JSON object: status, scope, openid-configuration); CWE-789 (memory allocation with excessive size value), CWE-117",
            "Ends with a typed failure without hanging, allocating for the whole message, or passing the server's text on whole.",
            "Check the announced message length against a limit before reading it (libpq: 30000 bytes outside data rows), and bound the error fields shown or logged.",
            VerdictRules.MustFailBounded(4096),
            new PgPlan { Tls = true, Mechanisms = ["OAUTHBEARER"], OAuthBearer = PgOAuthBearerMode.OversizedError },
            UsesTls: true)),
        new(new ScenarioSpec(
            "pg.oauthbearer-error-then-silence",
            AuditProtocol.PostgreSql,
            "Over TLS, a well-formed OAUTHBEARER error JSON, then no answer to the client's dummy 0x01.",
            "RFC 7628 §3.2.3 (the client answers the error with 0x01 and the server then fails the exchange); CWE-400 (uncontrolled resource consumption)",
            "Gives up at its own connect timeout (run it with one shorter than the scenario's deadline).",
            "Keep the connect timeout running for the whole authentication, including the wait after the dummy 0x01.",
            VerdictRules.MustGiveUpAfterOAuthBearerError(),
            new PgPlan { Tls = true, Mechanisms = ["OAUTHBEARER"], OAuthBearer = PgOAuthBearerMode.ErrorThenSilence },
            UsesTls: true)),
    ];

    private static readonly AuditScenario[] MySqlScenarios =
    [
        new(new ScenarioSpec(
            "mysql.control.native",
            AuditProtocol.MySql,
            "Honest mysql_native_password over plain TCP (a client answering with another plugin is switched to it).",
            "MySQL docs, Connection Phase: Protocol::Handshake v10, Native Authentication",
            "Logs in.",
            ControlFix,
            VerdictRules.MustLogIn(),
            new MySqlPlan(),
            IsControl: true)),
        new(new ScenarioSpec(
            "mysql.control.native-tls",
            AuditProtocol.MySql,
            "Honest mysql_native_password after the SSL request and TLS.",
            "MySQL docs, Connection Phase: Protocol::SSLRequest",
            "Logs in over TLS.",
            ControlFix,
            VerdictRules.MustLogIn(),
            new MySqlPlan { Tls = true },
            UsesTls: true,
            IsControl: true)),
        new(new ScenarioSpec(
            "mysql.clear-password-plain",
            AuditProtocol.MySql,
            "AuthSwitchRequest to mysql_clear_password over plain TCP.",
            "MySQL docs, Client-Side Cleartext Pluggable Authentication (use only over a secure connection); GHSA-473q-m89c-ghf8 (MySqlConnector sent a cleartext password before verifying the certificate)",
            "Refuses: it does not send the password in clear text over an unencrypted connection (unless the application opted in).",
            "Gate mysql_clear_password (and any plugin that sends the secret itself) on an encrypted, verified connection or an explicit opt-in such as LIBMYSQL_ENABLE_CLEARTEXT_PLUGIN.",
            VerdictRules.MustNotSendClearPassword(),
            new MySqlPlan { Mode = MySqlMode.ClearPassword })),
        new(new ScenarioSpec(
            "mysql.dialog-password-plain",
            AuditProtocol.MySql,
            "AuthSwitchRequest to dialog with a password question (type 4, \"Password: \"), as MariaDB's PAM plugin asks, over plain TCP.",
            "MariaDB docs, Authentication Plugin - PAM (dialog and mysql_clear_password send the password in clear text); libmariadb plugins/auth/dialog.c",
            "Refuses: it does not answer a password question in clear text over an unencrypted connection (unless the application opted in).",
            "Gate dialog's answers like mysql_clear_password: on an encrypted, verified connection or an explicit opt-in.",
            VerdictRules.MustNotSendClearPassword(),
            new MySqlPlan { Mode = MySqlMode.DialogPassword })),
        new(new ScenarioSpec(
            "mysql.dialog-unprompted-plain",
            AuditProtocol.MySql,
            "AuthSwitchRequest to dialog with no question at all, over plain TCP (libmariadb's dialog then sends the password unasked).",
            "MariaDB docs, Authentication Plugin - PAM; libmariadb plugins/auth/dialog.c (an empty first packet is answered with the password)",
            "Refuses: it does not send the password in clear text over an unencrypted connection, asked or not (unless the application opted in).",
            "Apply the cleartext gate before dialog's unprompted first answer too, not only before answering a question.",
            VerdictRules.MustNotSendClearPassword(),
            new MySqlPlan { Mode = MySqlMode.DialogUnprompted })),
        new(new ScenarioSpec(
            "mysql.dialog-prompt-loop",
            AuditProtocol.MySql,
            "Over TLS, AuthSwitchRequest to dialog asking \"Password: \", then the same question after every answer, never marked last (up to 64 times).",
            "MariaDB auth_pam (one question per PAM conversation message; a PAM stack asks a few); CWE-835 (loop with unreachable exit condition)",
            "Stops answering after a small number of questions (or a question it has no answer for) and fails.",
            "Count dialog questions per factor and fail past a small limit; answer the stored password once, not to every password question.",
            VerdictRules.MustStopAnswering(64),
            new MySqlPlan { Mode = MySqlMode.DialogPromptLoop, Tls = true, PromptBound = 64 },
            UsesTls: true)),
        new(new ScenarioSpec(
            "mysql.dialog-prompt-oversized",
            AuditProtocol.MySql,
            "Over TLS, AuthSwitchRequest to dialog with a 1 MiB password question (PAM itself caps a message at 512 bytes, PAM_MAX_MSG_SIZE).",
            "Linux-PAM _pam_types.h PAM_MAX_MSG_SIZE; CWE-789 (memory allocation with excessive size value), CWE-117",
            "Answers or refuses without hanging, and never hands the whole question to a prompt, a log or an error message.",
            "Bound the question text shown to a prompt callback or written to a message (cut it, say so), and the packet size read in the connection phase.",
            VerdictRules.MustStayBounded(4096),
            new MySqlPlan { Mode = MySqlMode.DialogOversizedPrompt, Tls = true },
            UsesTls: true)),
        new(new ScenarioSpec(
            "mysql.unknown-plugin",
            AuditProtocol.MySql,
            "AuthSwitchRequest to a plugin no client has (" + MySqlScenarioServer.UnknownPlugin + "); any answer is accepted with OK.",
            "MySQL docs, Connection Phase: Protocol::AuthSwitchRequest",
            "Refuses, naming the plugin; it never answers a plugin it does not have.",
            "Look the switched-to plugin up among the registered ones and fail with its name when it is missing.",
            VerdictRules.MustNotAnswerUnknownPlugin(),
            new MySqlPlan { Mode = MySqlMode.UnknownPlugin })),
        new(new ScenarioSpec(
            "mysql.next-factor-unknown",
            AuditProtocol.MySql,
            "After a correct first factor, AuthNextFactor (0x02) names a plugin no client has; any answer is accepted with OK.",
            "MySQL 8.0.27 multi-factor authentication: Protocol::AuthNextFactor",
            "Refuses, naming the plugin (or treating 0x02 as a protocol error when it does not do multi-factor).",
            "Resolve the next factor's plugin like a switch; without multi-factor support, treat 0x02 as unexpected.",
            VerdictRules.MustNotAnswerUnknownPlugin(),
            new MySqlPlan { Mode = MySqlMode.NextFactorUnknown })),
        new(new ScenarioSpec(
            "mysql.switch-loop",
            AuditProtocol.MySql,
            "AuthSwitchRequest to mysql_native_password, again after every answer (up to 16 times).",
            "MySQL docs, Connection Phase (one switch per factor); CWE-835 (loop with unreachable exit condition)",
            "Stops after a small number of switches and fails.",
            "Count switches per factor and fail past a small limit.",
            VerdictRules.MustStopSwitching(16),
            new MySqlPlan { Mode = MySqlMode.SwitchLoop, SwitchBound = 16 })),
        new(new ScenarioSpec(
            "mysql.length-16mib",
            AuditProtocol.MySql,
            "The greeting's packet header announces 0xFFFFFF bytes (the most a header can say; continuation packets make it unbounded) and sends 16.",
            "MySQL docs, MySQL Packets (payloads of 0xFFFFFF continue in the next packet); CWE-789",
            "Refuses at once: a greeting is well under 1 KiB.",
            "Check the announced length against a limit for the connection phase before reading or allocating.",
            VerdictRules.MustRefusePromptly(PromptRefusal),
            new MySqlPlan { Mode = MySqlMode.HugeLength })),
        new(new ScenarioSpec(
            "mysql.stall-after-greeting",
            AuditProtocol.MySql,
            "The server sends its greeting, reads the HandshakeResponse and never answers.",
            "CWE-400; connect timeouts of mysql2 (connectTimeout), MySqlConnector (Connection Timeout), the mariadb client (--connect-timeout)",
            "Gives up at its own connect timeout (run it with one shorter than the scenario's deadline).",
            "Apply the connect timeout to the whole connection phase, not only the TCP connect.",
            VerdictRules.MustRefuse(),
            new MySqlPlan { Mode = MySqlMode.StallAfterGreeting })),
        new(new ScenarioSpec(
            "mysql.error-control-chars",
            AuditProtocol.MySql,
            "ERR 1045 whose message carries ESC sequences, BEL and CR LF with a forged line.",
            "CWE-150, CWE-117",
            "Refuses, and shows the server's text with control characters escaped or removed.",
            "Escape C0 controls (and DEL) in server-supplied text before printing or logging it.",
            VerdictRules.MustRefuseWithoutControlCharacters(),
            new MySqlPlan { Mode = MySqlMode.ErrorControlCharacters, ErrorMessage = HostileErrorText })),
    ];

    /// <summary>Gets the PostgreSQL scenarios, controls first.</summary>
    public static IReadOnlyList<AuditScenario> PostgreSql { get; } = PgScenarios;

    /// <summary>Gets the MySQL scenarios, controls first.</summary>
    public static IReadOnlyList<AuditScenario> MySql { get; } = MySqlScenarios;

    /// <summary>Gets every scenario.</summary>
    public static IReadOnlyList<AuditScenario> All { get; } = [.. PgScenarios, .. MySqlScenarios];

    /// <summary>Gets the scenarios of one protocol.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>Its scenarios.</returns>
    public static IReadOnlyList<AuditScenario> For(AuditProtocol protocol) => protocol == AuditProtocol.PostgreSql ? PostgreSql : MySql;

    /// <summary>Finds a scenario by id.</summary>
    /// <param name="id">The id, for example <c>pg.iterations-1</c>.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="KeyNotFoundException">No scenario has that id (the message lists them).</exception>
    public static AuditScenario Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return TryGet(id, out var scenario)
            ? scenario
            : throw new KeyNotFoundException($"No audit scenario '{id}'. Known: {string.Join(", ", All.Select(s => s.Id))}.");
    }

    /// <summary>Tries to find a scenario by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="scenario">The scenario, when found.</param>
    /// <returns>Whether it was found.</returns>
    public static bool TryGet(string? id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuditScenario? scenario)
    {
        scenario = All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));
        return scenario is not null;
    }
}
