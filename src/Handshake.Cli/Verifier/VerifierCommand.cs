using System.CommandLine;
using System.Globalization;
using Handshake.Mfa;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Verifier;

/// <summary>
/// <c>handshake verifier scram|native|ed25519|totp</c>: makes the stored credential a server keeps. The password
/// is read as one line from standard input (no echo on a terminal), never from the command line.
/// </summary>
internal static class VerifierCommand
{
    /// <summary>PostgreSQL's default (scram_iterations).</summary>
    public const int DefaultScramIterations = 4096;

    /// <summary>The subcommand that prints a plugin's stored form from a password, or null when there is none.</summary>
    /// <param name="plugin">The verifier name.</param>
    /// <returns>The command line, e.g. <c>handshake verifier scram</c>.</returns>
    public static string? CommandFor(string plugin) => plugin switch
    {
        "SCRAM-SHA-256" => "handshake verifier scram",
        "mysql_native_password" => "handshake verifier native",
        "client_ed25519" => "handshake verifier ed25519",
        _ => null,
    };

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("verifier", "Make a stored credential from a password read as one line from standard input (never from the command line).");
        command.Subcommands.Add(CreateScram(context));
        command.Subcommands.Add(CreateFromPassword(context, "native", "Print MySQL's mysql_native_password stored form, *HEX of SHA1(SHA1(password)).", static pw => NativePasswordCredential.FromPassword(pw).Format()));
        command.Subcommands.Add(CreateFromPassword(context, "ed25519", "Print MariaDB's ed25519 stored form (what PASSWORD() stores for IDENTIFIED VIA ed25519): the public key, base64 without padding. Needs libsodium.", static pw => Ed25519Credential.FromPassword(pw).Format()));
        command.Subcommands.Add(CreateTotp(context));
        return command;
    }

    private static Command CreateScram(CliContext context)
    {
        var salt = new Option<string?>("--salt") { Description = "The salt, base64 (default: 16 random bytes). With PostgreSQL's salt and iterations the output equals what PostgreSQL stored." };
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2 iterations (default {DefaultScramIterations}, PostgreSQL's).", DefaultValueFactory = _ => DefaultScramIterations };
        var command = new Command("scram", "Print PostgreSQL's SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> for the password (SASLprep, raw bytes where SASLprep fails, as PostgreSQL).") { salt, iterations };
        context.SetAction(command, async (parse, ct) =>
        {
            var count = parse.GetValue(iterations);
            if (count < 1)
            {
                throw new CliUsageException($"--iterations must be at least 1 (got {count})");
            }

            if (count is < ScramOptions.DefaultMinIterations or > ScramOptions.DefaultMaxIterations)
            {
                // Handshake's own SCRAM client refuses such a server-first message (IterationsOutOfRange)
                // unless its ScramOptions are widened; RFC 7677 section 4 asks for at least 4096.
                await context.Environment.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warning: --iterations {count} is outside {ScramOptions.DefaultMinIterations} to {ScramOptions.DefaultMaxIterations}, the range Handshake's SCRAM client accepts by default (ScramOptions.MinIterations/MaxIterations); {(count < ScramOptions.DefaultMinIterations ? "so few make the stored credential cheap to attack, and such clients refuse to log in with it" : "such clients refuse to log in with it, and every login costs the server and client that much PBKDF2 work")}.")).ConfigureAwait(false);
            }

            var saltBytes = DecodeSalt(parse.GetValue(salt));
            var password = ReadPassword(context);
            var credential = await Internal.LongWork.RunAsync(
                () => saltBytes is null
                    ? ScramCredential.Create(password, SystemRandomSource.Instance, count)
                    : ScramCredential.Create(password, saltBytes, count),
                string.Create(CultureInfo.InvariantCulture, $"deriving the SCRAM keys ({count} PBKDF2 iterations)"),
                EstimateDerivation(count),
                context.Environment,
                ct).ConfigureAwait(false);
            await context.Environment.Output.WriteLineAsync(credential.Format()).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateFromPassword(CliContext context, string name, string description, Func<string, string> format)
    {
        var command = new Command(name, description);
        context.SetAction(command, async (parse, ct) =>
        {
            var password = ReadPassword(context);
            await context.Environment.Output.WriteLineAsync(format(password)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateTotp(CliContext context)
    {
        var issuer = new Option<string>("--issuer") { Description = "Who issues the secret, shown by authenticator apps.", DefaultValueFactory = _ => "Handshake" };
        var account = new Option<string>("--account") { Description = "The account name, shown by authenticator apps.", Required = true };
        var command = new Command("totp", "Enroll a TOTP factor: print a new random secret (base32) on the first line and the otpauth:// URI on the second. Reads no password; both lines are secrets.") { issuer, account };
        context.SetAction(command, async (parse, ct) =>
        {
            var issuerName = parse.GetValue(issuer) ?? string.Empty;
            var accountName = parse.GetValue(account) ?? string.Empty;
            if (issuerName.Length == 0 || accountName.Length == 0 || issuerName.Contains(':', StringComparison.Ordinal) || accountName.Contains(':', StringComparison.Ordinal))
            {
                throw new CliUsageException("--issuer and --account must be non-empty and contain no ':'");
            }

            var secret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
            try
            {
                await context.Environment.Output.WriteLineAsync(Base32.Encode(secret)).ConfigureAwait(false);
                await context.Environment.Output.WriteLineAsync(TotpEnrollment.CreateUri(issuerName, accountName, secret)).ConfigureAwait(false);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Times a small derivation and scales it: PBKDF2's cost is linear in its iterations.</summary>
    private static TimeSpan EstimateDerivation(int iterations)
    {
        const int Sample = 4096;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _ = ScramCredential.Create("estimate", new byte[16], Sample);
        var sample = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return sample * ((double)iterations / Sample);
    }

    private static byte[]? DecodeSalt(string? salt)
    {
        if (salt is null)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(salt);
            return bytes.Length > 0 ? bytes : throw new CliUsageException("--salt must not be empty");
        }
        catch (FormatException ex)
        {
            throw new CliUsageException("--salt is not valid base64", ex);
        }
    }

    private static string ReadPassword(CliContext context)
    {
        var password = Internal.SecretReader.ReadLine(context.Environment, "Password (not echoed): ");
        return password.Length > 0
            ? password
            : throw new CliUsageException("the password is empty; an account without a password needs no stored credential");
    }
}
