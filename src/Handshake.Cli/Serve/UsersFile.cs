using System.Globalization;
using System.Text.Json;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Serve;

/// <summary>
/// Reads users.json: <c>{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"SCRAM-SHA-256$4096:..."},{"plugin":"totp","secret":"BASE32"}]}]}</c>.
/// A factor gives <c>stored</c> (the plugin's stored form), <c>password</c> (hashed here, with a
/// warning), <c>secret</c> (TOTP, base32 or otpauth URI) or <c>publicKey</c> (ssh-key-auth). Every
/// mistake is one <see cref="CliUsageException"/> naming the user (or its index) and the field; no
/// value from the file is ever echoed, as it may be a secret.
/// </summary>
internal static class UsersFile
{
    public const string Scram = "SCRAM-SHA-256";

    /// <summary>The verifiers serve registers, by the plugin name users.json uses.</summary>
    public static readonly IReadOnlyList<string> Plugins =
    [
        Scram, NativePasswordPlugin.PluginName, CachingSha2Plugin.PluginName, TotpVerifierOptions.DefaultName, KeyAuthDefaults.Name,
    ];

    private static readonly string[] ValueFields = ["stored", "password", "secret", "publicKey"];

    public static IReadOnlyList<ServeUser> Load(string path, TextWriter warnings, int scramIterations = Verifier.VerifierCommand.DefaultScramIterations)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--users {Path.GetFileName(path)}: cannot be read ({ex.GetType().Name})", ex);
        }

        return Parse(text, warnings, scramIterations);
    }

    public static IReadOnlyList<ServeUser> Parse(string json, TextWriter warnings, int scramIterations = Verifier.VerifierCommand.DefaultScramIterations)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(warnings);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            // The exception's own message may quote a token from the file: give only its position.
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"users.json: not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"), ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array)
            {
                throw Error("users.json: the top level must be an object with a \"users\" array");
            }

            if (users.GetArrayLength() == 0)
            {
                throw Error("users.json: \"users\" is empty; add at least one user");
            }

            var result = new List<ServeUser>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var user in users.EnumerateArray())
            {
                var parsed = ParseUser(user, index, warnings, scramIterations);
                if (!names.Add(parsed.Name))
                {
                    throw Error($"users.json: user '{parsed.Name}' (users[{index}]): name: appears twice");
                }

                result.Add(parsed);
                index++;
            }

            return result;
        }
    }

    private static ServeUser ParseUser(JsonElement user, int index, TextWriter warnings, int scramIterations)
    {
        var where = $"users.json: users[{index}]";
        if (user.ValueKind != JsonValueKind.Object)
        {
            throw Error($"{where}: must be an object with \"name\" and \"factors\"");
        }

        RejectUnknown(user, where, "name", "factors");
        if (!user.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
        {
            throw Error($"{where}: name: missing or not a non-empty string");
        }

        var name = nameElement.GetString()!;
        if (name.Length > 63 || name.Any(char.IsControl))
        {
            throw Error($"{where}: name: longer than 63 characters or has control characters");
        }

        where = $"users.json: user '{name}' (users[{index}])";
        if (!user.TryGetProperty("factors", out var factors) || factors.ValueKind != JsonValueKind.Array || factors.GetArrayLength() == 0)
        {
            throw Error($"{where}: factors: missing or not a non-empty array");
        }

        if (factors.GetArrayLength() > AuthCredentials.MaxFactors)
        {
            throw Error($"{where}: factors: at most {AuthCredentials.MaxFactors} factors");
        }

        var policies = new List<AuthFactorPolicy>();
        var i = 0;
        foreach (var factor in factors.EnumerateArray())
        {
            var policy = ParseFactor(factor, $"{where}: factors[{i}]", name, i + 1, warnings, scramIterations);
            // A verifier proves one factor once: the same one twice would count one secret as two factors.
            if (policies.FirstOrDefault(p => string.Equals(p.PluginName, policy.PluginName, StringComparison.Ordinal)) is { } earlier)
            {
                throw Error($"{where}: factors[{i}].plugin: {policy.PluginName} is already factor {policies.IndexOf(earlier) + 1}; each factor needs a different plugin");
            }

            policies.Add(policy);
            i++;
        }

        return new ServeUser(name, policies);
    }

    private static AuthFactorPolicy ParseFactor(JsonElement factor, string where, string user, int factorIndex, TextWriter warnings, int scramIterations)
    {
        if (factor.ValueKind != JsonValueKind.Object)
        {
            throw Error($"{where}: must be an object with \"plugin\" and one of \"stored\", \"password\", \"secret\", \"publicKey\"");
        }

        RejectUnknown(factor, where, ["plugin", .. ValueFields]);
        if (!factor.TryGetProperty("plugin", out var pluginElement) || pluginElement.ValueKind != JsonValueKind.String)
        {
            throw Error($"{where}.plugin: missing or not a string; one of {string.Join(", ", Plugins)}");
        }

        var plugin = pluginElement.GetString()!;
        if (!Plugins.Contains(plugin, StringComparer.Ordinal))
        {
            throw Error($"{where}.plugin: '{Printable(plugin)}' is not one serve has; one of {string.Join(", ", Plugins)}");
        }

        var given = ValueFields.Where(f => factor.TryGetProperty(f, out _)).ToList();
        if (given.Count != 1)
        {
            throw Error($"{where}: give exactly one of {Allowed(plugin)} (got {(given.Count == 0 ? "none" : string.Join(" and ", given))})");
        }

        var field = given[0];
        var element = factor.GetProperty(field);
        if (element.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(element.GetString()))
        {
            throw Error($"{where}.{field}: not a non-empty string");
        }

        var value = element.GetString()!;
        var isPasswordPlugin = plugin is Scram or NativePasswordPlugin.PluginName or CachingSha2Plugin.PluginName;
        if (isPasswordPlugin && factorIndex > 1)
        {
            throw Error($"{where}.plugin: {plugin} checks a server-stored password and may only be factor 1 (as MySQL rules)");
        }

        var stored = (plugin, field) switch
        {
            (Scram, "stored") => ScramCredential.TryParse(value, out _) ? value : throw Error($"{where}.stored: not a SCRAM-SHA-256 stored credential (SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, as `handshake verifier scram` prints)"),
            (Scram, "password") => Hashed(warnings, where, "handshake verifier scram", ScramCredential.Create(value, SystemRandomSource.Instance, scramIterations).Format()),
            (NativePasswordPlugin.PluginName, "stored") => NativePasswordCredential.TryParse(value, out _) ? value : throw Error($"{where}.stored: not a mysql_native_password stored credential (*HEX, 41 characters, as `handshake verifier native` prints)"),
            (NativePasswordPlugin.PluginName, "password") => Hashed(warnings, where, "handshake verifier native", NativePasswordCredential.FromPassword(value).Format()),
            (CachingSha2Plugin.PluginName, "stored") => CachingSha2Credential.TryParse(value, out _) ? value : throw Error($"{where}.stored: not a caching_sha2_password stored credential"),
            (CachingSha2Plugin.PluginName, "password") => Hashed(warnings, where, null, CachingSha2Credential.FromPassword(value).ToStoredCredential().Value),
            (TotpVerifierOptions.DefaultName, "secret" or "stored") => value.StartsWith("otpauth://", StringComparison.OrdinalIgnoreCase) || Base32.TryDecode(value, out _)
                ? value
                : throw Error($"{where}.{field}: not a base32 TOTP secret or otpauth:// URI (as `handshake verifier totp` prints)"),
            (KeyAuthDefaults.Name, "publicKey" or "stored") => LooksLikePublicKey(value)
                ? value
                : throw Error($"{where}.{field}: not a public key (a PEM '-----BEGIN PUBLIC KEY-----' block or an OpenSSH authorized_keys line)"),
            _ => throw Error($"{where}.{field}: not used by {plugin}; give {Allowed(plugin)}"),
        };
        return new AuthFactorPolicy(plugin, StoredCredential.FromString(stored));
    }

    /// <summary>Warns that a password sits in the file, and names the command that prints its stored form (where one exists).</summary>
    private static string Hashed(TextWriter warnings, string where, string? verifierCommand, string stored)
    {
        var instead = verifierCommand is null
            ? "Keep the file private, or move the user to a store (handshake user add --store) where no password is kept."
            : $"Store the output of `{verifierCommand}` as \"stored\" instead.";
        warnings.WriteLine($"warning: {where["users.json: ".Length..]}: \"password\" was hashed at load; the file still holds it in the clear. {instead}");
        return stored;
    }

    private static string Allowed(string plugin) => plugin switch
    {
        TotpVerifierOptions.DefaultName => "\"secret\" (or \"stored\")",
        KeyAuthDefaults.Name => "\"publicKey\" (or \"stored\")",
        _ => "\"stored\" or \"password\"",
    };

    private static bool LooksLikePublicKey(string value) =>
        value.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal)
        || value.StartsWith("ssh-", StringComparison.Ordinal)
        || value.StartsWith("ecdsa-", StringComparison.Ordinal);

    private static void RejectUnknown(JsonElement element, string where, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Error($"{where}: unknown field '{Printable(property.Name)}'; known: {string.Join(", ", known)}");
            }
        }
    }

    private static string Printable(string text) =>
        new([.. text.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);

    private static CliUsageException Error(string message) => new(message);
}
