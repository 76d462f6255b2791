using System.CommandLine;
using Handshake.Plugins.NativePassword;

namespace Handshake.Cli.Serve;

/// <summary>
/// <c>handshake serve PROTOCOL --port N --users users.json [--tls-cert C --tls-key K]</c>: the
/// adapter's acceptor of a protocol of the catalogue (postgres, mysql, imap, imaps, smtp, submission,
/// submissions) on 127.0.0.1 so driver authors can test their clients. Prints
/// "listening on 127.0.0.1:PORT" first, one line per login after; Ctrl+C or SIGTERM stops it.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Sessions are asynchronous (an idle socket holds no thread), so the cap is about descriptors and memory.</summary>
    public const int DefaultMaxConnections = 10_000;

    /// <summary>The highest --max-connections accepted.</summary>
    public const int MaxMaxConnections = 100_000;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var protocol = new Argument<string>("protocol") { Description = $"Which adapter's acceptor to run: {string.Join(", ", Protocols.ProtocolCatalogue.Names)} (the probe URL schemes)." };
        protocol.AcceptOnlyFromAmong([.. Protocols.ProtocolCatalogue.Schemes]);
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1; 0 picks a free one (printed).", DefaultValueFactory = _ => 0 };
        var users = new Option<FileInfo>("--users") { Description = "users.json: {\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"SCRAM-SHA-256\",\"stored\":\"SCRAM-SHA-256$4096:...\"}]}]}.", HelpName = "FILE" };
        var store = new Option<string?>("--store") { Description = "A shared store instead of --users: postgres://user@host:port/database[?schema=NAME&host=SOCKETDIR] (see `handshake store init`, `handshake user add`).", HelpName = "URL" };
        var unknownUserKey = new Option<FileInfo?>("--unknown-user-key-file") { Description = "The key unknown users' fake salts derive from (base64, `openssl rand -base64 32`); the same on every instance. Without it, with --users, one is generated once next to users.json.", HelpName = "FILE" };
        var rsaKey = new Option<FileInfo?>("--rsa-key-file") { Description = "caching_sha2_password's RSA private key (PEM); the same on every instance, so a client that pinned the public key logs in anywhere. Without it, with --users, an ephemeral key.", HelpName = "FILE" };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "PEM certificate; with --tls-key, clients may (postgres) or can (mysql) upgrade to TLS.", HelpName = "FILE" };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "PEM private key for --tls-cert.", HelpName = "FILE" };
        var maxConnections = new Option<int>("--max-connections") { Description = $"Connections served at once, idle ones included; more are closed at once (default {DefaultMaxConnections}, at most {MaxMaxConnections}).", DefaultValueFactory = _ => DefaultMaxConnections };
        var resume = new Option<bool>("--resume") { Description = "Offer session resumption (postgres): after a full login over TLS the client reads its resume token with `SHOW handshake.resume_token`; later connections present it (mechanism \"resume\") instead of the full chain. With --store the tokens are the store's, shared by every instance." };
        var resumeKey = new Option<FileInfo?>("--resume-hash-key-file") { Description = "With --resume: the key resume tokens are stored under (HMAC-SHA-256; base64, `openssl rand -base64 32`); the same on every instance. Without it, tokens are stored as SHA-256.", HelpName = "FILE" };
        var stats = new Option<bool>("--stats") { Description = "At shutdown, print one line for load runs: connections, bytes the process allocated and store commands sent, counted from the first connection on." };
        var idleTimeout = new Option<int>("--idle-timeout") { Description = $"Seconds an authenticated session may stay silent before it is closed (default {(int)ServeSettings.DefaultIdleTimeout.TotalSeconds}, 1 to 86400).", DefaultValueFactory = _ => (int)ServeSettings.DefaultIdleTimeout.TotalSeconds, HelpName = "SECONDS" };
        var defaultPlugin = new Option<string?>("--default-plugin") { Description = $"mysql: the plugin named in the greeting (default {NativePasswordPluginNames.MySqlNativePassword}); users with another first factor are switched.", HelpName = "NAME" };
        var command = new Command("serve", "Run the handshake acceptor behind the PostgreSQL, MySQL, IMAP or SMTP adapter on 127.0.0.1 for testing clients; stop with Ctrl+C.")
        {
            protocol, port, users, store, unknownUserKey, rsaKey, tlsCert, tlsKey, maxConnections, defaultPlugin, idleTimeout, resume, resumeKey, stats,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            var portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new CliUsageException($"--port must be 0 to 65535 (got {portNumber})");
            }

            var limit = parse.GetValue(maxConnections);
            if (limit is < 1 or > MaxMaxConnections)
            {
                throw new CliUsageException($"--max-connections must be 1 to {MaxMaxConnections} (got {limit})");
            }

            var idleSeconds = parse.GetValue(idleTimeout);
            if (idleSeconds is < 1 or > 86400)
            {
                throw new CliUsageException($"--idle-timeout must be 1 to 86400 seconds (got {idleSeconds})");
            }

            var chosen = Protocols.ProtocolCatalogue.Find(parse.GetValue(protocol) ?? string.Empty)
                ?? throw new CliUsageException($"serve speaks {string.Join(", ", Protocols.ProtocolCatalogue.Names)}");
            var mysqlDefault = parse.GetValue(defaultPlugin) ?? NativePasswordPluginNames.MySqlNativePassword;
            if (mysqlDefault is not NativePasswordPluginNames.MySqlNativePassword and not Plugins.CachingSha2.CachingSha2PluginNames.CachingSha2Password)
            {
                throw new CliUsageException($"--default-plugin must be {NativePasswordPluginNames.MySqlNativePassword} or {Plugins.CachingSha2.CachingSha2PluginNames.CachingSha2Password} (a plugin whose greeting carries a scramble)");
            }

            var resuming = parse.GetValue(resume);
            if (resuming && !chosen.DeliversResumeTokens)
            {
                throw new CliUsageException($"--resume: serve {chosen.Name} cannot hand a client its resume token after login; use serve postgres (SHOW handshake.resume_token)");
            }

            if (!resuming && parse.GetValue(resumeKey) is not null)
            {
                throw new CliUsageException("--resume-hash-key-file needs --resume");
            }

            using var certificate = Internal.TlsCertificateFiles.Load(parse.GetValue(tlsCert), parse.GetValue(tlsKey));
            var settings = new ServeSettings(certificate, mysqlDefault, limit, resuming, parse.GetValue(stats), TimeSpan.FromSeconds(idleSeconds));
            chosen.Validate(settings);
            var state = await Store.ServeState.CreateAsync(parse.GetValue(users), parse.GetValue(store), parse.GetValue(unknownUserKey), parse.GetValue(rsaKey), resuming, parse.GetValue(resumeKey), context.Environment.Error, ct).ConfigureAwait(false);
            await using var stateScope = state.ConfigureAwait(false);
            var server = new ServeServer(chosen, state.Users, settings, context.Environment.Output, state);
            await server.RunAsync(portNumber, ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
