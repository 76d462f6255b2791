namespace Handshake.Plugins.NativePassword.Tests;

public sealed class NativePasswordCredentialTests
{
    [Theory]
    [MemberData(nameof(MySqlVectors.StoredHashes), MemberType = typeof(MySqlVectors))]
    public void FromPassword_PublishedVector_FormatsMySqlStoredHash(string password, string expected)
    {
        Assert.Equal(expected, NativePasswordCredential.FromPassword(password).Format());
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.StoredHashes), MemberType = typeof(MySqlVectors))]
    public void Parse_PublishedVector_RoundTrips(string password, string stored)
    {
        _ = password;
        Assert.Equal(stored, NativePasswordCredential.Parse(stored).Format());
    }

    [Fact]
    public void Parse_LowercaseHex_IsAcceptedAndFormattedUppercase()
    {
        var credential = NativePasswordCredential.Parse("*14e65567abdb5135d0cfd9a70b3032c179a49ee7");
        Assert.Equal("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", credential.Format());
    }

    [Fact]
    public void FromPassword_Empty_FormatsEmptyString()
    {
        var credential = NativePasswordCredential.FromPassword(string.Empty);
        Assert.True(credential.IsEmpty);
        Assert.Equal(string.Empty, credential.Format());
        Assert.True(NativePasswordCredential.Parse(string.Empty).IsEmpty);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("14E65567ABDB5135D0CFD9A70B3032C179A49EE7")]
    [InlineData("#14E65567ABDB5135D0CFD9A70B3032C179A49EE7")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE70")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EZZ")]
    [InlineData("SCRAM-SHA-256$4096:salt$a:b")]
    public void Parse_Malformed_ThrowsInvalidStoredCredential(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var ex = Assert.Throws<HandshakeException>(() => NativePasswordCredential.Parse(stored));
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
        if (stored.Length > 8)
        {
            Assert.DoesNotContain(stored, ex.Message, StringComparison.Ordinal);
        }

        Assert.False(NativePasswordCredential.TryParse(stored, out _));
    }

    [Fact]
    public void ToString_PasswordEquivalentHash_IsNotShown()
    {
        var credential = NativePasswordCredential.FromPassword("secret");
        var text = credential.ToString();
        Assert.DoesNotContain("14E65567", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStoredCredential_Value_IsTheStoredForm()
    {
        Assert.Equal("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", NativePasswordCredential.FromPassword("secret").ToStoredCredential().Value);
    }
}
