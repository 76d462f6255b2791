using System.CommandLine;
using System.Globalization;
using Handshake.Audit;

namespace Handshake.Cli.Audit;

/// <summary>
/// <c>handshake audit postgres|mysql [--scenario ID] [--port N] [--json] [--run 'client command {port}']</c>:
/// the rogue-server kit on 127.0.0.1. Without --run it serves one scenario per incoming connection, in order,
/// and prints a finding per connection; with --run it runs the command once per scenario (the port and the
/// scenario's needs substituted) and judges each run with the command's exit code and output too.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var protocol = new Argument<string>("protocol") { Description = "postgres or mysql: which protocol's scenarios to serve." };
        protocol.AcceptOnlyFromAmong("postgres", "mysql");
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1; 0 picks a free one (printed as 'listening on 127.0.0.1:PORT').", DefaultValueFactory = _ => 0 };
        var scenario = new Option<string[]>("--scenario") { Description = "Serve only these scenario ids (repeatable); default: all of the protocol's, controls first.", HelpName = "ID", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the scorecard as JSON (for CI)." };
        var run = new Option<string?>("--run") { Description = "A client command run once per scenario through /bin/sh -c; {port}, {scenario}, {tls} (1/0), {sslmode} (require/prefer) and {channel_binding} (require/prefer) are substituted, the password is in HANDSHAKE_AUDIT_PASSWORD, PGPASSWORD and MYSQL_PWD.", HelpName = "COMMAND" };
        var deadline = new Option<double>("--deadline") { Description = "Seconds one connection may last; a client still silent then has hung (default 5). Give the client a shorter connect timeout.", DefaultValueFactory = _ => AuditServerOptions.DefaultDeadline.TotalSeconds };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "PEM certificate for the TLS scenarios (default: a self-signed ECDSA P-256 one made in process).", HelpName = "FILE" };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "PEM private key for --tls-cert.", HelpName = "FILE" };
        var list = new Option<bool>("--list") { Description = "List the scenarios (id, source, what a correct client does) and exit." };
        var command = new Command("audit", "Serve hostile and honest PostgreSQL or MySQL servers on 127.0.0.1 and score the client that connects.")
        {
            protocol, port, scenario, json, run, deadline, tlsCert, tlsKey, list,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            var which = parse.GetValue(protocol) == "postgres" ? AuditProtocol.PostgreSql : AuditProtocol.MySql;
            var scenarios = Select(which, parse.GetValue(scenario));
            var output = context.Environment.Output;
            if (parse.GetValue(list))
            {
                await AuditScorecard.WriteListAsync(output, scenarios).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--port must be 0 to 65535 (got {portNumber})"));
            }

            var seconds = parse.GetValue(deadline);
            if (!(seconds is > 0 and <= 300))
            {
                throw new CliUsageException("--deadline must be more than 0 and at most 300 seconds");
            }

            using var certificate = Internal.TlsCertificateFiles.Load(parse.GetValue(tlsCert), parse.GetValue(tlsKey));
            var options = new AuditServerOptions { Deadline = TimeSpan.FromSeconds(seconds), Certificate = certificate, Port = portNumber };
            var runCommand = parse.GetValue(run);
            var findings = runCommand is null
                ? await AuditListener.ServeAsync(scenarios, options, output, quiet: parse.GetValue(json), ct).ConfigureAwait(false)
                : await AuditClientRunner.RunAllAsync(scenarios, options, runCommand, output, quiet: parse.GetValue(json), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await AuditScorecard.WriteJsonAsync(output, which, findings).ConfigureAwait(false);
            }
            else
            {
                await AuditScorecard.WriteTableAsync(output, findings).ConfigureAwait(false);
            }

            return findings.Any(f => f.Verdict == AuditVerdict.Fail) ? ExitCodes.Violation : ExitCodes.Success;
        });
        return command;
    }

    private static List<AuditScenario> Select(AuditProtocol protocol, string[]? ids)
    {
        var all = AuditScenarios.For(protocol);
        if (ids is not { Length: > 0 })
        {
            return [.. all];
        }

        var selected = new List<AuditScenario>(ids.Length);
        foreach (var id in ids)
        {
            var found = all.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal))
                ?? throw new CliUsageException($"--scenario {id}: not a {(protocol == AuditProtocol.PostgreSql ? "postgres" : "mysql")} scenario (known: {string.Join(", ", all.Select(s => s.Id))})");
            selected.Add(found);
        }

        return selected;
    }
}
