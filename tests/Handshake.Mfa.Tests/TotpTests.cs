using System.Text;

namespace Handshake.Mfa.Tests;

public sealed class TotpTests
{
    private static readonly byte[] Sha1Key = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Key = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Key = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    // RFC 6238 Appendix B, as recomputed in shared/vectors/totp.md: every row, every hash, 8 digits.
    public static TheoryData<long, TotpAlgorithm, string> Rfc6238Vectors => new()
    {
        { 59, TotpAlgorithm.Sha1, "94287082" },
        { 59, TotpAlgorithm.Sha256, "46119246" },
        { 59, TotpAlgorithm.Sha512, "90693936" },
        { 1111111109, TotpAlgorithm.Sha1, "07081804" },
        { 1111111109, TotpAlgorithm.Sha256, "68084774" },
        { 1111111109, TotpAlgorithm.Sha512, "25091201" },
        { 1111111111, TotpAlgorithm.Sha1, "14050471" },
        { 1111111111, TotpAlgorithm.Sha256, "67062674" },
        { 1111111111, TotpAlgorithm.Sha512, "99943326" },
        { 1234567890, TotpAlgorithm.Sha1, "89005924" },
        { 1234567890, TotpAlgorithm.Sha256, "91819424" },
        { 1234567890, TotpAlgorithm.Sha512, "93441116" },
        { 2000000000, TotpAlgorithm.Sha1, "69279037" },
        { 2000000000, TotpAlgorithm.Sha256, "90698825" },
        { 2000000000, TotpAlgorithm.Sha512, "38618901" },
        { 20000000000, TotpAlgorithm.Sha1, "65353130" },
        { 20000000000, TotpAlgorithm.Sha256, "77737706" },
        { 20000000000, TotpAlgorithm.Sha512, "47863826" },
    };

    // RFC 4226 Appendix D: HOTP values for counters 0..9 with the ASCII secret "12345678901234567890".
    public static TheoryData<long, int> Rfc4226Vectors => new()
    {
        { 0, 755224 }, { 1, 287082 }, { 2, 359152 }, { 3, 969429 }, { 4, 338314 },
        { 5, 254676 }, { 6, 287922 }, { 7, 162583 }, { 8, 399871 }, { 9, 520489 },
    };

    [Theory]
    [MemberData(nameof(Rfc6238Vectors))]
    public void ComputeCode_Rfc6238Vector_MatchesPublishedCode(long unixTime, TotpAlgorithm algorithm, string expected)
    {
        var key = algorithm switch { TotpAlgorithm.Sha1 => Sha1Key, TotpAlgorithm.Sha256 => Sha256Key, _ => Sha512Key };
        var parameters = new TotpParameters { Algorithm = algorithm, Digits = 8 };

        Assert.Equal(expected, Totp.ComputeCode(key, DateTimeOffset.FromUnixTimeSeconds(unixTime), parameters));
    }

    [Theory]
    [MemberData(nameof(Rfc6238Vectors))]
    public void ComputeCode_Rfc6238VectorFromTimeProvider_MatchesPublishedCode(long unixTime, TotpAlgorithm algorithm, string expected)
    {
        var key = algorithm switch { TotpAlgorithm.Sha1 => Sha1Key, TotpAlgorithm.Sha256 => Sha256Key, _ => Sha512Key };
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixTime));

        Assert.Equal(expected, Totp.ComputeCode(key, time, new TotpParameters { Algorithm = algorithm, Digits = 8 }));
    }

    [Theory]
    [MemberData(nameof(Rfc4226Vectors))]
    public void ComputeHotp_Rfc4226Vector_MatchesPublishedValue(long counter, int expected) =>
        Assert.Equal(expected, Totp.ComputeHotp(Sha1Key, counter, TotpAlgorithm.Sha1, 6));

    [Fact]
    public void ComputeCode_SixDigits_IsLastSixDigitsOfEight()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1111111109);

        Assert.Equal("081804", Totp.ComputeCode(Sha1Key, time, TotpParameters.Default));
        Assert.Equal("7081804", Totp.ComputeCode(Sha1Key, time, new TotpParameters { Digits = 7 }));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public void ComputeHotp_DigitsOutsideSixToEight_Throws(int digits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Totp.ComputeHotp(Sha1Key, 0, TotpAlgorithm.Sha1, digits));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(29, 0)]
    [InlineData(30, 1)]
    [InlineData(59, 1)]
    [InlineData(-1, -1)]
    [InlineData(-30, -1)]
    [InlineData(-31, -2)]
    public void GetTimeStep_UnixTime_IsFloorOfTimeOverPeriod(long unixTime, long expected) =>
        Assert.Equal(expected, Totp.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(unixTime), 30));

    [Theory]
    [InlineData("123456", "123456", true)]
    [InlineData("123456", "123457", false)]
    [InlineData("123456", "12345", false)]
    public void CodesEqual_Codes_ComparesExactly(string a, string b, bool expected) =>
        Assert.Equal(expected, Totp.CodesEqual(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b)));
}
