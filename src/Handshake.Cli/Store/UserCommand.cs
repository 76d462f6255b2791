using System.CommandLine;
using System.Globalization;
using Handshake.Cli.Internal;
using Handshake.Cli.Serve;
using Handshake.Mfa;
using Handshake.Plugins.KeyAuth;
using Handshake.Stores.PostgreSql;
using Microsoft.Extensions.Options;

namespace Handshake.Cli.Store;

/// <summary>
/// <c>handshake user add|remove|list|signout --store &lt;url&gt;</c>: fills a shared store without SQL. Factors are
/// named in order; a password is read without echo (or one line from a pipe), never from the command
/// line; a TOTP factor is enrolled here and its otpauth:// URI printed once, for the user's app.
/// </summary>
internal static class UserCommand
{
    public const string TotpIssuer = "handshake";

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("user", "Add, remove and list the users of a shared store (see `handshake store init`).")
        {
            Add(context), Remove(context), List(context), SignOut(context),
        };
    }

    private static Option<string> StoreOption() => new("--store") { Description = "postgres://user@host:port/database[?schema=NAME&host=SOCKETDIR]; the password from PGPASSWORD.", Required = true, HelpName = "URL" };

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var store = StoreOption();
        var factors = new Option<string[]>("--factor") { Description = $"A factor's plugin, in order (repeat up to 3): {string.Join(", ", UsersFile.Plugins)}.", Required = true, AllowMultipleArgumentsPerToken = false, HelpName = "PLUGIN" };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = $"For {KeyAuthPluginNames.SshKeyAuth}: the user's public key (PEM or an authorized_keys line).", HelpName = "FILE" };
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2 iterations for SCRAM-SHA-256 and caching_sha2_password (default {Verifier.VerifierCommand.DefaultScramIterations}); use the count every user has, so unknown users look alike.", DefaultValueFactory = _ => Verifier.VerifierCommand.DefaultScramIterations };
        var command = new Command("add", "Add a user, or replace every factor of an existing one.") { name, store, factors, publicKey, iterations };
        context.SetAction(command, async (parse, ct) =>
        {
            var user = parse.GetValue(name)!;
            if (user.Length is 0 or > 63 || user.Any(char.IsControl))
            {
                throw new CliUsageException("name: 1 to 63 characters, no control characters");
            }

            var plugins = parse.GetValue(factors) ?? [];
            var catalog = UsersFile.ServeCatalog;
            var formats = plugins.Select(p => catalog.FindCredentialFormat(p) ?? throw new CliUsageException($"--factor '{PeerText.Printable(p, 40)}': not a plugin serve has; one of {string.Join(", ", UsersFile.Plugins)}")).ToList();

            // The factor rules are FactorPolicyRules', the ones the acceptor applies; checked before any password is read.
            if (FactorPolicyRules.Validate(user, [.. plugins.Select(p => (AuthFactorPolicy?)new AuthFactorPolicy(p, StoredCredential.FromString("-")))], catalog.Verifiers) is [var broken, ..])
            {
                throw new CliUsageException($"--factor: {broken}");
            }

            var count = parse.GetValue(iterations);
            if (count is < 4096 or > 1_000_000)
            {
                throw new CliUsageException("--iterations: 4096 to 1000000 (the range the library's own clients accept)");
            }

            var policies = new List<AuthFactorPolicy>();
            var enrolment = new List<string>();
            for (var i = 0; i < plugins.Length; i++)
            {
                policies.Add(await FactorAsync(context, user, formats[i], parse.GetValue(publicKey), count, enrolment).ConfigureAwait(false));
            }

            var url = StoreUrl.Parse(parse.GetValue(store));
            var dataSource = url.CreateDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var credentials = new PostgreSqlCredentialStore(dataSource, Options.Create(new PostgreSqlStoreOptions { Schema = url.Schema }));
            var isNew = await StoreCommand.Run(async () => await credentials.AddOrReplaceUserAsync(new UserAuthPolicy(user, policies), ct).ConfigureAwait(false)).ConfigureAwait(false);
            var output = context.Environment.Output;
            await output.WriteLineAsync($"{(isNew ? "added" : "replaced")} {user}: {string.Join(" -> ", plugins)}").ConfigureAwait(false);
            foreach (var line in enrolment)
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<AuthFactorPolicy> FactorAsync(CliContext context, string user, IStoredCredentialFormat format, FileInfo? publicKey, int iterations, List<string> enrolment)
    {
        // What to ask for follows from the verifier's own format: a password for password methods, a
        // generated secret for a TOTP secret, a file for a public key.
        var plugin = format.VerifierName;
        if (format.CanDeriveFromPassword)
        {
            return new(plugin, format.FromPassword(ReadPassword(context, user), iterations));
        }

        switch (format.ValueName)
        {
            case "secret":
                var secret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
                try
                {
                    enrolment.Add($"{plugin}: add this to the user's authenticator app (shown once): {TotpEnrollment.CreateUri(TotpIssuer, user, secret)}");
                    return new(plugin, StoredCredential.FromString(Base32.Encode(secret)));
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
                }

            case "publicKey":
                if (publicKey is null)
                {
                    throw new CliUsageException($"--factor {plugin} needs --public-key FILE");
                }

                string text;
                try
                {
                    text = await File.ReadAllTextAsync(publicKey.FullName).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliUsageException($"--public-key {publicKey.Name}: cannot be read ({ex.GetType().Name})", ex);
                }

                return format.IsValid(text.Trim())
                    ? new(plugin, StoredCredential.FromString(text.Trim()))
                    : throw new CliUsageException($"--public-key {publicKey.Name}: not {format.Description}");
            default:
                throw new CliUsageException($"--factor {plugin}: its stored value cannot be made here; store it with users.json");
        }
    }

    private static string ReadPassword(CliEnvironment environment, string user)
    {
        var password = SecretReader.ReadLine(environment, $"password for {user}: ");
        return password.Length == 0 ? throw new CliUsageException("no password given (type it, or pipe one line on standard input)") : password;
    }

    private static string ReadPassword(CliContext context, string user) => ReadPassword(context.Environment, user);

    private static Command Remove(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var store = StoreOption();
        var command = new Command("remove", "Remove a user.") { name, store };
        context.SetAction(command, async (parse, ct) =>
        {
            var url = StoreUrl.Parse(parse.GetValue(store));
            var dataSource = url.CreateDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var credentials = new PostgreSqlCredentialStore(dataSource, Options.Create(new PostgreSqlStoreOptions { Schema = url.Schema }));
            var user = parse.GetValue(name)!;
            if (!await StoreCommand.Run(async () => await credentials.RemoveUserAsync(user, ct).ConfigureAwait(false)).ConfigureAwait(false))
            {
                throw new CliUsageException($"no user '{user}' in {url}");
            }

            await context.Environment.Output.WriteLineAsync($"removed {user}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SignOut(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var store = StoreOption();
        var command = new Command("signout", "Sign a user out everywhere: revoke every resume token family of the user, so no instance sharing the store resumes them (run it after a password or TOTP change).") { name, store };
        context.SetAction(command, async (parse, ct) =>
        {
            var url = StoreUrl.Parse(parse.GetValue(store));
            var dataSource = url.CreateDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var tokens = new PostgreSqlResumeTokenStore(dataSource, Options.Create(new PostgreSqlStoreOptions { Schema = url.Schema }));
            var user = parse.GetValue(name)!;
            var revoked = await StoreCommand.Run(async () => await tokens.RevokeUserAsync(user, ct).ConfigureAwait(false)).ConfigureAwait(false);

            // A user without sessions is not an error: signing out is idempotent.
            await context.Environment.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"signed out {user}: {revoked} resume token famil{(revoked == 1 ? "y" : "ies")} revoked")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var store = StoreOption();
        var command = new Command("list", "List the users and their factors (never a stored credential).") { store };
        context.SetAction(command, async (parse, ct) =>
        {
            var url = StoreUrl.Parse(parse.GetValue(store));
            var dataSource = url.CreateDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var credentials = new PostgreSqlCredentialStore(dataSource, Options.Create(new PostgreSqlStoreOptions { Schema = url.Schema }));
            var users = await StoreCommand.Run(async () => await credentials.ListUsersAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var user in users)
            {
                await context.Environment.Output.WriteLineAsync($"{user.UserName}: {string.Join(" -> ", user.Factors.Select(f => f.PluginName))}").ConfigureAwait(false);
            }

            await context.Environment.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{users.Count} user(s) in {url}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
