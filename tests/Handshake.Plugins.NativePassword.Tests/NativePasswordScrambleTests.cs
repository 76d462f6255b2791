using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.NativePassword.Tests;

public sealed class NativePasswordScrambleTests
{
    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public void ComputeResponse_PublishedVector_MatchesExpected(string password, string scrambleHex, string expectedHex)
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
        var written = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), Convert.FromHexString(scrambleHex), destination);
        Assert.Equal(NativePasswordScramble.ResponseLength, written);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public void ComputeResponse_ScrambleWithTrailingNul_TrimsIt(string password, string scrambleHex, string expectedHex)
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
        _ = NativePasswordScramble.ComputeResponse(Encoding.UTF8.GetBytes(password), [.. Convert.FromHexString(scrambleHex), 0], destination);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public void ComputeResponseFromPasswordHash_Sha1OfPassword_MatchesVector(string password, string scrambleHex, string expectedHex)
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
#pragma warning disable CA5350 // the test states what a caller's pre-hashed secret is: SHA1(pw), by MySQL's definition
        var passwordSha1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
#pragma warning restore CA5350
        _ = NativePasswordScramble.ComputeResponseFromPasswordHash(passwordSha1, Convert.FromHexString(scrambleHex), destination);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Fact]
    public void ComputeResponse_EmptyPassword_WritesNothing()
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
        var written = NativePasswordScramble.ComputeResponse([], new byte[20], destination);
        Assert.Equal(0, written);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(19)]
    [InlineData(22)]
    public void ComputeResponse_WrongScrambleLength_Throws(int length)
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
        Assert.Throws<ArgumentException>(() => NativePasswordScramble.ComputeResponse("pw"u8, new byte[length], destination));
    }

    [Fact]
    public void TryTrimScramble_21BytesNotEndingInNul_IsRejected()
    {
        var scramble = Enumerable.Repeat((byte)'a', 21).ToArray();
        Assert.False(NativePasswordScramble.TryTrimScramble(scramble, out _));
    }

    [Fact]
    public void ComputeResponse_DestinationTooSmall_Throws()
    {
        var destination = new byte[NativePasswordScramble.ResponseLength - 1];
        Assert.Throws<ArgumentException>(() => NativePasswordScramble.ComputeResponse("pw"u8, new byte[20], destination));
    }

    [Fact]
    public void ComputeResponseFromPasswordHash_WrongHashLength_Throws()
    {
        var destination = new byte[NativePasswordScramble.ResponseLength];
        Assert.Throws<ArgumentException>(() => NativePasswordScramble.ComputeResponseFromPasswordHash(new byte[19], new byte[20], destination));
    }

    [Fact]
    public void GenerateScramble_EveryByteValue_MasksTo7BitsAndAvoidsNulAndDollar()
    {
        // Feed every byte value: MySQL's generate_user_salt masks with 0x7F and moves NUL and '$' up by one.
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var scramble = new byte[256];
        NativePasswordScramble.GenerateScramble(new FixedRandomSource(all), scramble);
        for (var i = 0; i < 256; i++)
        {
            var masked = (byte)(i & 0x7F);
            var expected = masked is 0 or (byte)'$' ? (byte)(masked + 1) : masked;
            Assert.Equal(expected, scramble[i]);
        }

        Assert.DoesNotContain((byte)0, scramble);
        Assert.DoesNotContain((byte)'$', scramble);
        Assert.All(scramble, b => Assert.True(b < 0x80));
    }
}
