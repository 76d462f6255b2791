using Handshake.Audit;
using Npgsql;

namespace Handshake.Interop.Tests.Audit;

/// <summary>Npgsql (NuGet) audited in process against each scenario's <see cref="AuditServer"/>.</summary>
public sealed class NpgsqlAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["pg.control.scram"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256)
        ["pg.control.scram-plus"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256-PLUS over TLS)
        ["pg.ok-without-server-final"] = AuditVerdict.Pass, // refused: NpgsqlException: Received backend message AuthenticationRequest while expecting AuthenticationSASL...
        ["pg.server-final-error"] = AuditVerdict.Fail, // refused: NpgsqlException: Server signature not received in SCRAM server-final message; the message does not...
        ["pg.wrong-server-signature"] = AuditVerdict.Pass, // refused: NpgsqlException: [SCRAM] Unable to verify server signature
        ["pg.iterations-1"] = AuditVerdict.Fail, // answered i=1 with a client-final proof; accepted the login
        ["pg.iterations-4095"] = AuditVerdict.Fail, // answered i=4095 with a client-final proof; accepted the login
        ["pg.iterations-100000000"] = AuditVerdict.Fail, // hung until the deadline 
        ["pg.nonce-not-extended"] = AuditVerdict.Pass, // refused: NpgsqlException: [SCRAM] Malformed SCRAMServerFirst message: server nonce doesn't start with clien...
        ["pg.salt-not-base64"] = AuditVerdict.Pass, // refused: FormatException: The input is not a valid Base-64 string as it contains a non-base 64 character, m...
        ["pg.plus-stripped"] = AuditVerdict.Pass, // sent gs2 flag 'y' (can bind, server did not offer -PLUS); accepted the login
        ["pg.plus-foreign-binding"] = AuditVerdict.Pass, // refused: NpgsqlException: [SCRAM] Unable to verify server signature
        ["pg.ed25519-require"] = AuditVerdict.Pass, // refused: NpgsqlException: Unable to bind to SCRAM-SHA-256-PLUS
        ["pg.ok-without-authentication"] = AuditVerdict.Fail, // accepted the login
        ["pg.length-1gib"] = AuditVerdict.Fail, // refused: NpgsqlException: The operation has timed out (TimeoutException: The operation has timed out.) only...
        ["pg.stall-after-startup"] = AuditVerdict.Pass, // refused: NpgsqlException: The operation has timed out (TimeoutException: The operation has timed out.)
        ["pg.error-control-chars"] = AuditVerdict.Fail, // refused: PostgresException: 28P01: password authentication failed\x1b[2J\x1b]0;owned\x07 FATAL: everythi...
        ["pg.oauthbearer-plain"] = AuditVerdict.Pass, // refused: NpgsqlException: No supported SASL mechanism found (only SCRAM-SHA-256 and SCRAM-SHA-256-PLUS are supported for now)...
        ["pg.oauthbearer-error-oversized"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: NpgsqlException: No supported SASL mechanism found (only SCRAM-SHA-256 and SCRAM-SHA-256-PLUS are supported...
        ["pg.oauthbearer-error-then-silence"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: NpgsqlException: No supported SASL mechanism found (only SCRAM-SHA-256 and SCRAM-SHA-256-PLUS are supported...
    };

    [Fact]
    public async Task Npgsql_AuditScenarios_MatchPinnedVerdicts()
    {
        var outcomes = await AuditPins.RunInProcessAsync(AuditProtocol.PostgreSql, ConnectAsync);

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.PostgreSql);
    }

    private static async Task<Exception?> ConnectAsync(AuditScenario scenario, int port)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = AuditServer.Host,
            Port = port,
            Username = AuditServerOptions.DefaultUserName,
            Password = AuditServerOptions.DefaultPassword,
            Database = "postgres",
            Timeout = (int)AuditPins.ClientTimeout.TotalSeconds,
            SslMode = scenario.UsesTls ? SslMode.Require : SslMode.Prefer,
            ChannelBinding = scenario.RequiresChannelBinding ? ChannelBinding.Require : ChannelBinding.Prefer,
            Pooling = false,
        };
        try
        {
            using var cts = new CancellationTokenSource(AuditPins.Deadline * 2);
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cts.Token);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex;
        }
    }
}
