using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.OAuthBearer;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Fuzz.Targets;

/// <summary>Every parser under fuzz, by name.</summary>
internal static class FuzzCatalog
{
    private const string Password = "pencil";
    private static readonly byte[] Salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static readonly byte[] TotpSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    public static IReadOnlyList<string> Names { get; } =
    [
        "scram-client", "scram-verifier", "saslprep", "scram-credential",
        "native-client", "native-verifier", "native-credential",
        "cachingsha2-client", "cachingsha2-verifier", "cachingsha2-credential",
        "keyauth-client", "keyauth-verifier", "keyauth-stored",
        "ed25519-client", "ed25519-verifier", "ed25519-credential",
        "oauthbearer-client", "oauthbearer-verifier", "oauthbearer-error",
        "totp-client", "totp-verifier", "totp-secret", "totp-stored", "base32",
        "dialog-client", "dialog-verifier", "dialog-credential", "clearpassword-client", "clearpassword-verifier",
        "plain-client", "plain-verifier",
        "mysql-client", "mysql-server", "pgsql-client", "pgsql-server",
    ];

    public static FuzzTarget Create(string name) => name switch
    {
        "scram-client" => new ClientReplayTarget(name, Scram()),
        "scram-verifier" => new VerifierReplayTarget(name, Scram()),
        "saslprep" => new ParserTarget(name, ["pencil", "I\u00ADX", "\u2168", "\u00AA", "a\u200Bb", "\u0627\u0031", "\u0661\u0031\u0662", "\u00A0pass word\u3000", "\uD83D\uDE00"], SaslPrep, _ => false, allocationPerByte: 1024),
        "scram-credential" => new ParserTarget(name, [ScramCredential.Create(Password, Salt, 4096).Format(), "SCRAM-SHA-256$1:AA==$AAAA:BBBB"], data => ScramCredential.Parse(Encoding.UTF8.GetString(data)), InvalidStored),
        "native-client" => new ClientReplayTarget(name, Native()),
        "native-verifier" => new VerifierReplayTarget(name, Native()),
        "native-credential" => new ParserTarget(name, [NativePasswordCredential.FromPassword(Password).Format(), string.Empty], data => NativePasswordCredential.Parse(Encoding.UTF8.GetString(data)), InvalidStored),
        "cachingsha2-client" => new ClientReplayTarget(name, CachingSha2()),
        "cachingsha2-verifier" => new VerifierReplayTarget(name, CachingSha2()),
        "cachingsha2-credential" => new ParserTarget(name, [CachingSha2Credential.FromPassword(Password, new DeterministicRandom(3), 1000).Format(), string.Empty], data => CachingSha2Credential.Parse(Encoding.UTF8.GetString(data)), InvalidStored),
        "ed25519-client" => new ClientReplayTarget(name, Ed25519()),
        "ed25519-verifier" => new VerifierReplayTarget(name, Ed25519()),
        "ed25519-credential" => new ParserTarget(name, [Ed25519Credential.FromPassword(Password).Format(), string.Empty], data => Ed25519Credential.Parse(Encoding.UTF8.GetString(data)), InvalidStored),
        "oauthbearer-client" => new ClientReplayTarget(name, OAuthBearer()),
        "oauthbearer-verifier" => new VerifierReplayTarget(name, OAuthBearer()),
        "oauthbearer-error" => new ParserTarget(name, ["{\"status\":\"invalid_token\",\"scope\":\"example_scope\",\"openid-configuration\":\"https://example.com/.well-known/openid-configuration\"}", "{\"status\":\"invalid_token\",\"schemes\":\"bearer mac\",\"scope\":\"https://mail.example.com/\"}", "{\"status\":\"insufficient_scope\",\"nested\":{\"a\":[1,2]}}"], data => _ = OAuthBearerError.TryParse(data, out _), _ => false),
        "keyauth-client" => new ClientReplayTarget(name, KeyAuth()),
        "keyauth-verifier" => new VerifierReplayTarget(name, KeyAuth()),
        "keyauth-stored" => new StoredCredentialTarget(name, KeyAuth(), [KeyAuthKey.Value.ExportSubjectPublicKeyInfoPem(), AuthorizedKeysLine(KeyAuthKey.Value), AuthorizedKeysLine(KeyAuthKey.Value) + "\n# comment\n" + KeyAuthKey.Value.ExportSubjectPublicKeyInfoPem()]),
        "totp-client" => new ClientReplayTarget(name, Totp()),
        "totp-verifier" => new VerifierReplayTarget(name, Totp()),
        "totp-secret" => new ClientSecretTarget(name, Totp(), [Base32.Encode(TotpSecret), TotpEnrollment.CreateUri("Example", "alice", TotpSecret), TotpEnrollment.CreateUri("Ex", "a", TotpSecret, new TotpParameters { Algorithm = TotpAlgorithm.Sha512, Digits = 8, PeriodSeconds = 60 })]),
        "totp-stored" => new StoredCredentialTarget(name, Totp(), [Base32.Encode(TotpSecret), TotpEnrollment.CreateUri("Example", "alice", TotpSecret), TotpEnrollment.CreateUri("Ex", "a", TotpSecret, new TotpParameters { Algorithm = TotpAlgorithm.Sha256, Digits = 8, PeriodSeconds = 60 })]),
        "base32" => new ParserTarget(name, [Base32.Encode(TotpSecret), Base32.Encode(TotpSecret, padding: true), "gezd gnbv gy3t qojq", string.Empty], Base32Both, ex => ex is FormatException),
        "dialog-client" => new ClientReplayTarget(name, Dialog()),
        "dialog-verifier" => new VerifierReplayTarget(name, Dialog()),
        "dialog-credential" => new ParserTarget(name, [DialogStored().Value, "{}", "{\"code\":\"\"}"], data => DialogCredential.Parse(Encoding.UTF8.GetString(data)), InvalidStored),
        "clearpassword-client" => new ClientReplayTarget(name, ClearPassword()),
        "clearpassword-verifier" => new VerifierReplayTarget(name, ClearPassword()),
        "plain-client" => new ClientReplayTarget(name, Plain()),
        "plain-verifier" => new VerifierReplayTarget(name, Plain()),
        "mysql-client" or "mysql-server" or "pgsql-client" or "pgsql-server" => AdapterCatalog.Create(name),
        _ => throw new ArgumentException($"Unknown parser '{name}'. Known: {string.Join(", ", Names)}, all.", nameof(name)),
    };

    /// <summary>The protocols with an honest set-up (<see cref="Protocol"/>), whose client and verifier are fuzzed.</summary>
    public static IReadOnlyList<string> Protocols { get; } = ["scram", "native", "cachingsha2", "keyauth", "ed25519", "oauthbearer", "totp", "dialog", "clearpassword", "plain"];

    /// <summary>The honest set-up of one protocol (one of <see cref="Protocols"/>), for tests.</summary>
    public static Conversation Protocol(string name) => name switch
    {
        "scram" => Scram(),
        "native" => Native(),
        "cachingsha2" => CachingSha2(),
        "keyauth" => KeyAuth(),
        "ed25519" => Ed25519(),
        "oauthbearer" => OAuthBearer(),
        "totp" => Totp(),
        "dialog" => Dialog(),
        "clearpassword" => ClearPassword(),
        "plain" => Plain(),
        _ => throw new ArgumentException($"Unknown protocol '{name}'.", nameof(name)),
    };

    private static readonly Lazy<ECDsa> KeyAuthKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private static bool InvalidStored(Exception ex) => ex is HandshakeException { Code: AuthErrorCode.InvalidStoredCredential };

    // saslprep gets 1 KiB per input byte: NFKC through ICU allocates ~440 B per non-ASCII byte (measured,
    // linear in the input). The input is the local user's password, never a peer-chosen length.
    private static void SaslPrep(byte[] data)
    {
        // The public path into SASLprep (RFC 4013): PreparePassword never throws; it falls back to the raw bytes.
        _ = ScramCredential.CreateFromUtf8(data, Salt, 1);
    }

    private static void Base32Both(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var ok = Base32.TryDecode(text, out var bytes);
        try
        {
            var decoded = Base32.Decode(text);
            if (!ok || !decoded.AsSpan().SequenceEqual(bytes))
            {
                throw new FuzzFindingException("Decode and TryDecode disagree");
            }
        }
        catch (FormatException) when (ok)
        {
            throw new FuzzFindingException("Decode threw where TryDecode succeeded");
        }
    }

    private static Conversation Scram()
    {
        var services = new ServiceCollection();
        // Iterations capped at 4096 so a mutated i= costs at most one RFC-sized PBKDF2.
        _ = services.AddHandshake().AddScram(o => { o.MinIterations = 1; o.MaxIterations = 4096; }).AddScramVerifier();
        var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().Single(v => v.Name == "SCRAM-SHA-256");
        return new Conversation
        {
            Name = "scram",
            Plugin = sp.GetServices<IAuthPlugin>().Single(p => p.Name == "SCRAM-SHA-256"),
            Verifier = () => verifier,
            Mechanism = "SCRAM-SHA-256",
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            // 16 iterations keep the honest path fast; mutated i= values still reach the 4096 cap.
            Stored = ScramCredential.Create(Password, Salt, 16).ToStoredCredential(),
            Services = sp,
            FinalIsProof = true,
        };
    }

    private static readonly Lazy<ECDsa> OAuthBearerIssuerKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private static Conversation OAuthBearer()
    {
        // A JWT signed by an issuer key made in-process, valid at the conversation's fixed clock; over
        // verified TLS, the only transport the client sends a bearer token over.
        const string Issuer = "https://issuer.fuzz";
        const string Audience = "fuzz";
        var now = Conversation.NewClock().GetUtcNow().UtcDateTime;
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(30),
            Claims = new Dictionary<string, object> { ["sub"] = Conversation.User },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(OAuthBearerIssuerKey.Value), "ES256"),
        });
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddOAuthBearer().AddOAuthBearerVerifier().AddOAuthBearerJwtValidation(o =>
        {
            o.Issuer = Issuer;
            o.Audience = Audience;
            o.SigningKeyPems.Add(OAuthBearerIssuerKey.Value.ExportSubjectPublicKeyInfoPem());
        });
        var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().Single(v => v.Name == OAuthBearerPluginNames.OAuthBearer);
        return new Conversation
        {
            Name = "oauthbearer",
            Plugin = sp.GetServices<IAuthPlugin>().Single(p => p.Name == OAuthBearerPluginNames.OAuthBearer),
            Verifier = () => verifier,
            Mechanism = OAuthBearerPluginNames.OAuthBearer,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, token),
            Stored = StoredCredential.FromString(Issuer),
            Transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },
            Services = sp,
            FinalCredential = BearerToken,
        };
    }

    /// <summary>The b64token after "auth=Bearer" and its spaces (RFC 7628 §3.1), or the whole message when there is none.</summary>
    private static byte[] BearerToken(byte[] message)
    {
        var span = message.AsSpan();
        var at = span.IndexOf("auth="u8);
        if (at < 0)
        {
            return message;
        }

        var value = span[(at + 5)..];
        var end = value.IndexOf((byte)1);
        value = end < 0 ? value : value[..end];
        var space = value.IndexOf((byte)' ');
        return space < 0 ? message : value[space..].TrimStart((byte)' ').ToArray();
    }

    private static Conversation Native()
    {
        var verifier = new NativePasswordVerifier();
        return new Conversation
        {
            Name = "native",
            Plugin = new NativePasswordPlugin(),
            Verifier = () => verifier,
            Mechanism = NativePasswordPluginNames.MySqlNativePassword,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            Stored = NativePasswordCredential.FromPassword(Password).ToStoredCredential(),
        };
    }

    private static Conversation Ed25519()
    {
        // MariaDB's ed25519: one 32-byte scramble, one 64-byte signature (the parser under fuzz on the verifier side).
        var verifier = new Ed25519Verifier();
        return new Conversation
        {
            Name = "ed25519",
            Plugin = new Ed25519Plugin(),
            Verifier = () => verifier,
            Mechanism = Ed25519PluginNames.ClientEd25519,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            Stored = Ed25519Credential.FromPassword(Password).ToStoredCredential(),
        };
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The verifier lives as long as the fuzz process.")]
    private static Conversation CachingSha2()
    {
        // Over verified TLS: the full-authentication path (cleartext password) runs; the cache is emptied per
        // exchange so every replay takes the same path as the recording (one verifier: its RSA key is slow to make).
        var cache = new CachingSha2PasswordCache(16);
        var verifier = new CachingSha2Verifier(Options.Create(new CachingSha2VerifierOptions()), cache, Options.Create(new ServerSecretOptions()));
        return new Conversation
        {
            Name = "cachingsha2",
            Plugin = new CachingSha2Plugin(Options.Create(new CachingSha2Options())),
            Verifier = () =>
            {
                cache.Clear();
                return verifier;
            },
            Mechanism = CachingSha2PluginNames.CachingSha2Password,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            Stored = CachingSha2Credential.FromPassword(Password, new DeterministicRandom(3), CachingSha2Credential.MinIterations).ToStoredCredential(),
            Transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },
            NulTerminatedFinal = true,
        };
    }

    private static Conversation KeyAuth()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = KeyAuthKey.Value.ExportPkcs8PrivateKeyPem() });
        return new Conversation
        {
            Name = "keyauth",
            Plugin = plugin,
            // A fresh verifier per exchange: its replay memory would otherwise refuse every replayed challenge.
            Verifier = () => new KeyAuthVerifier(new KeyAuthVerifierOptions { AdvertiseKeys = true }),
            Mechanism = plugin.Name,
            Credentials = () => new AuthCredentials(Conversation.User),
            Stored = StoredCredential.FromString(KeyAuthKey.Value.ExportSubjectPublicKeyInfoPem()),
        };
    }

    private static Conversation Totp()
    {
        var options = Options.Create(new TotpVerifierOptions());
        return new Conversation
        {
            Name = "totp",
            Plugin = new TotpPlugin(Options.Create(new TotpClientOptions())),
            // A fresh state store per exchange: the replay rule would otherwise refuse every replayed code.
            Verifier = () => new TotpVerifier(options, new InMemoryTotpStateStore()),
            Mechanism = TotpPluginNames.Totp,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Base32.Encode(TotpSecret)),
            Stored = StoredCredential.FromString(TotpEnrollment.CreateUri("Example", Conversation.User, TotpSecret)),
        };
    }

    private static StoredCredential DialogStored() => DialogCredential.Create(
        ("password", ScramCredential.Create(Password, Salt, 16).ToStoredCredential()),
        ("code", StoredCredential.FromString(Base32.Encode(TotpSecret)))).ToStoredCredential();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The provider lives as long as the fuzz process.")]
    private static Conversation Dialog()
    {
        // MariaDB PAM's dialog: a password question (checked against SCRAM) then a TOTP code (Handshake.Mfa's
        // verifier), over verified TLS (the verifier asks nothing over plain TCP). The TOTP state forgets,
        // or the replay rule would refuse every replayed code and the accept path would go unfuzzed.
        var services = new ServiceCollection();
        _ = services.AddSingleton<ITotpStateStore, ForgetfulTotpStateStore>();
        _ = services.AddHandshake().AddScram(o => { o.MinIterations = 1; o.MaxIterations = 4096; }).AddScramVerifier().AddTotp().AddTotpVerifier().AddDialog().AddDialogVerifier(o =>
        {
            o.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"));
            o.Questions.Add(DialogQuestion.Verifier("code", TotpPluginNames.Totp));
        });
        var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().OfType<DialogVerifier>().Single();
        return new Conversation
        {
            Name = "dialog",
            Plugin = sp.GetServices<IAuthPlugin>().OfType<DialogPlugin>().Single(),
            Verifier = () => verifier,
            Mechanism = MariaDbPamPluginNames.Dialog,
            Credentials = () => new AuthCredentials(Conversation.User, AuthSecret.FromPassword(Password), AuthSecret.FromPassword(Base32.Encode(TotpSecret))),
            Stored = DialogStored(),
            Services = sp,
            Transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },
            NulTerminatedFinal = true,
        };
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The provider lives as long as the fuzz process.")]
    private static Conversation ClearPassword()
    {
        // Checked byte for byte (not through SASLprep), so any accepted mutation of the password is a finding.
        var services = new ServiceCollection();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoredPasswordChecker, ExactPasswordChecker>());
        _ = services.AddHandshake().AddClearPassword().AddClearPasswordVerifier(o => o.CredentialFamily = ExactPasswordChecker.Family);
        var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().OfType<ClearPasswordVerifier>().Single();
        return new Conversation
        {
            Name = "clearpassword",
            Plugin = new ClearPasswordPlugin(),
            Verifier = () => verifier,
            Mechanism = MariaDbPamPluginNames.ClearPassword,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            Stored = StoredCredential.FromString(Password),
            Services = sp,
            Transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },
            NulTerminatedFinal = true,
        };
    }

    private static Conversation Plain()
    {
        // Checked byte for byte (not through SASLprep), so any accepted mutation of the password is a finding.
        var services = new ServiceCollection();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoredPasswordChecker, ExactPasswordChecker>());
        _ = services.AddHandshake().AddPlain().AddPlainVerifier(o => o.CredentialFamily = ExactPasswordChecker.Family);
        var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().Single(v => v.Name == PlainPluginNames.Plain);
        return new Conversation
        {
            Name = "plain",
            Plugin = sp.GetServices<IAuthPlugin>().Single(p => p.Name == PlainPluginNames.Plain),
            Verifier = () => verifier,
            Mechanism = PlainPluginNames.Plain,
            Credentials = () => AuthCredentials.FromPasswords(Conversation.User, Password),
            Stored = StoredCredential.FromString(Password),
            Services = sp,
            Transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },

            // authzid NUL authcid NUL passwd (RFC 4616 §2): the credential is what follows the second NUL.
            FinalCredential = message => message.AsSpan((message.AsSpan().LastIndexOf((byte)0) + 1)..).ToArray(),
        };
    }

    /// <summary>An OpenSSH authorized_keys line for a P-256 key (RFC 5656 §3.1).</summary>
    private static string AuthorizedKeysLine(ECDsa key)
    {
        var p = key.ExportParameters(false);
        using var blob = new MemoryStream();
        WriteString(blob, Encoding.ASCII.GetBytes("ecdsa-sha2-nistp256"));
        WriteString(blob, Encoding.ASCII.GetBytes("nistp256"));
        WriteString(blob, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        return "ecdsa-sha2-nistp256 " + Convert.ToBase64String(blob.ToArray()) + " fuzz@example";
    }

    private static void WriteString(MemoryStream stream, byte[] value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        stream.Write(length);
        stream.Write(value);
    }
}
