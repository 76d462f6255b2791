using Handshake.Cli.Serve;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Tests;

public sealed class UsersFileTests
{
    private const string Secret = "do-not-echo-this";

    private static readonly string CarolKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfoPem();

    private static string Scram() => ScramCredential.Create("pw", new byte[16], 4096).Format();

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "\"users\" array")]
    [InlineData("{\"users\":[]}", "\"users\" is empty")]
    [InlineData("{\"users\":[1]}", "users[0]: must be an object")]
    [InlineData("{\"users\":[{\"factors\":[]}]}", "users[0]: name")]
    [InlineData("{\"users\":[{\"name\":\"alice\"}]}", "user 'alice' (users[0]): factors")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[]}]}", "user 'alice' (users[0]): factors")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"role\":\"x\",\"factors\":[]}]}", "unknown field 'role'")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"stored\":\"x\"}]}]}", "user 'alice' (users[0]): factors[0].plugin")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"md5\",\"stored\":\"x\"}]}]}", "factors[0].plugin: 'md5'")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"SCRAM-SHA-256\"}]}]}", "factors[0]: give exactly one of \"stored\" or \"password\" (got none)")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"SCRAM-SHA-256\",\"stored\":\"" + Secret + "\",\"password\":\"" + Secret + "\"}]}]}", "(got stored and password)")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"SCRAM-SHA-256\",\"stored\":\"" + Secret + "\"}]}]}", "factors[0].stored: not a SCRAM-SHA-256 stored credential")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"SCRAM-SHA-256\",\"stored\":42}]}]}", "factors[0].stored: not a non-empty string")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"mysql_native_password\",\"stored\":\"" + Secret + "\"}]}]}", "factors[0].stored: not a mysql_native_password stored credential")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"caching_sha2_password\",\"stored\":\"" + Secret + "\"}]}]}", "factors[0].stored: not a caching_sha2_password stored credential")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"" + Secret + "\"}]}]}", "factors[0].secret: not a base32 TOTP secret")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"password\":\"" + Secret + "\"}]}]}", "factors[0].password: not used by totp")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"ssh-key-auth\",\"publicKey\":\"" + Secret + "\"}]}]}", "factors[0].publicKey: not a public key")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"},{\"plugin\":\"mysql_native_password\",\"password\":\"" + Secret + "\"}]}]}", "factors: User 'alice' factor 2 uses 'mysql_native_password', which checks a server-stored password; such verifiers may only be factor 1")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"},{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"},{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"},{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"}]}]}", "factors: User 'alice' has 4 factors; at most 3 are allowed.")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"}]},{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"}]}]}", "user 'alice' (users[1]): name: appears twice")]
    [InlineData("{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"},{\"plugin\":\"totp\",\"secret\":\"JBSWY3DPEHPK3PXP\"}]}]}", "factors: User 'alice' names verifier 'totp' for factor 1 and factor 2")]
    public void Parse_Malformed_ThrowsUsageNamingUserAndField(string json, string expected)
    {
        using var warnings = new StringWriter();

        var ex = Assert.Throws<CliUsageException>(() => UsersFile.Parse(json, warnings));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Parse_StoredForms_MapToFactorPolicies()
    {
        var scram = Scram();
        var native = NativePasswordCredential.FromPassword("pw").Format();
        var json = $$"""
            {"users":[
              {"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"},{"plugin":"totp","secret":"JBSWY3DPEHPK3PXP"}]},
              {"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{native}}"}]},
              {"name":"carol","factors":[{"plugin":"ssh-key-auth","publicKey":{{System.Text.Json.JsonSerializer.Serialize(CarolKey)}}}]}
            ]}
            """;
        using var warnings = new StringWriter();

        var users = UsersFile.Parse(json, warnings);

        Assert.Equal(["alice", "bob", "carol"], users.Select(u => u.Name));
        Assert.Equal(("SCRAM-SHA-256", scram), (users[0].Factors[0].PluginName, users[0].Factors[0].Credential.Value));
        Assert.Equal(("totp", "JBSWY3DPEHPK3PXP"), (users[0].Factors[1].PluginName, users[0].Factors[1].Credential.Value));
        Assert.Equal(("mysql_native_password", native), (users[1].Factors[0].PluginName, users[1].Factors[0].Credential.Value));
        Assert.Equal("ssh-key-auth", users[2].Factors[0].PluginName);
        Assert.Empty(warnings.ToString());
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", "SCRAM-SHA-256$")]
    [InlineData("mysql_native_password", "*")]
    [InlineData("caching_sha2_password", "$SHA2$")]
    public void Parse_Password_HashesItAndWarnsWithoutEchoing(string plugin, string storedPrefix)
    {
        using var warnings = new StringWriter();

        var users = UsersFile.Parse($$"""{"users":[{"name":"alice","factors":[{"plugin":"{{plugin}}","password":"{{Secret}}"}]}]}""", warnings, scramIterations: 4096);

        Assert.StartsWith(storedPrefix, users[0].Factors[0].Credential.Value, StringComparison.Ordinal);
        Assert.Contains("warning: user 'alice' (users[0]): factors[0]: \"password\" was hashed at load", warnings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, warnings.ToString() + users[0].Factors[0].Credential.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MalformedUsersFile_ExitsUsageWithOneLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"handshake-users-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"nope"}]}]}""");
        try
        {
            var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "postgres", "--port", "0", "--users", path);

            Assert.Equal(ExitCodes.Usage, run.ExitCode);
            Assert.Equal("error: users.json: user 'alice' (users[0]): factors[0].stored: not a SCRAM-SHA-256 stored credential (SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>), as `handshake verifier scram` prints", run.Error.TrimEnd());
            Assert.Empty(run.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Serve_TlsCertWithoutKey_ExitsUsage()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "mysql", "--users", "/nonexistent.json", "--tls-cert", "/nonexistent.pem");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--tls-cert and --tls-key go together", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", "`handshake verifier scram`")]
    [InlineData("mysql_native_password", "`handshake verifier native`")]
    [InlineData("caching_sha2_password", "handshake user add --store")]
    public void Parse_PasswordField_WarningNamesACommandThatExists(string plugin, string advice)
    {
        var json = "{\"users\":[{\"name\":\"alice\",\"factors\":[{\"plugin\":\"" + plugin + "\",\"password\":\"" + Secret + "\"}]}]}";
        using var warnings = new StringWriter();

        _ = UsersFile.Parse(json, warnings);

        var text = warnings.ToString();
        Assert.Contains(advice, text, StringComparison.Ordinal);
        Assert.DoesNotContain("`handshake verifier` as", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VerifierRegisteredInCatalogue_IsAcceptedWithItsOwnFormat()
    {
        // users.json asks the catalogue, not a list: a verifier serve does not know (SCRAM-SHA-512) is
        // accepted as soon as a container registers it, with its own stored form and password hashing.
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScramVerifierFamily(ScramPluginNames.ScramSha512);
        using var sp = services.BuildServiceProvider();
        var catalog = sp.GetRequiredService<IHandshakeCatalog>();
        var stored = ScramCredential.Create("pw", new byte[16], 4096, ScramPluginNames.ScramSha512).Format();
        using var warnings = new StringWriter();

        var users = UsersFile.Parse($$"""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-512","stored":"{{stored}}"}]},{"name":"bob","factors":[{"plugin":"SCRAM-SHA-512","password":"{{Secret}}"}]}]}""", warnings, catalog);

        Assert.Equal(("SCRAM-SHA-512", stored), (users[0].Factors[0].PluginName, users[0].Factors[0].Credential.Value));
        Assert.StartsWith("SCRAM-SHA-512$", users[1].Factors[0].Credential.Value, StringComparison.Ordinal);
        var ex = Assert.Throws<CliUsageException>(() => UsersFile.Parse("""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"x"}]}]}""", warnings, catalog));
        Assert.Contains("'SCRAM-SHA-256' is not one serve has; one of SCRAM-SHA-512", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserAdd_SamePluginTwice_FailsWithTheFactorRulesMessageBeforeReadingAPassword()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "user", "add", "alice", "--store", "postgres://u@127.0.0.1/db", "--factor", "totp", "--factor", "totp");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--factor: User 'alice' names verifier 'totp' for factor 1 and factor 2", run.Error, StringComparison.Ordinal);
    }
}
