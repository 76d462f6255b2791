namespace Handshake.Plugins.Ed25519.Tests;

public sealed class Ed25519CredentialTests
{
    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.StoredKeys), MemberType = typeof(MariaDbEd25519Vectors))]
    public void FromPassword_PublishedPassword_FormatsAsMariaDbPrintsIt(string password, string stored)
    {
        var credential = Ed25519Credential.FromPassword(password);
        Assert.Equal(stored, credential.Format());
        Assert.Equal(Ed25519Credential.FormattedLength, credential.Format().Length);
        Assert.Equal(stored, credential.ToStoredCredential().Value);
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.StoredKeys), MemberType = typeof(MariaDbEd25519Vectors))]
    public void Parse_MariaDbStoredForm_RoundTrips(string password, string stored)
    {
        _ = password;
        Assert.Equal(stored, Ed25519Credential.Parse(stored).Format());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY=")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJ")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJ*")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO-eZLS0nC8be6HPjYWR4YJY")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJZ")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE1D")]
    public void TryParse_NotMariaDbsForm_IsFalse(string stored)
    {
        Assert.False(Ed25519Credential.TryParse(stored, out _));
        var ex = Assert.Throws<HandshakeException>(() => Ed25519Credential.Parse(stored));
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
    }

    [Fact]
    public void TryParse_Null_IsFalse()
    {
        Assert.False(Ed25519Credential.TryParse(null, out _));
    }

    [Fact]
    public void ToString_Always_IsRedacted()
    {
        var credential = Ed25519Credential.FromPassword("secret");
        Assert.DoesNotContain(credential.Format(), credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Format(), credential.ToStoredCredential().ToString(), StringComparison.Ordinal);
    }
}
