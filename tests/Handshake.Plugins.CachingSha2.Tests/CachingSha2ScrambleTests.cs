using System.Text;

namespace Handshake.Plugins.CachingSha2.Tests;

public sealed class CachingSha2ScrambleTests
{
    [Theory]
    [MemberData(nameof(MySqlVectors.FastResponses), MemberType = typeof(MySqlVectors))]
    public void ComputeFastResponse_PublishedVector_MatchesExpected(string password, string scrambleHex, string expectedHex)
    {
        var destination = new byte[CachingSha2Scramble.ResponseLength];
        var written = CachingSha2Scramble.ComputeFastResponse(Encoding.UTF8.GetBytes(password), Convert.FromHexString(scrambleHex), destination);
        Assert.Equal(CachingSha2Scramble.ResponseLength, written);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.FastResponses), MemberType = typeof(MySqlVectors))]
    public void ComputeFastResponse_ScrambleWithTrailingNul_TrimsIt(string password, string scrambleHex, string expectedHex)
    {
        var destination = new byte[CachingSha2Scramble.ResponseLength];
        _ = CachingSha2Scramble.ComputeFastResponse(Encoding.UTF8.GetBytes(password), [.. Convert.FromHexString(scrambleHex), 0], destination);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Fact]
    public void ComputeFastResponse_EmptyPassword_WritesNothing()
    {
        Assert.Equal(0, CachingSha2Scramble.ComputeFastResponse([], new byte[20], new byte[32]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(22)]
    public void ComputeFastResponse_WrongScrambleLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => CachingSha2Scramble.ComputeFastResponse("pw"u8, new byte[length], new byte[32]));
    }

    [Fact]
    public void GenerateScramble_EveryByteValue_MasksTo7BitsAndAvoidsNulAndDollar()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var scramble = new byte[256];
        CachingSha2Scramble.GenerateScramble(new FixedRandomSource(all), scramble);
        Assert.DoesNotContain((byte)0, scramble);
        Assert.DoesNotContain((byte)'$', scramble);
        Assert.All(scramble, b => Assert.True(b < 0x80));
        Assert.Equal(0x25, scramble[0xA4]);
        Assert.Equal(0x01, scramble[0x80]);
    }
}
