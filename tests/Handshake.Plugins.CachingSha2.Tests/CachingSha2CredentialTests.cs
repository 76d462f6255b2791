using System.Text;

namespace Handshake.Plugins.CachingSha2.Tests;

public sealed class CachingSha2CredentialTests
{
    [Fact]
    public void FromPassword_PinnedSalt_FormatsDocumentedStoredForm()
    {
        var credential = CachingSha2Credential.FromPassword("secret", new FixedRandomSource([0x01, 0x02]), 1000);
        var parts = credential.Format().Split('$');
        Assert.Equal(["", "SHA2", "1000", Convert.ToBase64String([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]), parts[4]], parts);
        var expectedHash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("secret"), Convert.FromBase64String(parts[3]), 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        Assert.Equal(Convert.ToBase64String(expectedHash), parts[4]);
    }

    [Fact]
    public void Parse_FormattedCredential_RoundTripsAndVerifies()
    {
        var stored = CachingSha2Credential.FromPassword("secret", iterations: 1000).Format();
        var parsed = CachingSha2Credential.Parse(stored);
        Assert.Equal(stored, parsed.Format());
        Assert.True(parsed.Verify("secret"u8));
        Assert.False(parsed.Verify("Secret"u8));
        Assert.False(parsed.Verify([]));
    }

    [Fact]
    public void FromPassword_Empty_FormatsEmptyStringAndVerifiesOnlyEmpty()
    {
        var credential = CachingSha2Credential.FromPassword(string.Empty);
        Assert.Equal(string.Empty, credential.Format());
        Assert.True(CachingSha2Credential.Parse(string.Empty).IsEmpty);
        Assert.True(credential.Verify([]));
        Assert.False(credential.Verify("x"u8));
    }

    [Theory]
    [InlineData("$SHA2$")]
    [InlineData("$SHA2$1000$AAAAAAAAAAA=")]
    [InlineData("$SHA2$999$AQIBAgECAQIBAgECAQIBAg==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$SHA2$99999999$AQIBAgECAQIBAgECAQIBAg==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$SHA2$+1000$AQIBAgECAQIBAgECAQIBAg==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$SHA2$1000$!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$SHA2$1000$AQIBAgECAQIBAgECAQIBAg==$AAAA")]
    [InlineData("$A$005$salt")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7")]
    public void Parse_Malformed_ThrowsInvalidStoredCredential(string stored)
    {
        var ex = Assert.Throws<HandshakeException>(() => CachingSha2Credential.Parse(stored));
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
        Assert.False(CachingSha2Credential.TryParse(stored, out _));
    }

    [Fact]
    public void ToString_Hash_IsNotShown()
    {
        var credential = CachingSha2Credential.FromPassword("secret", iterations: 1000);
        var hash = credential.Format().Split('$')[4];
        Assert.DoesNotContain(hash, credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("redacted", credential.ToString(), StringComparison.Ordinal);
    }
}
