using System.Security.Cryptography;
using Handshake.Plugins.Scram.Internal;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>The server verifier: RFC 7677 from the server's side and every rejection with its reason.</summary>
public sealed class ScramVerifierTests
{
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static readonly StoredCredential PencilCredential =
        ScramCredential.Create("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096).ToStoredCredential();

    [Fact]
    public async Task ProcessAsync_Rfc7677Transcript_MatchesByteForByte()
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        Assert.True((await exchange.BeginAsync(CancellationToken.None)).IsEmpty);

        var first = await exchange.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, first.Kind);
        Assert.Equal(ServerFirst, Ascii(first.Data));

        var final = await exchange.ProcessAsync(Ascii(ClientFinal), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, final.Kind);
        Assert.Equal(ServerFinal, Ascii(final.Data));
    }

    [Fact]
    public async Task ProcessAsync_PostgresEmptyUserName_Accepted()
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        var first = await exchange.ProcessAsync(Ascii("n,,n=,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, first.Kind);
    }

    [Fact]
    public async Task ProcessAsync_PostgresStarUserName_Accepted()
    {
        // node-postgres and Npgsql send "n=*" (the user is in the PostgreSQL startup message).
        using var exchange = Start(ServerContext("user", PencilCredential));
        var first = await exchange.ProcessAsync(Ascii("n,,n=*,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, first.Kind);
    }

    [Fact]
    public async Task ProcessAsync_WrongProof_RejectsInvalidCredential()
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        _ = await exchange.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        var wrong = ClientFinal[..(ClientFinal.IndexOf(",p=", StringComparison.Ordinal) + 3)] + Convert.ToBase64String(new byte[32]);
        var step = await exchange.ProcessAsync(Ascii(wrong), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_UnknownUser_RejectsExactlyAsWrongPassword()
    {
        using var known = Start(ServerContext("user", PencilCredential));
        using var unknown = Start(ServerContext("user", null));
        var knownFirst = await known.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        var unknownFirst = await unknown.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, unknownFirst.Kind);
        Assert.Matches("^r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj\\)hNlF\\$k0,s=[A-Za-z0-9+/]{22}==,i=4096$", Ascii(unknownFirst.Data));

        var wrong = ClientFinal[..(ClientFinal.IndexOf(",p=", StringComparison.Ordinal) + 3)] + Convert.ToBase64String(new byte[32]);
        var knownStep = await known.ProcessAsync(Ascii(wrong), CancellationToken.None);
        var unknownStep = await unknown.ProcessAsync(Ascii(ClientFinal), CancellationToken.None);
        Assert.Equal(knownStep.Kind, unknownStep.Kind);
        Assert.Equal(knownStep.Reason, unknownStep.Reason);
        Assert.Equal(knownStep.Detail, unknownStep.Detail);
        _ = knownFirst;
    }

    [Fact]
    public async Task ProcessAsync_UnknownUser_SaltIsStablePerUserName()
    {
        static async Task<string> SaltOf(string user)
        {
            using var exchange = Start(ServerContext(user, null));
            var step = await exchange.ProcessAsync(Ascii($"n,,n={user},r=abc"), CancellationToken.None);
            return Ascii(step.Data).Split(',')[1];
        }

        Assert.Equal(await SaltOf("ghost"), await SaltOf("ghost"));
        Assert.NotEqual(await SaltOf("ghost"), await SaltOf("phantom"));
    }

    [Fact]
    public async Task ProcessAsync_UnknownUser_ShowsConfiguredIterations()
    {
        using var exchange = Start(ServerContext("ghost", null), new ScramVerifierOptions { UnknownUserIterations = 600_000 });
        var step = await exchange.ProcessAsync(Ascii("n,,n=ghost,r=abc"), CancellationToken.None);
        Assert.EndsWith(",i=600000", Ascii(step.Data), StringComparison.Ordinal);
    }

    public static TheoryData<string, AuthErrorCode> BadClientFirst => new()
    {
        { "n,,m=ext,n=user,r=abc", AuthErrorCode.ProtocolViolation },
        { "n,a=user,n=user,r=abc", AuthErrorCode.PolicyViolation },
        { "p=tls-server-end-point,,n=user,r=abc", AuthErrorCode.ChannelBindingFailure },
        { "x,,n=user,r=abc", AuthErrorCode.ProtocolViolation },
        { "n,,n=us=2Xer,r=abc", AuthErrorCode.ProtocolViolation },
        { "n,,n=other,r=abc", AuthErrorCode.ProtocolViolation },
        { "n,,n=user,r=", AuthErrorCode.ProtocolViolation },
        { "n,,n=user,r=abc,x=ext", AuthErrorCode.ProtocolViolation },
        { "n,,r=abc", AuthErrorCode.ProtocolViolation },
        { "n,,", AuthErrorCode.ProtocolViolation },
        { "n", AuthErrorCode.ProtocolViolation },
        { "", AuthErrorCode.ProtocolViolation },
    };

    [Theory]
    [MemberData(nameof(BadClientFirst))]
    public async Task ProcessAsync_MalformedClientFirst_RejectsWithReason(string clientFirst, AuthErrorCode expected)
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        var step = await exchange.ProcessAsync(Ascii(clientFirst), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(expected, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_OversizedClientFirst_RejectsProtocolViolation()
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        var step = await exchange.ProcessAsync(Ascii("n,,n=user,r=" + new string('a', 5000)), CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_AuthzidAllowedAndSameUser_Continues()
    {
        using var exchange = Start(ServerContext("user", PencilCredential), new ScramVerifierOptions { AllowAuthorizationIdentity = true });
        Assert.Equal(VerifierStepKind.Continue, (await exchange.ProcessAsync(Ascii("n,a=user,n=user,r=abc"), CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task ProcessAsync_AuthzidAllowedButOtherUser_RejectsPolicyViolation()
    {
        using var exchange = Start(ServerContext("user", PencilCredential), new ScramVerifierOptions { AllowAuthorizationIdentity = true });
        Assert.Equal(AuthErrorCode.PolicyViolation, (await exchange.ProcessAsync(Ascii("n,a=admin,n=user,r=abc"), CancellationToken.None)).Reason);
    }

    public static TheoryData<string, AuthErrorCode> BadClientFinal => new()
    {
        { "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.ChannelBindingFailure },
        { "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.NonceMismatch },
        { "c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.NonceMismatch },
        { "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.ProtocolViolation },
        { "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", AuthErrorCode.ProtocolViolation },
        { "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,x=1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.ProtocolViolation },
        { "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4j", AuthErrorCode.ProtocolViolation },
        { "c=b!ws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", AuthErrorCode.ProtocolViolation },
    };

    [Theory]
    [MemberData(nameof(BadClientFinal))]
    public async Task ProcessAsync_MalformedClientFinal_RejectsWithReason(string clientFinal, AuthErrorCode expected)
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        _ = await exchange.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        var step = await exchange.ProcessAsync(Ascii(clientFinal), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(expected, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_MalformedStoredCredential_RejectsInvalidStoredCredential()
    {
        using var exchange = Start(ServerContext("user", StoredCredential.FromString("SCRAM-SHA-256$garbage")));
        var step = await exchange.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, step.Reason);
        Assert.DoesNotContain("garbage", step.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_DataAfterEnd_RejectsProtocolViolation()
    {
        using var exchange = Start(ServerContext("user", PencilCredential));
        _ = await exchange.ProcessAsync(Ascii(ClientFirst), CancellationToken.None);
        _ = await exchange.ProcessAsync(Ascii(ClientFinal), CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await exchange.ProcessAsync(Ascii(ClientFinal), CancellationToken.None)).Reason);
    }

    [Fact]
    public void GetMechanisms_TlsWithCertificate_OffersPlusFirst()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        var verifier = new ScramVerifier(ScramHash.Sha256, new OptionsMonitorStub<ScramVerifierOptions>(new ScramVerifierOptions()), new byte[32]);
        Assert.Equal(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], verifier.GetMechanisms(Tls(cert)));
        Assert.Equal(["SCRAM-SHA-256"], verifier.GetMechanisms(TransportSecurity.None));
        Assert.Equal(["SCRAM-SHA-256"], verifier.GetMechanisms(new TransportSecurity { IsEncrypted = true }));
        Assert.True(verifier.UsesServerStoredPassword);
        Assert.Equal("SCRAM-SHA-256", verifier.Name);
    }

    [Fact]
    public void GetMechanisms_CertificateWithoutBindingHash_OffersPlainOnly()
    {
        using var cert = CertificateClaiming("1.3.101.112");
        var verifier = new ScramVerifier(ScramHash.Sha256, new OptionsMonitorStub<ScramVerifierOptions>(new ScramVerifierOptions()), new byte[32]);
        Assert.Equal(["SCRAM-SHA-256"], verifier.GetMechanisms(Tls(cert)));
    }

    [Fact]
    public async Task ProcessAsync_YFlagWhenServerOfferedPlus_RejectsDowngrade()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var exchange = Start(ServerContext("user", PencilCredential, "SCRAM-SHA-256", Tls(cert), ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]));
        var step = await exchange.ProcessAsync(Ascii("y,,n=user,r=abc"), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_YFlagWhenServerCannotBind_Continues()
    {
        using var exchange = Start(ServerContext("user", PencilCredential, offered: ["SCRAM-SHA-256"]));
        var first = await exchange.ProcessAsync(Ascii("y,,n=user,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, first.Kind);

        // c= must then carry "y,," (eSws), not "n,,".
        var final = await exchange.ProcessAsync(Ascii(ClientFinal), CancellationToken.None);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, final.Reason);
    }

    [Fact]
    public async Task ProcessAsync_PlusMechanismWithoutPFlag_RejectsChannelBindingFailure()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var exchange = Start(ServerContext("user", PencilCredential, "SCRAM-SHA-256-PLUS", Tls(cert)));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, (await exchange.ProcessAsync(Ascii("n,,n=user,r=abc"), CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task ProcessAsync_PlusWithUnknownBindingType_RejectsChannelBindingFailure()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var exchange = Start(ServerContext("user", PencilCredential, "SCRAM-SHA-256-PLUS", Tls(cert)));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, (await exchange.ProcessAsync(Ascii("p=tls-unique,,n=user,r=abc"), CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task ProcessAsync_PlusWithWrongCertificateHash_RejectsChannelBindingFailure()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var exchange = Start(ServerContext("user", PencilCredential, "SCRAM-SHA-256-PLUS", Tls(cert)));
        _ = await exchange.ProcessAsync(Ascii("p=tls-server-end-point,,n=user,r=abc"), CancellationToken.None);
        var c = Convert.ToBase64String([.. Ascii("p=tls-server-end-point,,"), .. new byte[32]]);
        var step = await exchange.ProcessAsync(Ascii($"c={c},r=abc{ServerNonce},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), CancellationToken.None);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, step.Reason);
    }

    private static IVerifierExchange Start(VerifierContext context, ScramVerifierOptions? options = null) =>
        ScramVerifier.StartWithNonce(context, options ?? new ScramVerifierOptions(), _ => ServerNonce);
}
