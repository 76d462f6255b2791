using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Handshake.Testing.Conformance;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.OAuthBearer;
using Handshake.Plugins.Plain;
using Handshake.Plugins.Scram;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Secret hygiene scan: every plugin pair through success and its failure paths, with a
/// capturing logger, a transcript recorder, a metric listener and an activity listener; then every
/// exception, log line, transcript, metric and activity tag and ToString() is searched for each secret
/// in every encoding (UTF-8 text, hex lower/upper, base64, and the derived values that can be computed).
/// </summary>
[Collection(RunsAloneGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "SHA-1 is what mysql_native_password and RFC 6238's default TOTP use; computed here only to look for leaks.")]
public sealed class SecretHygieneTests
{
    private const string User = "alice";
    private const string Password = "Tr0ub4dor&3-secret";
    private const string WrongPassword = "wrong-horse-battery";
    private static readonly byte[] ScramSalt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static readonly byte[] TotpKey = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<ECDsa> ClientKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private static readonly Lazy<ECDsa> TokenIssuerKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private static readonly Lazy<ECDsa> TokenStrangerKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The plugins the scan runs; <see cref="Matrix_EveryPluginAPackageRegisters_IsScanned"/> fails when a registered one is missing.</summary>
    private static readonly string[] Matrix = ["scram", "scram-plus", "scram-sha1", "native", "cachingsha2-fast", "cachingsha2-full", "keyauth", "ed25519", "totp", "hmac", "dialog", "clearpassword", "plain", "oauthbearer"];

    // A resume exchange needs a token an earlier full login issued (a two-login flow this one-login scan
    // does not run); its bearer token's hygiene is covered by tests/Handshake.Plugins.Resume.Tests.
    // SCRAM-SHA-1-PLUS is the SCRAM template's -PLUS path with SHA-1: both halves are scanned (scram-plus, scram-sha1).
    private static readonly Dictionary<string, string> NotScanned = new(StringComparer.Ordinal)
    {
        [Handshake.Plugins.Resume.ResumePluginNames.Resume] = "needs a token from an earlier login",
        [ScramPluginNames.ScramSha1Plus] = "the -PLUS path (scram-plus) with the SHA-1 hash (scram-sha1)",
    };

    [Fact]
    public async Task Matrix_EveryPluginAPackageRegisters_IsScanned()
    {
        await using var all = PluginPackages.BuildContainer();
        var catalog = all.GetRequiredService<IHandshakeCatalog>();
        var scanned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in Matrix)
        {
            var name = CreateSetup(plugin).Name;
            _ = scanned.Add(plugin.EndsWith("-plus", StringComparison.Ordinal) ? name + "-PLUS" : name);
        }

        var registered = catalog.PluginNames.Concat(catalog.Verifiers.Select(v => v.Name)).Distinct(StringComparer.Ordinal);
        var missing = registered.Where(n => !scanned.Contains(n) && !NotScanned.ContainsKey(n)).ToList();

        Assert.True(missing.Count == 0, $"Registered by a plugin package but not in the secret-hygiene matrix: {string.Join(", ", missing)}.");
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var plugin in Matrix)
        {
            foreach (var path in new[] { "success", "wrong-secret", "unknown-user", "malformed-server-data", "timeout", "cancellation" })
            {
                data.Add(plugin, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Handshake_AnyOutcome_NoSecretInAnyOutput(string plugin, string path)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(path);
        var texts = new List<string>();
        using var logs = new CapturingLoggerProvider();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Handshake")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => Collect(texts, tags));
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) => Collect(texts, tags));
        meters.Start();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Handshake",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (texts)
                {
                    texts.Add(activity.DisplayName);
                    texts.Add(activity.StatusDescription ?? string.Empty);
                    texts.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                    texts.AddRange(activity.Events.Select(e => e.Name + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}"))));
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        var setup = CreateSetup(plugin);
        var services = new ServiceCollection();
        _ = services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var time = new FakeTimeProvider(Now);
        _ = services.AddSingleton<TimeProvider>(time);
        var builder = services.AddHandshake(o =>
        {
            o.RoundTimeout = TimeSpan.FromSeconds(path == "timeout" ? 0.3 : 10);
            o.HandshakeTimeout = TimeSpan.FromSeconds(20);
        });
        setup.Register(builder);
        _ = builder.AddAcceptor(o =>
            {
                o.DefaultPlugin = setup.Name;
                o.RoundTimeout = TimeSpan.FromSeconds(path == "timeout" ? 0.3 : 10);
            })
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(setup.Name, setup.Stored)));
        await using var sp = services.BuildServiceProvider();

        if (plugin == "cachingsha2-fast")
        {
            // Warm the server's cache with one full authentication: the measured exchange then ends in fast auth.
            using var warmCredentials = setup.Credentials(false);
            using var warmNegotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(warmCredentials, setup.Transport);
            using var warmAcceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(setup.Transport);
            using var warmConnection = InMemoryAuthConnection.Create(setup.Transport);
            Assert.True((await InMemoryHandshake.RunAsync(warmNegotiator, warmAcceptor, warmConnection, User)).Succeeded);
        }

        using var credentials = setup.Credentials(path == "wrong-secret");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, setup.Transport);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(setup.Transport, plugin == "scram-plus" ? AcceptorStartMode.Offer : AcceptorStartMode.Begin);
        using var connection = InMemoryAuthConnection.Create(setup.Transport);
        using var ticking = new CancellationTokenSource();
        if (path == "timeout")
        {
            // The engine's deadlines run on the fake clock: keep it moving until the handshake ends.
            _ = Task.Run(async () =>
            {
                while (!ticking.IsCancellationRequested)
                {
                    time.Advance(TimeSpan.FromSeconds(5));
                    await Task.Delay(20, CancellationToken.None);
                }
            });
        }

        // Each plugin's own redactor renders the transcript, so the scan checks the redactors too.
        var recorder = new TranscriptRecorder(new DefaultTranscriptRedactor(sp.GetRequiredService<IHandshakeCatalog>()));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var meddling = new MeddlingServer(connection.Server, path, cts);
        var server = Task.Run(() => acceptor.RunAsync(meddling, path == "unknown-user" ? "mallory" : User, CancellationToken.None));
        try
        {
            var result = await negotiator.RunAsync(recorder.Record(connection.Client), cts.Token);
            texts.Add(result.ToString());
        }
        catch (Exception ex) when (ex is HandshakeException or OperationCanceledException)
        {
            texts.Add(ex.ToString());
            texts.Add(ex.Message);
            connection.CloseClient();
        }

        var serverResult = await server.WaitAsync(TimeSpan.FromSeconds(30));
        await ticking.CancelAsync();
        texts.Add(serverResult?.ToString() ?? string.Empty);
        texts.Add(acceptor.FailureDetail ?? string.Empty);
        texts.Add(recorder.ToString());
        texts.AddRange(recorder.Entries.Select(e => e.ToString()));
        texts.AddRange(logs.Lines);
        texts.Add(setup.Stored.ToString());
        texts.Add(credentials.ToString() ?? string.Empty);
        meters.RecordObservableInstruments();

        if (path == "success")
        {
            Assert.True(serverResult is not null, $"{acceptor.FailureReason}: {acceptor.FailureDetail}");
        }

        var secrets = setup.Secrets(path == "wrong-secret");
        lock (meddling.Wire)
        {
            secrets.AddRange(WireSecrets(meddling.Wire));
        }

        List<string> snapshot;
        lock (texts)
        {
            snapshot = [.. texts];
        }

        Assert.NotEmpty(logs.Lines);

        // The label says which encoding leaked; the secret itself is never printed.
        Assert.Empty(Leaks(snapshot, secrets).Select(label => $"{plugin}/{path}: {label} appeared in output"));
    }

    [Fact]
    public void Leaks_PlantedSecretsInEveryEncoding_AreAllFound()
    {
        // The scan itself must be able to fail: plant each encoding of a proof in a log-like line.
        var proof = SHA256.HashData("planted"u8);
        var secrets = WireSecrets([(true, Encoding.ASCII.GetBytes("c=biws,r=abc,p=" + Convert.ToBase64String(proof)))]);
        string[] planted = [$"line {Convert.ToHexStringLower(proof)}", $"x={Convert.ToHexString(proof)}", $"proof {Convert.ToBase64String(proof)} end"];

        foreach (var text in planted)
        {
            Assert.NotEmpty(Leaks([text], secrets));
        }

        Assert.Empty(Leaks(["nothing to see"], secrets));
    }

    private static IEnumerable<string> Leaks(IEnumerable<string> texts, IReadOnlyList<(string Label, string Value)> secrets) =>
        from text in texts
        from secret in secrets
        where text.Contains(secret.Value, StringComparison.Ordinal)
        select secret.Label;

    /// <summary>
    /// Secrets only the live exchange knows: every client payload of 8 bytes or more (a scramble
    /// response, an HMAC, a code, a signature; the default transcript shows client data by length only),
    /// and SCRAM's ClientProof (p=) and ServerSignature (v=) wherever they crossed the wire (RFC 5802 §7).
    /// </summary>
    private static List<(string Label, string Value)> WireSecrets(IEnumerable<(bool FromClient, byte[] Data)> wire)
    {
        var list = new List<(string, string)>();
        foreach (var (fromClient, data) in wire)
        {
            if (fromClient && data.Length >= 8)
            {
                list.Add(("client payload (hex lower)", Convert.ToHexStringLower(data)));
                list.Add(("client payload (hex upper)", Convert.ToHexString(data)));
                list.Add(("client payload (base64)", Convert.ToBase64String(data)));
            }

            var text = Encoding.ASCII.GetString(data);
            foreach (var attribute in new[] { ",p=", "v=" })
            {
                var at = text.IndexOf(attribute, StringComparison.Ordinal);
                if (at < 0 || (attribute == "v=" && at != 0))
                {
                    continue;
                }

                var value = text[(at + attribute.Length)..].Split(',')[0];
                var label = attribute == "v=" ? "server signature" : "client proof";
                list.Add((label + " (base64)", value));
                if (Convert.TryFromBase64String(value, new byte[value.Length], out var written) && written >= 16)
                {
                    var bytes = Convert.FromBase64String(value);
                    list.Add((label + " (hex lower)", Convert.ToHexStringLower(bytes)));
                    list.Add((label + " (hex upper)", Convert.ToHexString(bytes)));
                }
            }
        }

        return list;
    }

    private static void Collect(List<string> texts, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var line = new StringBuilder();
        foreach (var tag in tags)
        {
            _ = line.Append(tag.Key).Append('=').Append(tag.Value).Append(';');
        }

        lock (texts)
        {
            texts.Add(line.ToString());
        }
    }

    private static Setup CreateSetup(string plugin)
    {
        var tls = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true };
        switch (plugin)
        {
            case "scram":
            case "scram-plus":
            {
                var cert = plugin == "scram-plus" ? TestCertificates.Rsa() : null;
                var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), ScramSalt, 4096, HashAlgorithmName.SHA256, 32);
                var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
                return new Setup(
                    "SCRAM-SHA-256",
                    b => b.AddScram(o => o.ChannelBinding = plugin == "scram-plus" ? ScramChannelBinding.Require : ScramChannelBinding.Prefer).AddScramVerifier(),
                    ScramCredential.Create(Password, ScramSalt, 4096).ToStoredCredential(),
                    cert is null ? TransportSecurity.None : TestCertificates.Tls(cert),
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("salted password", salted), ("client key", clientKey)]);
            }

            case "native":
                return new Setup(
                    NativePasswordPluginNames.MySqlNativePassword,
                    b => b.AddNativePassword().AddNativePasswordVerifier(),
                    NativePasswordCredential.FromPassword(Password).ToStoredCredential(),
                    TransportSecurity.None,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("sha1(password)", SHA1.HashData(Encoding.UTF8.GetBytes(Password)))]);

            case "ed25519":
            {
                // az = SHA-512(password) is the expanded key: its halves are the signing scalar's source and the nonce prefix.
                var expanded = SHA512.HashData(Encoding.UTF8.GetBytes(Password));
                return new Setup(
                    Ed25519PluginNames.ClientEd25519,
                    b => b.AddEd25519().AddEd25519Verifier(),
                    Ed25519Credential.FromPassword(Password).ToStoredCredential(),
                    TransportSecurity.None,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("sha512(password)", expanded), ("ed25519 scalar half", expanded[..32]), ("ed25519 nonce prefix", expanded[32..])]);
            }

            case "cachingsha2-fast":
            case "cachingsha2-full":
                return new Setup(
                    CachingSha2PluginNames.CachingSha2Password,
                    b => b.AddCachingSha2().AddCachingSha2Verifier(),
                    CachingSha2Credential.FromPassword(Password, new FixedRandom(3), CachingSha2Credential.MinIterations).ToStoredCredential(),
                    tls,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("sha256(password)", SHA256.HashData(Encoding.UTF8.GetBytes(Password))), ("sha256(sha256(password))", SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(Password))))]);

            case "keyauth":
            {
                using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var otherPem = other.ExportPkcs8PrivateKeyPem();
                var pkcs8 = ClientKey.Value.ExportPkcs8PrivateKey();
                var privateD = ClientKey.Value.ExportParameters(true).D!;
                return new Setup(
                    KeyAuthPluginNames.SshKeyAuth,
                    b => b.AddKeyAuth(o => o.PrivateKeyPem = ClientKey.Value.ExportPkcs8PrivateKeyPem()).AddKeyAuthVerifier(),
                    StoredCredential.FromString(ClientKey.Value.ExportSubjectPublicKeyInfoPem()),
                    TransportSecurity.None,
                    _ => new AuthCredentials(User),
                    [("private key PKCS#8", pkcs8), ("private scalar d", privateD)],
                    ExtraText: [Convert.ToBase64String(pkcs8)[..48]]);
            }

            case "totp":
            {
                var code = TotpCode(TotpKey, Now);
                return new Setup(
                    TotpPluginNames.Totp,
                    b => b.AddTotp().AddTotpVerifier(),
                    StoredCredential.FromString(TotpEnrollment.CreateUri("Example", User, TotpKey)),
                    tls, // The code goes through the cleartext gate.
                    wrong => AuthCredentials.FromPasswords(User, Base32.Encode(wrong ? Encoding.ASCII.GetBytes("another-secret-key!!") : TotpKey)),
                    [("totp key", TotpKey)],
                    ExtraText: [Base32.Encode(TotpKey), Base32.Encode(TotpKey, padding: true), code]);
            }

            case "dialog":
            {
                // MariaDB PAM's dialog: a password (checked against SCRAM), then a TOTP code, both sent in the clear over verified TLS.
                var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), ScramSalt, 4096, HashAlgorithmName.SHA256, 32);
                var code = TotpCode(TotpKey, Now);
                return new Setup(
                    MariaDbPamPluginNames.Dialog,
                    b => b.AddScramVerifier().AddTotp().AddTotpVerifier().AddDialog().AddDialogVerifier(o =>
                    {
                        o.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"));
                        o.Questions.Add(DialogQuestion.Verifier("code", TotpPluginNames.Totp));
                    }),
                    DialogCredential.Create(
                        ("password", ScramCredential.Create(Password, ScramSalt, 4096).ToStoredCredential()),
                        ("code", StoredCredential.FromString(TotpEnrollment.CreateUri("Example", User, TotpKey)))).ToStoredCredential(),
                    tls,
                    wrong => new AuthCredentials(User, AuthSecret.FromPassword(wrong ? WrongPassword : Password), AuthSecret.FromPassword(Base32.Encode(TotpKey))),
                    [("salted password", salted), ("client key", HMACSHA256.HashData(salted, "Client Key"u8)), ("totp key", TotpKey)],
                    ExtraText: [Base32.Encode(TotpKey), code]);
            }

            case "clearpassword":
            {
                var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), ScramSalt, 4096, HashAlgorithmName.SHA256, 32);
                return new Setup(
                    MariaDbPamPluginNames.ClearPassword,
                    b => b.AddScramVerifier().AddClearPassword().AddClearPasswordVerifier(),
                    ScramCredential.Create(Password, ScramSalt, 4096).ToStoredCredential(),
                    tls,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("salted password", salted), ("client key", HMACSHA256.HashData(salted, "Client Key"u8))]);
            }

            case "plain":
            {
                var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), ScramSalt, 4096, HashAlgorithmName.SHA256, 32);
                return new Setup(
                    PlainPluginNames.Plain,
                    b => b.AddScramVerifier().AddPlain().AddPlainVerifier(),
                    ScramCredential.Create(Password, ScramSalt, 4096).ToStoredCredential(),
                    tls,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("salted password", salted), ("client key", HMACSHA256.HashData(salted, "Client Key"u8))]);
            }

            case "scram-sha1":
            {
                var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), ScramSalt, 4096, HashAlgorithmName.SHA1, 20);
                return new Setup(
                    ScramPluginNames.ScramSha1,
                    b => b.AddScramSha1().AddScramVerifierFamily(ScramPluginNames.ScramSha1),
                    ScramCredential.Create(Password, ScramSalt, 4096, ScramPluginNames.ScramSha1).ToStoredCredential(),
                    TransportSecurity.None,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("salted password", salted), ("client key", HMACSHA1.HashData(salted, "Client Key"u8))]);
            }

            case "oauthbearer":
            {
                // A JWT from an issuer key made here, valid on the test's fake clock; the wrong one is signed by another key.
                var good = BearerToken(TokenIssuerKey.Value);
                var bad = BearerToken(TokenStrangerKey.Value);
                return new Setup(
                    OAuthBearerPluginNames.OAuthBearer,
                    b => b.AddOAuthBearer().AddOAuthBearerVerifier(o => o.Scope = "mail").AddOAuthBearerJwtValidation(o =>
                    {
                        o.Issuer = "https://issuer.hygiene";
                        o.Audience = "hygiene";
                        o.SigningKeyPems.Add(TokenIssuerKey.Value.ExportSubjectPublicKeyInfoPem());
                    }),
                    StoredCredential.FromString("https://issuer.hygiene"),
                    tls, // A bearer token goes through the cleartext gate.
                    wrong => AuthCredentials.FromPasswords(User, wrong ? bad : good),
                    [],
                    ExtraText: [good, bad, good.Split('.')[2], bad.Split('.')[2]]);
            }

            case "hmac":
                return new Setup(
                    HmacChallengeHandshakeBuilderExtensions.DefaultName,
                    b => b.AddHmacChallenge(),
                    HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Password),
                    TransportSecurity.None,
                    wrong => AuthCredentials.FromPasswords(User, wrong ? WrongPassword : Password),
                    [("sha256(password) key", SHA256.HashData(Encoding.UTF8.GetBytes(Password)))]);

            default:
                throw new ArgumentException(plugin, nameof(plugin));
        }
    }

    private static string BearerToken(ECDsa key) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "https://issuer.hygiene",
            Audience = "hygiene",
            NotBefore = Now.UtcDateTime.AddMinutes(-1),
            Expires = Now.UtcDateTime.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = User },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key), "ES256"),
        });

    /// <summary>RFC 6238 with SHA-1, 6 digits, 30 s (RFC 4226 §5.3 truncation).</summary>
    private static string TotpCode(byte[] key, DateTimeOffset at)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
        var mac = HMACSHA1.HashData(key, counter);
        var offset = mac[^1] & 0x0F;
        var value = ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What one plugin pair needs, and its secrets.</summary>
    private sealed record Setup(
        string Name,
        Action<IHandshakeBuilder> Register,
        StoredCredential Stored,
        TransportSecurity Transport,
        Func<bool, AuthCredentials> Credentials,
        IReadOnlyList<(string Label, byte[] Value)> Derived,
        IReadOnlyList<string>? ExtraText = null)
    {
        public List<(string Label, string Value)> Secrets(bool wrong)
        {
            var list = new List<(string, string)>();
            foreach (var password in new[] { Password, WrongPassword })
            {
                AddEncodings(list, "password", Encoding.UTF8.GetBytes(password), withText: password);
            }

            foreach (var (label, value) in Derived)
            {
                AddEncodings(list, label, value, withText: null);
            }

            foreach (var text in ExtraText ?? [])
            {
                list.Add(("secret text", text));
            }

            _ = wrong;
            return list;
        }

        private static void AddEncodings(List<(string, string)> list, string label, byte[] value, string? withText)
        {
            if (withText is not null)
            {
                list.Add((label + " (text)", withText));
            }

            list.Add((label + " (hex lower)", Convert.ToHexStringLower(value)));
            list.Add((label + " (hex upper)", Convert.ToHexString(value)));
            list.Add((label + " (base64)", Convert.ToBase64String(value)));

            // Base64 of a value embedded at another offset differs after its first bytes: also look for a
            // long stretch from the middle of the value, encoded alone.
            if (value.Length >= 12)
            {
                list.Add((label + " (base64, inner)", Convert.ToBase64String(value, 3, value.Length - 6)[..12]));
            }
        }
    }

    /// <summary>Deterministic bytes for the stored-credential salt.</summary>
    private sealed class FixedRandom(byte value) : IRandomSource
    {
        public void Fill(Span<byte> destination) => destination.Fill(value);
    }

    /// <summary>
    /// The server end, meddled with per path: "malformed-server-data" flips the bytes of the second event
    /// the server sends; "timeout" drops it; "cancellation" cancels the client's token instead of sending it.
    /// </summary>
    private sealed class MeddlingServer(IAcceptorTransport inner, string path, CancellationTokenSource clientCancellation) : IAcceptorTransport
    {
        private int _sent;

        public TransportSecurity Security => inner.Security;

        /// <summary>Gets every payload that crossed the wire, both ways, as sent (before any meddling).</summary>
        public List<(bool FromClient, byte[] Data)> Wire { get; } = [];

        public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
        {
            var message = await inner.ReceiveAsync(cancellationToken);
            lock (Wire)
            {
                Wire.Add((true, message.Data.ToArray()));
            }

            return message;
        }

        public ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
        {
            lock (Wire)
            {
                Wire.Add((false, authEvent.Data.ToArray()));
                Wire.Add((false, authEvent.AcceptedData.ToArray()));
            }

            var index = ++_sent;
            if (index == 2 || (index == 1 && authEvent.Kind is AuthEventKind.Succeeded or AuthEventKind.Failed))
            {
                switch (path)
                {
                    case "malformed-server-data" when !authEvent.Data.IsEmpty:
                        var data = authEvent.Data.ToArray();
                        for (var i = 0; i < data.Length; i++)
                        {
                            data[i] ^= 0x5A;
                        }

                        return inner.SendAsync(authEvent.Kind switch
                        {
                            AuthEventKind.Continue => AuthEvent.Continue(data),
                            AuthEventKind.Succeeded => AuthEvent.Succeeded(data),
                            _ => authEvent,
                        }, cancellationToken);
                    case "timeout":
                        return ValueTask.CompletedTask;
                    case "cancellation":
                        return new ValueTask(clientCancellation.CancelAsync());
                    default:
                        break;
                }
            }

            return inner.SendAsync(authEvent, cancellationToken);
        }
    }
}
