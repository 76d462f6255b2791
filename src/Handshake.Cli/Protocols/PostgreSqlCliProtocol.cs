using Handshake.Cli.Probe;
using Handshake.Cli.Serve;
using Handshake.Cli.Serve.Sql;
using Handshake.Protocols.PostgreSql;

namespace Handshake.Cli.Protocols;

/// <summary>PostgreSQL's startup phase (postgres://, postgresql://): SSLRequest, SASL (SCRAM-SHA-256[-PLUS]).</summary>
internal sealed class PostgreSqlCliProtocol : CliProtocol
{
    public override IReadOnlyList<string> Schemes { get; } = ["postgres", "postgresql"];

    public override string DisplayName => "PostgreSQL";

    public override int DefaultPort => 5432;

    public override bool HasDatabase => true;

    public override bool DeliversResumeTokens => true;

    public override async Task<AuthResult> ProbeAsync(IProbeSession session, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var settings = session.Settings;
        using var tcp = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var options = new PostgreSqlClientOptions { Database = settings.Url.Database };
        using var ca = session.ApplyTls(options);
        options.StartupParameters["application_name"] = "handshake probe";
        var startup = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), options, factory, credentials, cancellationToken).ConfigureAwait(false);
        session.Observe(startup.Stream, startup.Transport);
        try
        {
            // Terminate ('X'), as a polite client leaves.
            await startup.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Leaving anyway.
        }
        finally
        {
            if (!ReferenceEquals(startup.Stream, tcp.GetStream()))
            {
                await startup.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return startup.Authentication;
    }

    public override void ConfigureAcceptor(AcceptorOptions options, ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultPlugin = UsersFile.Scram;
    }

    public override async Task<string?> ServeAsync(ServeConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new PostgreSqlAcceptorOptions { ServerCertificate = connection.Certificate, IdleTimeout = connection.Settings.SessionIdleTimeout };
        var version = options.ServerParameters.FirstOrDefault(p => p.Key == "server_version").Value ?? "15.0";

        // After login, the set-up queries drivers send are answered (SELECT 1, version(), SET, SHOW);
        // with --resume, SHOW handshake.resume_token hands a full login its token.
        var resume = connection.ResumeIssuer is { } issuer ? new ServeResumeSession(connection.Factory, issuer) : null;
        options.SessionHandler = async (session, ct) =>
        {
            var token = resume is null ? null : await resume.IssueAsync(ct).ConfigureAwait(false);
            await new PostgreSqlQueryPhase(session.Stream, new SetupQueryResponder(SqlDialect.PostgreSql, version, database: null, token), session.IdleTimeout).RunAsync(ct).ConfigureAwait(false);
        };
        var result = await PostgreSqlAcceptorSession.AcceptAsync(connection.Stream, options, resume ?? connection.Factory, cancellationToken).ConfigureAwait(false);
        return result.IsCancelRequest ? null : ServeLog.Login(result.UserName, result.IsEncrypted, result.Authentication, result.FailureReason, result.FailureDetail) + resume?.Describe;
    }
}
