using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

public sealed class DialogCredentialTests
{
    [Fact]
    public void Format_TwoEntries_IsAJsonObjectInNameOrderThatParsesBack()
    {
        var credential = DialogCredential.Create(("password", StoredCredential.FromString("p\"1")), ("code", StoredCredential.FromString("JBSW")));

        var text = credential.Format();
        var parsed = DialogCredential.Parse(text);

        Assert.Equal("{\"code\":\"JBSW\",\"password\":\"p\\u00221\"}", text);
        Assert.Equal(text, parsed.Format());
        Assert.Equal(["code", "password"], parsed.QuestionNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{\"a\":1}")]
    [InlineData("{\"a\":{\"b\":\"c\"}}")]
    [InlineData("{\"\":\"x\"}")]
    [InlineData("{\"a\":\"x\",\"a\":\"y\"}")]
    [InlineData("{\"a\":\"x\"")]
    public void TryParse_NotAnObjectOfStrings_IsFalse(string text)
    {
        Assert.False(DialogCredential.TryParse(text, out _));
    }

    [Fact]
    public void Parse_Malformed_ThrowsInvalidStoredCredentialWithoutQuotingIt()
    {
        var ex = Assert.Throws<HandshakeException>(() => DialogCredential.Parse("{\"code\":\"SECRETSECRET\""));

        Assert.Equal(AuthErrorCode.InvalidStoredCredential, ex.Code);
        Assert.DoesNotContain("SECRETSECRET", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RepeatedName_Throws()
    {
        Assert.Throws<ArgumentException>(() => DialogCredential.Create(("a", StoredCredential.FromString("1")), ("a", StoredCredential.FromString("2"))));
    }

    [Fact]
    public void ToString_NeverShowsTheEntries()
    {
        var credential = DialogCredential.Parse(PasswordAndCode().Value);

        Assert.DoesNotContain(Rfc6238Secret, credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SCRAM", credential.ToString(), StringComparison.Ordinal);
    }
}
