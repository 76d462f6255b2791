using Handshake.Cli.Probe;
using Handshake.Cli.Serve;
using Handshake.Cli.Serve.Sql;
using Handshake.Protocols.MySql;

namespace Handshake.Cli.Protocols;

/// <summary>MySQL's connection phase (mysql://, mariadb://): greeting, SSLRequest, auth switch, next factor.</summary>
internal sealed class MySqlCliProtocol : CliProtocol
{
    /// <summary>
    /// Whether the adapter's greeting offers CLIENT_DEPRECATE_EOF (0x01000000): it does not, so the
    /// negotiated capabilities never hold it and result sets end with EOF packets. A test reads the
    /// greeting's flags so that a change in the adapter is noticed here.
    /// </summary>
    public const bool AdapterOffersDeprecateEof = false;

    public override IReadOnlyList<string> Schemes { get; } = ["mysql", "mariadb"];

    public override string DisplayName => "MySQL/MariaDB";

    public override int DefaultPort => 3306;

    public override bool HasDatabase => true;

    public override string UnofferedChoice => "named in the server's greeting, or this client's fallback";

    public override async Task<AuthResult> ProbeAsync(IProbeSession session, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(factory);
        var settings = session.Settings;
        using var tcp = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var options = new MySqlClientOptions { Database = settings.Url.Database };
        using var ca = session.ApplyTls(options);
        foreach (var name in ProbeRunner.Registered(settings))
        {
            options.RegisteredPlugins.Add(name);
        }

        if (settings.Plugin is not null)
        {
            // Answer the greeting with this plugin; the server may still switch.
            options.RegisteredPlugins.Clear();
            options.RegisteredPlugins.Add(settings.Plugin);
            options.FallbackPlugin = settings.Plugin;
        }

        // sslmode prefer is the adapter's own: plain TCP when the greeting offers no CLIENT_SSL, on the same connection.
        var client = await MySqlClientConnector.ConnectAsync(tcp.GetStream(), options, factory, credentials, cancellationToken).ConfigureAwait(false);
        session.Observe(client.Stream, client.Transport);
        try
        {
            // COM_QUIT: payload length 1, sequence 0, command 0x01.
            await client.Stream.WriteAsync(new byte[] { 1, 0, 0, 0, 1 }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Leaving anyway.
        }
        finally
        {
            if (!ReferenceEquals(client.Stream, tcp.GetStream()))
            {
                await client.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return client.Authentication;
    }

    public override void ConfigureAcceptor(AcceptorOptions options, ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        options.DefaultPlugin = settings.MySqlDefaultPlugin;
    }

    public override async Task<string?> ServeAsync(ServeConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new MySqlServerOptions { ServerCertificate = connection.Certificate, ConnectionId = connection.Id, ClientHost = "127.0.0.1", IdleTimeout = connection.Settings.SessionIdleTimeout };
        var factory = connection.Factory;
        var result = await MySqlServerConnector.AcceptAsync(connection.Stream, options, factory, cancellationToken).ConfigureAwait(false);
        var line = ServeLog.Login(result.UserName, result.Transport.IsEncrypted, result.Authentication, result.FailureReason, null, $" (client plugin {result.ClientPluginName ?? "none"})");
        try
        {
            if (result.Succeeded)
            {
                connection.Log(line);
                line = null;
                var responder = new SetupQueryResponder(SqlDialect.MySql, options.ServerVersion, result.Database);
                await new MySqlCommandPhase(result.Stream, responder, AdapterOffersDeprecateEof, options.IdleTimeout).RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!ReferenceEquals(result.Stream, connection.Stream))
            {
                await result.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return line;
    }
}
