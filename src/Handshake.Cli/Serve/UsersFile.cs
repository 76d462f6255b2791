using System.Globalization;
using System.Text.Json;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Serve;

/// <summary>
/// Reads users.json: <c>{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"SCRAM-SHA-256$4096:..."},{"plugin":"totp","secret":"BASE32"}]}]}</c>.
/// A factor gives <c>stored</c> (the plugin's stored form), <c>password</c> (hashed here, with a
/// warning), <c>secret</c> (TOTP, base32 or otpauth URI) or <c>publicKey</c> (ssh-key-auth). Every
/// mistake is one <see cref="CliUsageException"/> naming the user (or its index) and the field; no
/// value from the file is ever echoed, as it may be a secret. Which plugins exist and what their values
/// look like is asked of the catalogue (each verifier's own <see cref="IStoredCredentialFormat"/>);
/// the factor rules are <see cref="FactorPolicyRules"/>, the ones the acceptor applies.
/// </summary>
internal static class UsersFile
{
    public const string Scram = ScramPluginNames.ScramSha256;

    // The catalogue of the verifiers serve runs, built once: what users.json may name.
    private static readonly Lazy<ServiceProvider> ServeServices = new(() =>
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddServeVerifiers(cachingSha2PrivateKeyPem: null);
        return services.BuildServiceProvider();
    });

    /// <summary>Gets the catalogue of serve's verifiers.</summary>
    public static IHandshakeCatalog ServeCatalog => ServeServices.Value.GetRequiredService<IHandshakeCatalog>();

    /// <summary>Gets the verifiers serve registers, by the plugin name users.json uses.</summary>
    public static IReadOnlyList<string> Plugins => [.. ServeCatalog.CredentialFormats.Select(f => f.VerifierName)];

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

    public static IReadOnlyList<ServeUser> Parse(string json, TextWriter warnings, int scramIterations = Verifier.VerifierCommand.DefaultScramIterations) =>
        Parse(json, warnings, ServeCatalog, scramIterations);

    public static IReadOnlyList<ServeUser> Parse(string json, TextWriter warnings, IHandshakeCatalog catalog, int scramIterations = Verifier.VerifierCommand.DefaultScramIterations)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(catalog);
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
                var parsed = ParseUser(user, index, warnings, catalog, scramIterations);
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

    private static ServeUser ParseUser(JsonElement user, int index, TextWriter warnings, IHandshakeCatalog catalog, int scramIterations)
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

        // First which verifier each factor names, then the factor rules (FactorPolicyRules, as the
        // acceptor applies them), and only then the values: no password is hashed for a policy that is refused.
        var named = new List<(JsonElement Factor, IStoredCredentialFormat Format)>();
        var i = 0;
        foreach (var factor in factors.EnumerateArray())
        {
            named.Add((factor, FormatOf(factor, $"{where}: factors[{i}]", catalog)));
            i++;
        }

        var placeholders = named.Select(n => (AuthFactorPolicy?)new AuthFactorPolicy(n.Format.VerifierName, StoredCredential.FromString("-"))).ToList();
        if (FactorPolicyRules.Validate(name, placeholders, catalog.Verifiers) is [var broken, ..])
        {
            throw Error($"{where}: factors: {broken}");
        }

        var policies = new List<AuthFactorPolicy>();
        for (i = 0; i < named.Count; i++)
        {
            policies.Add(ParseFactor(named[i].Factor, $"{where}: factors[{i}]", named[i].Format, warnings, scramIterations));
        }

        return new ServeUser(name, policies);
    }

    private static IStoredCredentialFormat FormatOf(JsonElement factor, string where, IHandshakeCatalog catalog)
    {
        var plugins = string.Join(", ", catalog.CredentialFormats.Select(f => f.VerifierName));
        if (factor.ValueKind != JsonValueKind.Object)
        {
            throw Error($"{where}: must be an object with \"plugin\" and one of \"stored\", \"password\", or the plugin's value (\"secret\", \"publicKey\")");
        }

        if (!factor.TryGetProperty("plugin", out var pluginElement) || pluginElement.ValueKind != JsonValueKind.String)
        {
            throw Error($"{where}.plugin: missing or not a string; one of {plugins}");
        }

        var plugin = pluginElement.GetString()!;
        return catalog.FindCredentialFormat(plugin)
            ?? throw Error($"{where}.plugin: '{PeerText.Printable(plugin, 40)}' is not one serve has; one of {plugins}");
    }

    private static AuthFactorPolicy ParseFactor(JsonElement factor, string where, IStoredCredentialFormat format, TextWriter warnings, int scramIterations)
    {
        var plugin = format.VerifierName;
        string[] fields = ["stored", .. format.CanDeriveFromPassword ? (string[])["password"] : [], .. format.ValueName is { } alias ? (string[])[alias] : []];
        string[] known = ["plugin", "stored", "password", .. format.ValueName is { } own ? (string[])[own] : []];
        RejectUnknown(factor, where, known);
        var given = known[1..].Where(f => factor.TryGetProperty(f, out _)).ToList();
        if (given.Count != 1)
        {
            throw Error($"{where}: give exactly one of {Allowed(format)} (got {(given.Count == 0 ? "none" : string.Join(" and ", given))})");
        }

        var field = given[0];
        var element = factor.GetProperty(field);
        if (element.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(element.GetString()))
        {
            throw Error($"{where}.{field}: not a non-empty string");
        }

        var value = element.GetString()!;
        if (!fields.Contains(field, StringComparer.Ordinal))
        {
            throw Error($"{where}.{field}: not used by {plugin}; give {Allowed(format)}");
        }

        if (field == "password")
        {
            var workFactor = string.Equals(plugin, Scram, StringComparison.Ordinal) ? scramIterations : (int?)null;
            return new AuthFactorPolicy(plugin, Hashed(warnings, where, Verifier.VerifierCommand.CommandFor(plugin), format.FromPassword(value, workFactor)));
        }

        var printedBy = Verifier.VerifierCommand.CommandFor(plugin) is { } printer ? $", as `{printer}` prints" : string.Empty;
        return format.IsValid(value)
            ? new AuthFactorPolicy(plugin, StoredCredential.FromString(value))
            : throw Error($"{where}.{field}: not {format.Description}{printedBy}");
    }

    /// <summary>Warns that a password sits in the file, and names the command that prints its stored form (where one exists).</summary>
    private static StoredCredential Hashed(TextWriter warnings, string where, string? verifierCommand, StoredCredential stored)
    {
        var instead = verifierCommand is null
            ? "Keep the file private, or move the user to a store (handshake user add --store) where no password is kept."
            : $"Store the output of `{verifierCommand}` as \"stored\" instead.";
        warnings.WriteLine($"warning: {where["users.json: ".Length..]}: \"password\" was hashed at load; the file still holds it in the clear. {instead}");
        return stored;
    }

    private static string Allowed(IStoredCredentialFormat format) =>
        format.ValueName is { } value ? $"\"{value}\" (or \"stored\")"
        : format.CanDeriveFromPassword ? "\"stored\" or \"password\""
        : "\"stored\"";

    private static void RejectUnknown(JsonElement element, string where, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Error($"{where}: unknown field '{PeerText.Printable(property.Name, 40)}'; known: {string.Join(", ", known)}");
            }
        }
    }

    private static CliUsageException Error(string message) => new(message);
}
