using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Cli.Internal;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Probe;

/// <summary>
/// <c>handshake probe URL</c>: connects to a real PostgreSQL or MySQL server, runs the handshake with
/// every client plugin, prints a redacted transcript and a diagnosis. Secrets come from
/// HANDSHAKE_PASSWORD / HANDSHAKE_PASSWORD2 / HANDSHAKE_PASSWORD3, one line piped on standard input
/// (--password-stdin, or whenever standard input is not a terminal and HANDSHAKE_PASSWORD is unset), or a
/// prompt with no echo; never from the command line.
/// </summary>
internal static class ProbeCommand
{
    public const int DefaultTimeoutSeconds = 10;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = new Argument<string>("url") { Description = $"scheme://user@host[:port][/db], the scheme one of {string.Join(", ", Protocols.ProtocolCatalogue.Schemes)}. No password here: it comes from HANDSHAKE_PASSWORD, standard input or a prompt." };
        var sslMode = new Option<string>("--sslmode") { Description = "disable, prefer (TLS when offered, certificate unchecked), require (TLS, certificate unchecked), verify-full (TLS, certificate and host name checked).", DefaultValueFactory = _ => "prefer", HelpName = "disable|prefer|require|verify-full" };
        sslMode.AcceptOnlyFromAmong("disable", "prefer", "require", "verify-full");
        var caCert = new Option<FileInfo?>("--ca-cert") { Description = "PEM file of the CA (or the self-signed server certificate) trusted for --sslmode verify-full.", HelpName = "FILE" };
        var channelBinding = new Option<string>("--channel-binding") { Description = "SCRAM channel binding (SCRAM-SHA-256-PLUS): disable, prefer, or require (fail without it).", DefaultValueFactory = _ => "prefer", HelpName = "disable|prefer|require" };
        channelBinding.AcceptOnlyFromAmong("disable", "prefer", "require");
        var plugin = new Option<string?>("--plugin") { Description = $"Offer or choose only this plugin: {string.Join(", ", ProbeRunner.KnownPlugins)}.", HelpName = "NAME" };
        var key = new Option<FileInfo?>("--key") { Description = "PEM private key for ssh-key-auth (registers that plugin).", HelpName = "FILE" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the first factor's password as one line from standard input (e.g. printf '%s\\n' \"$PW\" | handshake probe ...). Without it a piped line is still read when HANDSHAKE_PASSWORD is unset." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds for connecting and the whole handshake.", DefaultValueFactory = _ => DefaultTimeoutSeconds, HelpName = "SECONDS" };
        var command = new Command("probe", "Run the handshake against a real PostgreSQL, MySQL/MariaDB, IMAP or SMTP server and explain what happened (secrets and proofs redacted). Exit 0 only when authenticated; 2 usage, 3 rejected, 4 protocol/security violation, 5 cannot connect.")
        {
            url, sslMode, caCert, channelBinding, plugin, key, passwordStdin, timeout,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            var settings = Settings(
                ProbeUrl.Parse(parse.GetValue(url) ?? string.Empty),
                parse.GetValue(sslMode) ?? "prefer",
                parse.GetValue(channelBinding) ?? "prefer",
                parse.GetValue(plugin),
                parse.GetValue(timeout),
                parse.GetValue(caCert),
                parse.GetValue(key));
            using var credentials = await ReadCredentialsAsync(context.Environment, settings.Url.UserName, parse.GetValue(passwordStdin), settings.Timeout).ConfigureAwait(false);
            var style = context.Environment.UseColor ? new Ansi(true) : Ansi.Plain;
            return await new ProbeRunner(settings, context.Environment.Output, style).RunAsync(credentials, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static ProbeSettings Settings(ProbeUrl url, string sslMode, string channelBinding, string? plugin, int timeoutSeconds, FileInfo? caCert, FileInfo? key)
    {
        ArgumentNullException.ThrowIfNull(url);
        var ssl = sslMode switch
        {
            "disable" => ProbeSslMode.Disable,
            "prefer" => ProbeSslMode.Prefer,
            "require" => ProbeSslMode.Require,
            "verify-full" => ProbeSslMode.VerifyFull,
            _ => throw new CliUsageException($"--sslmode must be disable, prefer, require or verify-full (got '{sslMode}')"),
        };
        var binding = channelBinding switch
        {
            "disable" => ScramChannelBinding.Disable,
            "prefer" => ScramChannelBinding.Prefer,
            "require" => ScramChannelBinding.Require,
            _ => throw new CliUsageException($"--channel-binding must be disable, prefer or require (got '{channelBinding}')"),
        };
        if (url.Protocol.ImplicitTls && ssl == ProbeSslMode.Disable)
        {
            throw new CliUsageException($"{url.Protocol.Name}:// starts with TLS, so --sslmode disable cannot apply: use prefer, require or verify-full (or the scheme without implicit TLS)");
        }

        if (binding == ScramChannelBinding.Require && ssl == ProbeSslMode.Disable)
        {
            throw new CliUsageException("--channel-binding require needs TLS: use --sslmode require or verify-full");
        }

        if (timeoutSeconds is < 1 or > 600)
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--timeout must be 1 to 600 seconds (got {timeoutSeconds})"));
        }

        if (plugin is not null && !ProbeRunner.KnownPlugins.Contains(plugin, StringComparer.Ordinal))
        {
            throw new CliUsageException($"--plugin '{plugin}' is not one this tool has; choose one of: {string.Join(", ", ProbeRunner.KnownPlugins)}");
        }

        if (caCert is not null && ssl != ProbeSslMode.VerifyFull)
        {
            throw new CliUsageException("--ca-cert is used only to verify the server: add --sslmode verify-full");
        }

        string? ca = null;
        if (caCert is not null)
        {
            try
            {
                ca = File.ReadAllText(caCert.FullName);
                using var check = X509Certificate2.CreateFromPem(ca);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"--ca-cert {caCert.Name}: not a readable PEM certificate ({ex.GetType().Name})", ex);
            }
        }

        string? pem = null;
        if (key is not null)
        {
            try
            {
                pem = File.ReadAllText(key.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"--key {key.Name}: cannot be read ({ex.GetType().Name})", ex);
            }
        }

        return new ProbeSettings(url, ssl, binding, plugin, TimeSpan.FromSeconds(timeoutSeconds), ca, pem);
    }

    /// <summary>
    /// Factor 1's secret: HANDSHAKE_PASSWORD, else one line from standard input when it is piped (always
    /// with --password-stdin; without it only when a line arrives within the timeout, so an inherited
    /// stdin that never ends cannot hang the probe), else a prompt on a terminal. Factors 2 and 3 (e.g. a
    /// TOTP secret) only from the environment; a missing one is diagnosed when the server asks for it.
    /// </summary>
    internal static async Task<AuthCredentials> ReadCredentialsAsync(CliEnvironment environment, string userName, bool passwordStdin, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var first = environment.GetEnvironmentVariable("HANDSHAKE_PASSWORD");
        if (passwordStdin)
        {
            if (first is not null)
            {
                throw new CliUsageException("--password-stdin and HANDSHAKE_PASSWORD both give the password: use one");
            }

            first = SecretReader.ReadLine(environment, $"Password for {userName} (not echoed): ");
        }
        else if (first is null && environment.InputIsTerminal && environment.ReadKey is not null)
        {
            first = SecretReader.ReadLine(environment, $"Password for {userName} (not echoed): ");
        }
        else if (first is null && !environment.InputIsTerminal)
        {
            first = await SecretReader.TryReadPipedLineAsync(environment.Input, timeout).ConfigureAwait(false);
        }

        return AuthCredentials.FromPasswords(
            userName,
            first,
            environment.GetEnvironmentVariable("HANDSHAKE_PASSWORD2"),
            environment.GetEnvironmentVariable("HANDSHAKE_PASSWORD3"));
    }
}
