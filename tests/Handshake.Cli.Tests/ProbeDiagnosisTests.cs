using Handshake.Cli.Probe;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Tests;

public sealed class ProbeDiagnosisTests
{
    private static readonly string[] Registered = ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "mysql_native_password"];

    private static ProbeSettings Settings(ProbeSslMode ssl = ProbeSslMode.Prefer, ScramChannelBinding binding = ScramChannelBinding.Prefer, string? plugin = null) =>
        new(new ProbeUrl(Protocols.ProtocolCatalogue.PostgreSql, "alice", "127.0.0.1", 5432, "db"), ssl, binding, plugin, TimeSpan.FromSeconds(10), null, null);

    private static ProbeStart Start(string plugin, bool tls, params string[] offered) =>
        new(1, plugin, offered, tls ? new TransportSecurity { IsEncrypted = true } : TransportSecurity.None);

    [Theory]
    [InlineData("28P01")]
    [InlineData("1045")]
    public void For_ServerRejectedWrongPassword_SaysWrongPassword(string serverCode)
    {
        var ex = new HandshakeException(AuthErrorCode.ServerRejected, "The server rejected authentication.") { ServerErrorCode = serverCode };

        var line = ProbeDiagnosis.For(ex, Settings(), [], Registered);

        Assert.StartsWith("wrong password", line, StringComparison.Ordinal);
        Assert.Contains("HANDSHAKE_PASSWORD", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_ScramInvalidProof_SaysWrongPassword()
    {
        var ex = new HandshakeException(AuthErrorCode.ServerRejected, "The server rejected the SCRAM authentication: e=invalid-proof.");

        Assert.StartsWith("wrong password", ProbeDiagnosis.For(ex, Settings(), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_WrongSecondFactor_NamesHandshakePassword2()
    {
        var ex = new HandshakeException(AuthErrorCode.ServerRejected, "denied", "totp", 2) { ServerErrorCode = "1045" };

        Assert.Contains("HANDSHAKE_PASSWORD2", ProbeDiagnosis.For(ex, Settings(), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_ServerSignatureMissing_WarnsOfImpostor()
    {
        var ex = new HandshakeException(AuthErrorCode.ServerSignatureMissing, "no v=", "SCRAM-SHA-256", 1);

        var line = ProbeDiagnosis.For(ex, Settings(), [Start("SCRAM-SHA-256", false, "SCRAM-SHA-256")], Registered);

        Assert.Contains("without proving it knows the password", line, StringComparison.Ordinal);
        Assert.Contains("impostor", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_UnknownPlugin_NamesItAndHowToRegister()
    {
        var ex = new HandshakeException(AuthErrorCode.UnknownPlugin, "not registered", "auth_gssapi_client", 1);

        var line = ProbeDiagnosis.For(ex, Settings(), [], Registered);

        Assert.Contains("'auth_gssapi_client'", line, StringComparison.Ordinal);
        Assert.Contains("builder.AddPlugin(\"auth_gssapi_client\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_TlsRequiredButNotOffered_SaysEnableTlsOrPrefer()
    {
        var ex = new HandshakeException(AuthErrorCode.PolicyViolation, "The server does not support TLS, and SslMode is Require.");

        var line = ProbeDiagnosis.For(ex, Settings(ProbeSslMode.Require), [], Registered);

        Assert.StartsWith("TLS is required (--sslmode require) but the server does not offer it", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_VerifyFullCertificateRejected_SaysCaCert()
    {
        var ex = new HandshakeException(AuthErrorCode.PolicyViolation, "The TLS handshake failed or the server's certificate was not trusted for 'h' (SslMode VerifyFull).");

        Assert.Contains("--ca-cert", ProbeDiagnosis.For(ex, Settings(ProbeSslMode.VerifyFull), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_ChannelBindingRequiredNoPlusOffered_SaysServerOfferedNoPlus()
    {
        var ex = new HandshakeException(AuthErrorCode.NoMutualMechanism, "none usable");

        var line = ProbeDiagnosis.For(ex, Settings(ProbeSslMode.Require, ScramChannelBinding.Require), [Start("SCRAM-SHA-256", true, "SCRAM-SHA-256")], Registered);

        Assert.StartsWith("channel binding is required (--channel-binding require) but not available", line, StringComparison.Ordinal);
        Assert.Contains("no -PLUS mechanism", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_ChannelBindingFailureWithoutTls_SaysNotTls()
    {
        var ex = new HandshakeException(AuthErrorCode.ChannelBindingFailure, "no certificate");

        var line = ProbeDiagnosis.For(ex, Settings(ProbeSslMode.Prefer, ScramChannelBinding.Require), [Start("SCRAM-SHA-256-PLUS", false, "SCRAM-SHA-256-PLUS")], Registered);

        Assert.Contains("not TLS", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_MissingCredential_NamesTheVariable()
    {
        var ex = new HandshakeException(AuthErrorCode.MissingCredential, "no secret", "totp", 2);

        Assert.Contains("set HANDSHAKE_PASSWORD2", ProbeDiagnosis.For(ex, Settings(), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_PgBouncer08P01SaslAuthenticationFailed_SaysWrongPassword()
    {
        var ex = new HandshakeException(AuthErrorCode.ServerRejected, "The server rejected authentication (08P01): SASL authentication failed") { ServerErrorCode = "08P01" };

        Assert.StartsWith("wrong password", ProbeDiagnosis.For(ex, Settings(), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_Other08P01_IsNotAWrongPassword()
    {
        var ex = new HandshakeException(AuthErrorCode.ServerRejected, "The server rejected authentication (08P01): invalid message format") { ServerErrorCode = "08P01" };

        Assert.DoesNotContain("wrong password", ProbeDiagnosis.For(ex, Settings(), [], Registered), StringComparison.Ordinal);
    }

    [Fact]
    public void For_NoMutualMechanismOverTlsWithoutPlus_NamesTheOfferNotSslmode()
    {
        var ex = new HandshakeException(AuthErrorCode.NoMutualMechanism, "none usable");
        var offer = new ProbeOffer(["SCRAM-SHA-256"], new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true });

        var line = ProbeDiagnosis.For(ex, Settings(ProbeSslMode.VerifyFull, ScramChannelBinding.Require), [], Registered, offer);

        Assert.Contains("the server offered only SCRAM-SHA-256 over this TLS connection", line, StringComparison.Ordinal);
        Assert.Contains("with --sslmode verify-full", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Use --sslmode", line, StringComparison.Ordinal);
    }
}
