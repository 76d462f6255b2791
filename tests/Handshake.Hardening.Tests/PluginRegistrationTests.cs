using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.OAuthBearer;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Handshake.Hardening.Tests;

/// <summary>
/// The registration convention every plugin package follows: named registrations with named options,
/// validators that skip other names, options read when an exchange starts, and a payload redactor in
/// the catalogue for every name.
/// </summary>
public sealed class PluginRegistrationTests
{
    private const string Secret = "Tr0ub4dor-secret";
    private static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Fact]
    public async Task Catalog_EveryPluginAndVerifierOfEveryPackage_HasAPayloadRedactor()
    {
        await using var all = PluginPackages.BuildContainer();
        var catalog = all.GetRequiredService<IHandshakeCatalog>();
        var names = catalog.PluginNames.Concat(catalog.Verifiers.Select(v => v.Name)).Distinct(StringComparer.Ordinal).ToList();

        Assert.True(names.Count >= 12, $"Only {names.Count} registrations were found: {string.Join(", ", names)}.");
        Assert.DoesNotContain(names, n => catalog.FindPayloadRedactor(n) is null);
    }

    // Registered names the fuzzer reaches through another conversation, or cannot run alone, with why.
    private static readonly Dictionary<string, string> NotFuzzedAlone = new(StringComparer.Ordinal)
    {
        [ScramPluginNames.ScramSha256Plus] = "the SCRAM template's parsers, fuzzed through SCRAM-SHA-256 (-PLUS differs in the GS2 header and binding data)",
        [ScramPluginNames.ScramSha1] = "the SCRAM template with SHA-1, fuzzed through SCRAM-SHA-256",
        [ScramPluginNames.ScramSha1Plus] = "the SCRAM template with SHA-1, fuzzed through SCRAM-SHA-256",
        [ResumePluginNames.Resume] = "needs a token an earlier login issued",
    };

    [Fact]
    public async Task Fuzzer_EveryPluginAPackageRegisters_IsFuzzed()
    {
        await using var all = PluginPackages.BuildContainer();
        var catalog = all.GetRequiredService<IHandshakeCatalog>();
        var fuzzed = Handshake.Fuzz.Targets.FuzzCatalog.Protocols.Select(p => Handshake.Fuzz.Targets.FuzzCatalog.Protocol(p).Mechanism).ToHashSet(StringComparer.Ordinal);

        var registered = catalog.PluginNames.Concat(catalog.Verifiers.Select(v => v.Name)).Distinct(StringComparer.Ordinal);
        var missing = registered.Where(n => !fuzzed.Contains(n) && !NotFuzzedAlone.ContainsKey(n)).ToList();

        Assert.True(missing.Count == 0, $"Registered by a plugin package but not fuzzed (add a conversation to FuzzCatalog): {string.Join(", ", missing)}.");
    }

    [Fact]
    public async Task Validators_OfEveryPackage_SkipNamesNotTheirOwn()
    {
        var services = new ServiceCollection();
        PluginPackages.Register(services.AddHandshake());

        var optionTypes = services.Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(d => d.ServiceType)
            .Where(t => PluginPackages.Assemblies.Contains(t.GetGenericArguments()[0].Assembly))
            .Distinct()
            .ToList();
        await using var sp = services.BuildServiceProvider();

        Assert.NotEmpty(optionTypes);
        foreach (var type in optionTypes)
        {
            var optionsType = type.GetGenericArguments()[0];
            var validate = type.GetMethod(nameof(IValidateOptions<object>.Validate))!;
            foreach (var validator in sp.GetServices(type))
            {
                var result = (ValidateOptionsResult)validate.Invoke(validator, ["no-such-registration", Activator.CreateInstance(optionsType)])!;
                Assert.True(result.Skipped, $"{validator!.GetType().Name} for {optionsType.Name} did not skip a name it does not own.");
            }
        }
    }

    [Fact]
    public async Task AddTotp_TwoNamesWithDifferentOptions_BehaveDifferently()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddTotp()
            .AddTotp("totp8", o => o.Parameters = new TotpParameters { Digits = 8 });
        await using var sp = services.BuildServiceProvider();

        Assert.Equal(6, await CodeLengthAsync(sp, TotpPluginNames.Totp));
        Assert.Equal(8, await CodeLengthAsync(sp, "totp8"));
    }

    [Fact]
    public async Task AddPlainVerifier_TwoNamesWithDifferentOptions_OfferedDifferently()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddScramVerifier()
            .AddPlainVerifier()
            .AddPlainVerifier("PLAIN-LOCAL", o => o.AllowInsecureTransport = true);
        await using var sp = services.BuildServiceProvider();
        var verifiers = sp.GetRequiredService<IHandshakeCatalog>().Verifiers.ToDictionary(v => v.Name, StringComparer.Ordinal);

        Assert.Empty(verifiers[PlainPluginNames.Plain].GetMechanisms(TransportSecurity.None));
        Assert.Equal(["PLAIN-LOCAL"], verifiers["PLAIN-LOCAL"].GetMechanisms(TransportSecurity.None));
    }

    [Fact]
    public async Task AddTotp_OptionsChangeThroughTheMonitor_SeenByTheNextExchange()
    {
        var digits = 6;
        using var reload = new ReloadSource<TotpClientOptions>(TotpPluginNames.Totp);
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddTotp(o => o.Parameters = new TotpParameters { Digits = digits });
        _ = services.AddSingleton<IOptionsChangeTokenSource<TotpClientOptions>>(reload);
        await using var sp = services.BuildServiceProvider();
        Assert.Equal(6, await CodeLengthAsync(sp, TotpPluginNames.Totp));

        digits = 7;
        reload.Reload();

        Assert.Equal(7, await CodeLengthAsync(sp, TotpPluginNames.Totp));
    }

    public static TheoryData<string, PayloadDirection, byte[], string, string?> Payloads()
    {
        var secret = Encoding.ASCII.GetBytes(Secret);
        return new()
        {
            { ScramPluginNames.ScramSha256, PayloadDirection.ClientToServer, Encoding.ASCII.GetBytes($"c=biws,r=nonce123,p={Secret}"), Secret, "r=nonce123" },
            { ScramPluginNames.ScramSha256Plus, PayloadDirection.ServerToClient, Encoding.ASCII.GetBytes($"v={Secret}"), Secret, "v=" },
            { ScramPluginNames.ScramSha1, PayloadDirection.ClientToServer, Encoding.ASCII.GetBytes($"c=biws,r=n,p={Secret}"), Secret, "c=biws" },
            { NativePasswordPluginNames.MySqlNativePassword, PayloadDirection.ClientToServer, secret, Secret, null },
            { NativePasswordPluginNames.MySqlNativePassword, PayloadDirection.ServerToClient, "scramble-is-public!!"u8.ToArray(), "never-there", "scramble-is-public" },
            { CachingSha2PluginNames.CachingSha2Password, PayloadDirection.ClientToServer, [.. secret, 0], Secret, null },
            { CachingSha2PluginNames.CachingSha2Password, PayloadDirection.ServerToClient, [0x04], "never-there", "perform full authentication" },
            { Ed25519PluginNames.ClientEd25519, PayloadDirection.ClientToServer, secret, Secret, null },
            { PlainPluginNames.Plain, PayloadDirection.ClientToServer, [0, .. "alice"u8, 0, .. secret], Secret, "alice" },
            { MariaDbPamPluginNames.ClearPassword, PayloadDirection.ClientToServer, [.. secret, 0], Secret, null },
            { MariaDbPamPluginNames.Dialog, PayloadDirection.ClientToServer, [.. secret, 0], Secret, null },
            { MariaDbPamPluginNames.Dialog, PayloadDirection.ServerToClient, [0x05, .. "Password: "u8], "never-there", "Password: " },
            { OAuthBearerPluginNames.OAuthBearer, PayloadDirection.ClientToServer, [.. "n,a=alice,\u0001auth=Bearer "u8, .. secret, .. "\u0001host=mail.example\u0001\u0001"u8], Secret, "host=mail.example" },
            { TotpPluginNames.Totp, PayloadDirection.ClientToServer, "492039"u8.ToArray(), "492039", null },
            { ResumePluginNames.Resume, PayloadDirection.ClientToServer, secret, Secret, null },
            { ResumePluginNames.Resume, PayloadDirection.ServerToClient, secret, Secret, null },
            { KeyAuthPluginNames.SshKeyAuth, PayloadDirection.ClientToServer, [1, 1, .. new byte[32], 2, 0, (byte)secret.Length, .. secret], Secret, "algorithm 2" },
        };
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Redactor_ThroughTheCatalogue_HidesTheSecretShowsThePublicPart(string plugin, PayloadDirection direction, byte[] payload, string secret, string? shown)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(secret);
        await using var all = PluginPackages.BuildContainer();
        var catalog = all.GetRequiredService<IHandshakeCatalog>();
        var redactor = catalog.FindPayloadRedactor(plugin);
        Assert.NotNull(redactor);

        var rendered = redactor.Redact(direction, payload);
        var viaTranscript = new DefaultTranscriptRedactor(catalog).Render(direction == PayloadDirection.ClientToServer ? TranscriptDirection.ClientToServer : TranscriptDirection.ServerToClient, plugin, payload);

        Assert.Equal(rendered, viaTranscript);
        Assert.DoesNotContain(secret, rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.ASCII.GetBytes(secret)), rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes(secret)), rendered, StringComparison.Ordinal);
        if (shown is not null)
        {
            Assert.Contains(shown, rendered, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Redactor_NamedRegistration_RegisteredUnderItsName()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddPlain("X-PLAIN").AddTotp("otp", null);
        await using var sp = services.BuildServiceProvider();
        var catalog = sp.GetRequiredService<IHandshakeCatalog>();

        Assert.Equal(["X-PLAIN", "otp"], catalog.RedactedPluginNames);
        Assert.DoesNotContain(Secret, catalog.FindPayloadRedactor("X-PLAIN")!.Redact(PayloadDirection.ClientToServer, [0, .. "a"u8, 0, .. Encoding.ASCII.GetBytes(Secret)]), StringComparison.Ordinal);
    }

    private static async Task<int> CodeLengthAsync(IServiceProvider sp, string name)
    {
        var plugin = sp.GetServices<IAuthPlugin>().Single(p => p.Name == name);
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassword("placeholder"), AuthSecret.FromPassword(Base32.Encode("12345678901234567890"u8.ToArray())));
        var context = new AuthExchangeContext(name, 2, credentials, Tls, sp.GetRequiredService<IAuthSecurityPolicy>());
        using var exchange = plugin.Start(context);
        var reply = await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        return reply.Data.Length;
    }

    /// <summary>What a configuration reload does: signals the monitor that the options of one name changed.</summary>
    private sealed class ReloadSource<T>(string name) : IOptionsChangeTokenSource<T>, IDisposable
    {
        private CancellationTokenSource _changed = new();

        public string Name => name;

        public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

        public void Reload()
        {
            var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            previous.Cancel();
            previous.Dispose();
        }

        public void Dispose() => _changed.Dispose();
    }
}
