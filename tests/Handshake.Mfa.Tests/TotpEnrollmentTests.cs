using static Handshake.Mfa.Tests.TestSupport;

namespace Handshake.Mfa.Tests;

public sealed class TotpEnrollmentTests
{
    [Fact]
    public void GenerateSecret_Default_TwentyBytesFromRandomSource()
    {
        var random = new FixedRandomSource(0xAB);

        var secret = TotpEnrollment.GenerateSecret(random);

        Assert.Equal(20, secret.Length);
        Assert.All(secret, b => Assert.Equal(0xAB, b));
        Assert.Equal(1, random.Calls);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(65)]
    public void GenerateSecret_LengthOutOfRange_Throws(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TotpEnrollment.GenerateSecret(new FixedRandomSource(1), length));

    [Fact]
    public void CreateUri_Defaults_KeyUriFormat()
    {
        var uri = TotpEnrollment.CreateUri("Example", "alice@example.com", SecretBytes);

        Assert.Equal($"otpauth://totp/Example:alice%40example.com?secret={SecretBase32}&issuer=Example&algorithm=SHA1&digits=6&period=30", uri);
    }

    [Fact]
    public void CreateUri_LabelWithSpacesAndNonAscii_PercentEncoded()
    {
        var uri = TotpEnrollment.CreateUri("ACME Co & Sons", "jürgen", SecretBytes, new TotpParameters { Algorithm = TotpAlgorithm.Sha256, Digits = 8, PeriodSeconds = 60 });

        Assert.StartsWith("otpauth://totp/ACME%20Co%20%26%20Sons:j%C3%BCrgen?secret=", uri, StringComparison.Ordinal);
        Assert.EndsWith("&issuer=ACME%20Co%20%26%20Sons&algorithm=SHA256&digits=8&period=60", uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ex:ample", "alice")]
    [InlineData("Example", "al:ice")]
    public void CreateUri_ColonInLabel_Throws(string issuer, string account) =>
        Assert.Throws<ArgumentException>(() => TotpEnrollment.CreateUri(issuer, account, SecretBytes));

    [Fact]
    public async Task CreateUri_AsStoredCredential_VerifierAcceptsCodeFromSameSecret()
    {
        var time = NewClock();
        var secret = TotpEnrollment.GenerateSecret(new FixedRandomSource(0x5A));
        var uri = TotpEnrollment.CreateUri("Example", "alice", secret);
        var code = System.Text.Encoding.ASCII.GetBytes(Totp.ComputeCode(secret, time, TotpParameters.Default));

        var step = await PresentAsync(Verifier(), VerifierContext(time, stored: uri), code);

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }
}
