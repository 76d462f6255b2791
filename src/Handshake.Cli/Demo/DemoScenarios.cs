using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Internal;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.OAuthBearer;
using Handshake.Plugins.Scram;
using Handshake.Testing;

namespace Handshake.Cli.Demo;

/// <summary>
/// The demo pages. The richest (SCRAM then TOTP, <see cref="DefaultKey"/>) runs when no page is named.
/// The passwords below are demo values; the transcript never shows them (the tests check).
/// </summary>
internal static class DemoScenarios
{
    public const string DefaultKey = "mfa";

    public const string Password = "correct horse battery staple";

    public const string WrongPassword = "Tr0ub4dor&3";

    private const string User = "alice";

    public static IReadOnlyList<DemoPage> All { get; } =
    [
        new("hmac", "a challenge-response plugin written as two delegates", Hmac),
        new("scram", "SCRAM-SHA-256, PostgreSQL's method, with the proofs redacted", Scram),
        new("scram-plus", "SCRAM-SHA-256-PLUS bound to a (simulated, verified) TLS certificate; a man in the middle is caught", ScramPlus),
        new("native", "MySQL's mysql_native_password", Native),
        new("caching-sha2", "MySQL 8's caching_sha2_password: full authentication over TLS, then the fast path", CachingSha2),
        new("ed25519", "MariaDB's ed25519 (client_ed25519): an Ed25519 signature keyed by SHA-512(password)", Ed25519),
        new("pam", "MariaDB PAM's dialog: a password question, then a TOTP code, in one factor", Pam),
        new("key", "ssh-key-auth: a signature with a key made in-process", Key),
        new("oauthbearer", "OAUTHBEARER (RFC 7628): a JWT from an issuer key made in-process; a refused token gets the server's error JSON", OAuthBearer),
        new(DefaultKey, "two factors: SCRAM-SHA-256-PLUS then TOTP (assurance level 2)", MultiFactor),
        new(ResumeDemo.Key, "a resume token skips PBKDF2 and the TOTP prompt; a reused token revokes its family", static () => new ResumeDemo().Build()),
    ];

    public static DemoPage Default => Find(DefaultKey)!;

    public static DemoPage? Find(string key) => All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    private static DemoScenario Hmac() => new(
        "hmac",
        "Challenge-response written as two delegates",
        "The server sends 32 random bytes; the client answers HMAC-SHA256(SHA-256(password), challenge || user). Plugin and verifier are each a few lines with AddPlugin/AddVerifier.",
        TransportSecurity.None,
        AcceptorStartMode.Begin,
        b => b.AddHmacChallenge()
            .AddAcceptor(o => o.DefaultPlugin = HmacChallengeHandshakeBuilderExtensions.DefaultName)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(HmacChallengeHandshakeBuilderExtensions.DefaultName, HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Password)))),
        [
            new("logs in with the right password", b => b.AddHmacChallenge(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
            new("logs in with a wrong password", b => b.AddHmacChallenge(), () => AuthCredentials.FromPasswords(User, WrongPassword), ExpectSuccess: false),
        ],
        []);

    private static DemoScenario Scram() => new(
        "scram",
        "SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL runs it",
        "The server offers its mechanisms; the client sends client-first (user, nonce), the server answers with its nonce, salt and iterations, the client proves it knows the password (p=, redacted) and checks the server's signature (v=, redacted) before it believes the OK. The server stores only StoredKey/ServerKey, never the password.",
        TransportSecurity.None,
        AcceptorStartMode.Offer,
        ScramServer(null),
        [
            new("logs in with the right password", b => b.AddScram(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
            new("logs in with a wrong password", b => b.AddScram(), () => AuthCredentials.FromPasswords(User, WrongPassword), ExpectSuccess: false),
        ],
        []);

    private static DemoScenario ScramPlus()
    {
        var certificate = SelfSignedCertificate();
        var impostor = SelfSignedCertificate();
        return new(
            "scram-plus",
            "SCRAM-SHA-256-PLUS: channel binding to the TLS certificate (RFC 5929 tls-server-end-point)",
            "TLS is simulated: both ends are told the connection is encrypted with a verified certificate made in this process. The client offers binding (GS2 header p=tls-server-end-point) and puts the hash of the certificate it saw into c=; the server compares it with its own. A man in the middle terminates TLS with a different certificate, so the bindings differ and the login fails even with the right password.",
            Tls(certificate),
            AcceptorStartMode.Offer,
            ScramServer(null),
            [
                new("logs in with the right password over TLS", b => b.AddScram(o => o.ChannelBinding = ScramChannelBinding.Require), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
                new("logs in with the right password through a man in the middle (another certificate)", b => b.AddScram(o => o.ChannelBinding = ScramChannelBinding.Require), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: false, ClientTransport: Tls(impostor)),
            ],
            [certificate, impostor]);
    }

    private static DemoScenario Native() => new(
        "native",
        "mysql_native_password",
        "The server sends a 20-byte scramble; the client answers SHA1(password) XOR SHA1(scramble || SHA1(SHA1(password))). The server stores *HEX of SHA1(SHA1(password)) (see `handshake verifier native`).",
        TransportSecurity.None,
        AcceptorStartMode.Begin,
        b => b.AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.FromPassword(Password).ToStoredCredential()))),
        [
            new("logs in with the right password", b => b.AddNativePassword(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
            new("logs in with a wrong password", b => b.AddNativePassword(), () => AuthCredentials.FromPasswords(User, WrongPassword), ExpectSuccess: false),
        ],
        []);

    private static DemoScenario Ed25519() => new(
        "ed25519",
        "MariaDB's ed25519 authentication (client_ed25519)",
        "The server sends 32 random bytes; the client signs them with Ed25519 whose expanded key is SHA-512(password) and sends R || S (64 bytes). The server stores only the public key A, base64 without padding as MariaDB's PASSWORD() prints it, and checks the signature with standard Ed25519 verification (libsodium).",
        TransportSecurity.None,
        AcceptorStartMode.Begin,
        b => b.AddEd25519Verifier()
            .AddAcceptor(o => o.DefaultPlugin = Ed25519PluginNames.ClientEd25519)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(Ed25519PluginNames.ClientEd25519, Ed25519Credential.FromPassword(Password).ToStoredCredential()))),
        [
            new("logs in with the right password", b => b.AddEd25519(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
            new("logs in with a wrong password", b => b.AddEd25519(), () => AuthCredentials.FromPasswords(User, WrongPassword), ExpectSuccess: false),
        ],
        []);

    private static DemoScenario CachingSha2()
    {
        var certificate = SelfSignedCertificate();
        return new(
            "caching-sha2",
            "caching_sha2_password (MySQL 8's default)",
            "TLS is simulated (verified certificate). The first login misses the server's cache: the server answers 0x04 and the client sends the password inside TLS (redacted below). The server then caches SHA256(SHA256(password)), so the second login is the fast path: one scramble response, 0x03, OK.",
            Tls(certificate),
            AcceptorStartMode.Begin,
            b => b.AddCachingSha2Verifier()
                .AddAcceptor(o => o.DefaultPlugin = CachingSha2PluginNames.CachingSha2Password)
                .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(CachingSha2PluginNames.CachingSha2Password, CachingSha2Credential.FromPassword(Password).ToStoredCredential()))),
            [
                new("logs in for the first time (full authentication)", b => b.AddCachingSha2(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
                new("logs in again (fast path)", b => b.AddCachingSha2(), () => AuthCredentials.FromPasswords(User, Password), ExpectSuccess: true),
                new("logs in with a wrong password", b => b.AddCachingSha2(), () => AuthCredentials.FromPasswords(User, WrongPassword), ExpectSuccess: false),
            ],
            [certificate]);
    }

    private static DemoScenario Key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var fingerprint = KeyAuthFingerprint.FromPublicKey(key);
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        var privatePem = key.ExportPkcs8PrivateKeyPem();
        var otherPrivatePem = other.ExportPkcs8PrivateKeyPem();
        return new(
            "key",
            $"{KeyAuthPluginNames.SshKeyAuth}: public-key authentication",
            $"An ECDSA P-256 key pair was made in this process; the server stores only the public key (fingerprint {fingerprint}). The server sends a fresh challenge; the client signs it together with the plugin name, user and factor, so a signature cannot be replayed elsewhere. A different key is refused.",
            TransportSecurity.None,
            AcceptorStartMode.Begin,
            b => b.AddKeyAuthVerifier()
                .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
                .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(publicPem)))),
            [
                new("signs with the enrolled key", b => b.AddKeyAuth(o => o.PrivateKeyPem = privatePem), () => new AuthCredentials(User), ExpectSuccess: true),
                new("signs with another key", b => b.AddKeyAuth(o => o.PrivateKeyPem = otherPrivatePem), () => new AuthCredentials(User), ExpectSuccess: false),
            ],
            []);
    }

    private static DemoScenario OAuthBearer()
    {
        const string Issuer = "https://issuer.demo";
        const string Audience = "imap://mail.demo";
        var certificate = SelfSignedCertificate();
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicPem = issuerKey.ExportSubjectPublicKeyInfoPem();
        var good = BearerToken(issuerKey, Issuer, Audience);
        var forged = BearerToken(otherKey, Issuer, Audience);
        return new(
            "oauthbearer",
            "OAUTHBEARER (RFC 7628): OAuth 2.0 bearer tokens, as IMAP, SMTP and PostgreSQL 18 take them",
            "TLS is simulated (verified certificate): a bearer token is replayable, so the client sends it only where a password in the clear could go. An issuer key was made in this process; the server keeps only its public key and checks the JWT's signature, issuer, audience and lifetime, then names the user from its subject. The client sends 'n,a=alice,' and 'auth=Bearer <token>' (shown by length only). A token signed by another key is refused: the server sends its error JSON (status, scope, openid-configuration), the client answers the dummy 0x01, and the application gets OAuthBearerRejectedException with the scope to ask for.",
            Tls(certificate),
            AcceptorStartMode.Offer,
            b => b.AddOAuthBearerVerifier(o => { o.Scope = "mail"; o.OpenIdConfiguration = Issuer + "/.well-known/openid-configuration"; })
                .AddOAuthBearerJwtValidation(o =>
                {
                    o.Issuer = Issuer;
                    o.Audience = Audience;
                    o.SigningKeyPems.Add(publicPem);
                })
                .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
                .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(Issuer)))),
            [
                new("presents a token from the issuer", b => b.AddOAuthBearer(), () => AuthCredentials.FromPasswords(User, good), ExpectSuccess: true),
                new("presents a token signed by another key", b => b.AddOAuthBearer(), () => AuthCredentials.FromPasswords(User, forged), ExpectSuccess: false),
            ],
            [certificate]);
    }

    private static string BearerToken(ECDsa key, string issuer, string audience)
    {
        var now = DateTime.UtcNow;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(15),
            Claims = new Dictionary<string, object> { ["sub"] = User, ["scope"] = "mail" },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key), "ES256"),
        });
    }

    private static DemoScenario MultiFactor()
    {
        var certificate = SelfSignedCertificate();

        // Enrolled in-process; the client holds the same shared secret (a service account's
        // authenticator) and computes the code for the current 30-second step (RFC 6238).
        var secret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
        var otherSecret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
        var uri = TotpEnrollment.CreateUri("Handshake demo", User, secret);
        var base32 = Base32.Encode(secret);
        var otherBase32 = Base32.Encode(otherSecret);
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(otherSecret);
        return new(
            DefaultKey,
            "Two factors: SCRAM-SHA-256-PLUS, then TOTP",
            "TLS is simulated (verified certificate made in this process). Factor 1 is SCRAM bound to the certificate; only after it passes does the server ask for factor 2, a TOTP code (RFC 6238) computed from a secret enrolled in this process. The code travels only inside verified TLS, and a step once accepted cannot be replayed. Two factors give assurance level 2. A wrong code stops the chain at factor 2.",
            Tls(certificate),
            AcceptorStartMode.Offer,
            b => b.AddScramVerifier()
                .AddTotpVerifier()
                .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
                .AddFactorPolicies(p => p.Add(
                    User,
                    new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, Verifier.VerifierCommand.DefaultScramIterations).ToStoredCredential()),
                    new AuthFactorPolicy(TotpPluginNames.Totp, StoredCredential.FromString(uri)))),
            [
                new("logs in with the password and the current code", b => b.AddScram().AddTotp(), () => AuthCredentials.FromPasswords(User, Password, base32), ExpectSuccess: true),
                new("logs in with the password and a code from another secret", b => b.AddScram().AddTotp(), () => AuthCredentials.FromPasswords(User, Password, otherBase32), ExpectSuccess: false),
            ],
            [certificate]);
    }

    private static DemoScenario Pam()
    {
        var certificate = SelfSignedCertificate();
        var secret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
        var otherSecret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
        var base32 = Base32.Encode(secret);
        var otherBase32 = Base32.Encode(otherSecret);
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(otherSecret);
        var stored = DialogCredential.Create(
            ("password", ScramCredential.Create(Password, SystemRandomSource.Instance, Verifier.VerifierCommand.DefaultScramIterations).ToStoredCredential()),
            ("code", StoredCredential.FromString(base32)));
        return new(
            "pam",
            "MariaDB PAM's dialog plugin: a password question, then a TOTP code",
            "What a MariaDB user IDENTIFIED VIA pam sees: one factor, one question per round. Each question is a type byte (4: no echo, 2: echo, +1: the last) and its text; each answer one line and a NUL, in the clear, so it runs only inside verified TLS (simulated here). The client answers the password question with the factor's secret and the code question with a TOTP code from the secret in password2; the server checks the password against a SCRAM verifier and the code with the TOTP verifier (window, replay protection). A wrong answer is still followed by the next question, so the client cannot tell which one failed.",
            Tls(certificate),
            AcceptorStartMode.Begin,
            b => b.AddScramVerifier()
                .AddTotpVerifier()
                .AddDialogVerifier(o =>
                {
                    o.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"));
                    o.Questions.Add(DialogQuestion.Verifier("code", TotpPluginNames.Totp));
                })
                .AddAcceptor(o => o.DefaultPlugin = MariaDbPamPluginNames.Dialog)
                .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(MariaDbPamPluginNames.Dialog, stored.ToStoredCredential()))),
            [
                new("answers the password and the current code", b => b.AddDialog().AddTotp(), () => new AuthCredentials(User, AuthSecret.FromPassword(Password), AuthSecret.FromPassword(base32)), ExpectSuccess: true),
                new("answers the password and a code from another secret", b => b.AddDialog().AddTotp(), () => new AuthCredentials(User, AuthSecret.FromPassword(Password), AuthSecret.FromPassword(otherBase32)), ExpectSuccess: false),
            ],
            [certificate]);
    }

    private static Action<IHandshakeBuilder> ScramServer(Action<ScramVerifierOptions>? configure) =>
        b => b.AddScramVerifier(configure)
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, Verifier.VerifierCommand.DefaultScramIterations).ToStoredCredential())));

    private static TransportSecurity Tls(X509Certificate2 certificate) =>
        new() { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate };

    internal static X509Certificate2 SelfSignedCertificate() => SelfSignedCertificates.Create("CN=localhost", rsa: false, TimeSpan.FromDays(1));
}
