using System.Text;

namespace Handshake.Mfa.Tests;

public sealed class Base32Tests
{
    // RFC 4648 §10 test vectors.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY======")]
    [InlineData("fo", "MZXQ====")]
    [InlineData("foo", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI======")]
    public void EncodeDecode_Rfc4648Vector_RoundTrips(string text, string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var bytes = Encoding.ASCII.GetBytes(text);

        Assert.Equal(encoded, Base32.Encode(bytes, padding: true));
        Assert.Equal(encoded.TrimEnd('='), Base32.Encode(bytes));
        Assert.Equal(bytes, Base32.Decode(encoded));
        Assert.Equal(bytes, Base32.Decode(encoded.TrimEnd('=')));
    }

    [Fact]
    public void EncodeDecode_RandomBytesOfEveryLength_RoundTrip()
    {
        var random = new Random(6238);
        for (var length = 0; length <= 70; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);

            Assert.Equal(bytes, Base32.Decode(Base32.Encode(bytes)));
            Assert.Equal(bytes, Base32.Decode(Base32.Encode(bytes, padding: true)));
        }
    }

    [Fact]
    public void Decode_LowerCaseAndSpaces_AsAuthenticatorAppsShowThem()
    {
        var expected = Encoding.ASCII.GetBytes("12345678901234567890");

        Assert.Equal(expected, Base32.Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Equal(expected, Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    [Theory]
    [InlineData("MZXW6YT1")] // '1' is not in the alphabet
    [InlineData("MZXW6YT0")] // nor '0'
    [InlineData("MZXW6YT8")] // nor '8'
    [InlineData("MZXW-6YTB")] // separators other than spaces
    [InlineData("MZXW6YTé")]
    [InlineData("MZ=XW6===")] // padding in the middle
    [InlineData("MZXQ===")] // padding short of a full group
    [InlineData("MZXQ=====")] // too much padding
    [InlineData("MZXW6YTB========")] // a whole group of padding
    [InlineData("M")] // 1 leftover symbol cannot encode anything
    [InlineData("MZX")] // nor 3
    [InlineData("MZXW6Y")] // nor 6
    [InlineData("MZ")] // "f" is MY: non-zero unused bits (RFC 4648 §3.5)
    public void Decode_InvalidInput_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => Base32.Decode(text));
        Assert.False(Base32.TryDecode(text, out var bytes));
        Assert.Null(bytes);
    }

    [Fact]
    public void Decode_InvalidInput_MessageDoesNotQuoteTheText()
    {
        var ex = Assert.Throws<FormatException>(() => Base32.Decode("SECRETSECRET1"));

        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
    }
}
