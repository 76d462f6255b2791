using System.Text;
using Handshake.Plugins.Scram.Internal;

namespace Handshake.Plugins.Scram.Tests;

public sealed class SaslPrepTests
{
    // RFC 4013 §3, the profile's own examples.
    [Theory]
    [InlineData("I\u00ADX", "IX")] // soft hyphen mapped to nothing
    [InlineData("user", "user")] // no transformation
    [InlineData("USER", "USER")] // case preserved, no case folding
    [InlineData("\u00AA", "a")] // NFKC
    [InlineData("\u2168", "IX")] // NFKC
    public void TryPrepare_Rfc4013Example_ReturnsExpected(string input, string expected)
    {
        Assert.True(SaslPrep.TryPrepare(input, out var prepared));
        Assert.Equal(expected, prepared);
    }

    [Theory]
    [InlineData("\u0007")] // prohibited character (C.2.1)
    [InlineData("\u0627\u0031")] // bidi check: RandALCat not last
    public void TryPrepare_Rfc4013ErrorExample_ReturnsFalse(string input)
    {
        Assert.False(SaslPrep.TryPrepare(input, out var prepared));
        Assert.Null(prepared);
    }

    // §2.1 mapping: B.1 to nothing, C.1.2 to U+0020 (U+200B is in both: the space wins, as in PostgreSQL).
    [Theory]
    [InlineData("a\u00ADb", "ab")] // B.1 SOFT HYPHEN
    [InlineData("a\u034Fb", "ab")] // B.1 COMBINING GRAPHEME JOINER
    [InlineData("a\u180Bb", "ab")] // B.1 MONGOLIAN FVS1
    [InlineData("a\u200Cb", "ab")] // B.1 ZERO WIDTH NON-JOINER (also C.2.2: mapped before the check)
    [InlineData("a\u2060b", "ab")] // B.1 WORD JOINER
    [InlineData("a\uFE0Fb", "ab")] // B.1 VARIATION SELECTOR-16
    [InlineData("a\uFEFFb", "ab")] // B.1 ZERO WIDTH NO-BREAK SPACE
    [InlineData("a\u00A0b", "a b")] // C.1.2 NO-BREAK SPACE
    [InlineData("a\u1680b", "a b")] // C.1.2 OGHAM SPACE MARK
    [InlineData("a\u2003b", "a b")] // C.1.2 EM SPACE
    [InlineData("a\u200Bb", "a b")] // C.1.2 and B.1 ZERO WIDTH SPACE
    [InlineData("a\u202Fb", "a b")] // C.1.2 NARROW NO-BREAK SPACE
    [InlineData("a\u205Fb", "a b")] // C.1.2 MEDIUM MATHEMATICAL SPACE
    [InlineData("a\u3000b", "a b")] // C.1.2 IDEOGRAPHIC SPACE
    [InlineData("\uFB01sh", "fish")] // NFKC of a ligature
    [InlineData("\uFF50\uFF41\uFF53\uFF53", "pass")] // NFKC of fullwidth letters
    [InlineData("e\u0301", "\u00E9")] // NFKC composes
    [InlineData("", "")]
    public void TryPrepare_MappedOrNormalized_ReturnsExpected(string input, string expected)
    {
        Assert.True(SaslPrep.TryPrepare(input, out var prepared));
        Assert.Equal(expected, prepared);
    }

    // §2.3 prohibited output, one or more samples per table, alone and inside allowed text.
    [Theory]
    [InlineData("\u0000")] // C.2.1
    [InlineData("\u001F")] // C.2.1
    [InlineData("\u007F")] // C.2.1 DELETE
    [InlineData("\u0085")] // C.2.2
    [InlineData("\u06DD")] // C.2.2 ARABIC END OF AYAH
    [InlineData("\u180E")] // C.2.2 MONGOLIAN VOWEL SEPARATOR
    [InlineData("\u2028")] // C.2.2 LINE SEPARATOR
    [InlineData("\u2063")] // C.2.2 INVISIBLE SEPARATOR
    [InlineData("\uFFF9")] // C.2.2 and C.6
    [InlineData("\U0001D173")] // C.2.2 MUSICAL SYMBOL BEGIN BEAM
    [InlineData("\uE000")] // C.3 private use, plane 0
    [InlineData("\U000F0000")] // C.3 private use, plane 15
    [InlineData("\U00100000")] // C.3 private use, plane 16
    [InlineData("\uFDD0")] // C.4 noncharacter
    [InlineData("\uFFFE")] // C.4 noncharacter
    [InlineData("\U0001FFFF")] // C.4 noncharacter
    [InlineData("\uFFFF")] // C.4 noncharacter
    [InlineData("\U0010FFFE")] // C.4 noncharacter
    [InlineData("\uD800")] // C.5 lone high surrogate
    [InlineData("\uDFFFz")] // C.5 lone low surrogate
    [InlineData("\uFFFD")] // C.6 REPLACEMENT CHARACTER
    [InlineData("\uFFFC")] // C.6 OBJECT REPLACEMENT CHARACTER
    [InlineData("\u2FF0")] // C.7 IDEOGRAPHIC DESCRIPTION CHARACTER
    [InlineData("\u200E")] // C.8 LEFT-TO-RIGHT MARK
    [InlineData("\u202E")] // C.8 RIGHT-TO-LEFT OVERRIDE
    [InlineData("\u206A")] // C.8 INHIBIT SYMMETRIC SWAPPING
    [InlineData("\U000E0001")] // C.9 LANGUAGE TAG
    [InlineData("\U000E0041")] // C.9 TAG LATIN CAPITAL LETTER A
    public void TryPrepare_ProhibitedCodePoint_ReturnsFalse(string codePoint)
    {
        Assert.False(SaslPrep.TryPrepare(codePoint, out _));
        Assert.False(SaslPrep.TryPrepare("a" + codePoint + "b", out var prepared));
        Assert.Null(prepared);
    }

    // §2.5 / RFC 3454 §7: unassigned in Unicode 3.2 (table A.1), even where today's Unicode assigns them.
    [Theory]
    [InlineData("\u0221")] // A.1, assigned since Unicode 4.0
    [InlineData("\u0560")] // A.1, assigned since Unicode 11
    [InlineData("\u20AC\u20B9")] // U+20B9 INDIAN RUPEE SIGN (A.1 20B2-20CF) after an assigned U+20AC
    [InlineData("\U0001F600")] // emoji, A.1 1D800-1FFFD
    [InlineData("\U000E0000")] // A.1 E0000
    [InlineData("\U0002F800\U0002FA1E")] // CJK compatibility: the first assigned, the second not
    public void TryPrepare_UnassignedInUnicode32_ReturnsFalse(string input)
    {
        Assert.False(SaslPrep.TryPrepare(input, out _));
        Assert.False(SaslPrep.TryPrepare("x" + input, out _));
    }

    // §2.4 / RFC 3454 §6: with any RandALCat (D.1), no LCat (D.2), and RandALCat first and last.
    [Theory]
    [InlineData("\u05D0", true)] // one RandALCat
    [InlineData("\u0627\u0031\u0628", true)] // digits are neither L nor RandAL
    [InlineData("\u05E9\u05DC\u05D5\u05DD", true)] // Hebrew word
    [InlineData("\u0627 \u0628", true)] // space is neither
    [InlineData("123", true)] // no RandALCat: no bidi constraint
    [InlineData("\u0627a\u0628", false)] // LCat inside
    [InlineData("\u0627\u0628a", false)] // LCat last
    [InlineData("a\u05D0", false)] // LCat first
    [InlineData("1\u0627", false)] // RandALCat not first
    [InlineData("\u0627\u0031", false)] // RandALCat not last (RFC 4013 §3)
    [InlineData("\u05D0\uFB2A", false)] // NFKC ends it with U+05C1, a point (not RandALCat): RFC checks the output
    [InlineData("\u05D0\u2160\u05D0", false)] // U+2160 ROMAN NUMERAL ONE is LCat (and NFKC gives I, LCat too)
    public void TryPrepare_BidiRule_Enforced(string input, bool valid)
    {
        Assert.Equal(valid, SaslPrep.TryPrepare(input, out _));
    }

    [Fact]
    public void TryPrepare_CombiningToneMark_IsNormalizedBeforeTheProhibitCheck()
    {
        // RFC 3454 §3 orders normalize before prohibit: U+0340 (C.8) becomes U+0300, which is allowed.
        // PostgreSQL checks before normalizing and refuses it (see PreparePassword_PostgresQuirk...).
        Assert.True(SaslPrep.TryPrepare("a\u0340", out var prepared));
        Assert.Equal("\u00E0", prepared);
    }

    [Fact]
    public void TryPrepare_LongInput_UsesHeapBufferAndReturnsExpected()
    {
        var input = string.Concat(Enumerable.Repeat("\uFB01\u00AD", 300));
        Assert.True(SaslPrep.TryPrepare(input, out var prepared));
        Assert.Equal(string.Concat(Enumerable.Repeat("fi", 300)), prepared);
    }

    [Fact]
    public void TryPrepare_LongInputWithLoneSurrogateAtEnd_ReturnsFalse()
    {
        Assert.False(SaslPrep.TryPrepare(new string('a', 400) + "\uD83D", out _));
    }

    // pg_saslprep: pure ASCII is returned as is, without the prohibit check (control characters stay).
    [Theory]
    [InlineData("pencil")]
    [InlineData("correct horse battery staple")]
    [InlineData("pass\u0007word")]
    [InlineData("\u007F\u0001")]
    [InlineData("")]
    public void PreparePassword_PureAscii_ReturnsInputUnchanged(string password)
    {
        var utf8 = Encoding.UTF8.GetBytes(password);
        Assert.Equal(utf8, SaslPrep.PreparePassword(utf8));
    }

    [Theory]
    [InlineData("pass\u00ADword", "password")] // B.1
    [InlineData("pass\u00A0word", "pass word")] // C.1.2
    [InlineData("a\u200Bb", "a b")] // U+200B: C.1.2 wins over B.1
    [InlineData("\uFF50\uFF41\uFF53\uFF53", "pass")] // fullwidth, NFKC
    [InlineData("\uFB01sh", "fish")] // ligature, NFKC
    [InlineData("\u2168", "IX")] // NFKC
    [InlineData("I\u00ADX", "IX")]
    [InlineData("\u00AA", "a")]
    [InlineData("e\u0301t\u00E9", "\u00E9t\u00E9")] // NFKC composes
    [InlineData("\u05E9\u05DC\u05D5\u05DD", "\u05E9\u05DC\u05D5\u05DD")] // RTL only
    [InlineData("\u0627\u0031\u0628", "\u0627\u0031\u0628")]
    [InlineData("\uFDFA", "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064A\u0647 \u0648\u0633\u0644\u0645")] // 18-fold NFKC expansion
    public void PreparePassword_ValidSaslPrep_ReturnsUtf8OfPreparedString(string password, string expected)
    {
        Assert.Equal(Encoding.UTF8.GetBytes(expected), SaslPrep.PreparePassword(Encoding.UTF8.GetBytes(password)));
    }

    // Each input below would change under SASLprep if it were accepted, so a raw result proves the fallback.
    [Theory]
    [InlineData("\uFB01\u0007")] // C.2.1 in non-ASCII text
    [InlineData("\uFB01\u0085")] // C.2.2
    [InlineData("\uFB01\uE000")] // C.3
    [InlineData("\uFB01\uFDD0")] // C.4
    [InlineData("\uFB01\uFFFE")] // C.4 (which .NET's normalizer would reject)
    [InlineData("\uFB01\uFFFD")] // C.6
    [InlineData("\uFB01\u2FF0")] // C.7
    [InlineData("\uFB01\u200E")] // C.8
    [InlineData("\uFB01\U000E0001")] // C.9
    [InlineData("\uFB01\U0001F600")] // A.1 (emoji)
    [InlineData("\uFB01\u0221")] // A.1
    [InlineData("\uFB01\u05D0")] // bidi: LCat (U+FB01 is in D.2) with RandALCat
    [InlineData("\uFE8D\u0031")] // bidi: RandALCat not last (would normalize to U+0627)
    [InlineData("\u00AD")] // maps to nothing: PostgreSQL refuses an empty password
    [InlineData("\u00AD\uFEFF\u200D")]
    public void PreparePassword_NotValidForSaslPrep_ReturnsRawBytes(string password)
    {
        var utf8 = Encoding.UTF8.GetBytes(password);
        Assert.Equal(utf8, SaslPrep.PreparePassword(utf8));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x61, 0xC3 })] // truncated sequence
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // C.5: a UTF-8-encoded lone surrogate U+D800
    [InlineData(new byte[] { 0xEF, 0xAC, 0x81, 0xED, 0xB0, 0x80 })] // U+FB01 then an encoded lone U+DC00
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xEF, 0xAC, 0x81, 0x80 })] // U+FB01 then a stray continuation byte
    public void PreparePassword_InvalidUtf8_ReturnsRawBytes(byte[] bytes)
    {
        Assert.Equal(bytes, SaslPrep.PreparePassword(bytes));
    }

    [Fact]
    public void PreparePassword_PostgresQuirkProhibitCheckBeforeNormalization_ReturnsRawBytes()
    {
        // pg_saslprep checks the mapped string, not the NFKC output: U+0340 (C.8) refuses the password
        // although NFKC would turn it into the allowed U+0300 (TryPrepare gives "\u00E0").
        var utf8 = Encoding.UTF8.GetBytes("a\u0340");
        Assert.Equal(utf8, SaslPrep.PreparePassword(utf8));
    }

    [Fact]
    public void PreparePassword_PostgresQuirkBidiCheckBeforeNormalization_ReturnsNormalized()
    {
        // U+FB2A is RandALCat, so pg_saslprep's bidi check (on the mapped string) passes; NFKC then ends the
        // password with U+05C1, which RFC 3454 §6 on the output would refuse (TryPrepare returns false).
        var expected = Encoding.UTF8.GetBytes("\u05D0\u05E9\u05C1");
        Assert.Equal(expected, SaslPrep.PreparePassword(Encoding.UTF8.GetBytes("\u05D0\uFB2A")));
    }

    [Fact]
    public void PreparePassword_LongInput_UsesHeapBufferAndReturnsExpected()
    {
        var password = string.Concat(Enumerable.Repeat("\uFB01\u00AD\u00A0", 200));
        var expected = string.Concat(Enumerable.Repeat("fi ", 200));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), SaslPrep.PreparePassword(Encoding.UTF8.GetBytes(password)));
    }

    [Fact]
    public void PreparePassword_ShortInputExpandingPastStackBuffer_ReturnsExpected()
    {
        // 20 x U+FDFA is 60 UTF-8 bytes but 360 chars after NFKC: the normalized buffer moves to the heap.
        var password = string.Concat(Enumerable.Repeat("\uFDFA", 20));
        Assert.Equal(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), SaslPrep.PreparePassword(Encoding.UTF8.GetBytes(password)));
    }

    [Fact]
    public void PreparePassword_ReturnsACopy()
    {
        var utf8 = Encoding.UTF8.GetBytes("pencil");
        var prepared = SaslPrep.PreparePassword(utf8);
        Array.Clear(prepared);
        Assert.Equal("pencil"u8.ToArray(), utf8);
    }

    public static TheoryData<string> Tables => new(SaslPrepTableCases.Names);

    [Theory]
    [MemberData(nameof(Tables))]
    public void Table_Ranges_AreSortedDisjointAndWellFormed(string table)
    {
        var ranges = SaslPrepTableCases.Get(table);
        Assert.True(ranges.Length > 0 && ranges.Length % 2 == 0);
        for (int i = 0; i < ranges.Length; i += 2)
        {
            Assert.True(ranges[i] <= ranges[i + 1], $"{table}: range {i / 2} is reversed");
            Assert.True(ranges[i + 1] <= 0x10FFFF, $"{table}: range {i / 2} is beyond Unicode");
            Assert.True(i == 0 || ranges[i] > ranges[i - 1] + 1, $"{table}: range {i / 2} overlaps or touches the previous one");
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void InTable_RangeBoundaries_MatchLinearScan(string table)
    {
        var ranges = SaslPrepTableCases.Get(table);
        for (int i = 0; i < ranges.Length; i += 2)
        {
            foreach (var probe in new[] { ranges[i] - 1, ranges[i], ranges[i + 1], ranges[i + 1] + 1 })
            {
                Assert.Equal(LinearContains(ranges, probe), SaslPrep.InTable(ranges, probe));
            }
        }
    }

    [Theory]
    [InlineData("B.1", 0x00AD, true)]
    [InlineData("B.1", 0xFE0F, true)]
    [InlineData("B.1", 0xFE10, false)]
    [InlineData("C.1.2", 0x3000, true)]
    [InlineData("C.1.2", 0x0020, false)]
    [InlineData("Prohibited", 0x0340, true)]
    [InlineData("Prohibited", 0xFFFD, true)]
    [InlineData("Prohibited", 0x10FFFF, true)]
    [InlineData("Prohibited", 0x0041, false)]
    [InlineData("A.1", 0x0221, true)]
    [InlineData("A.1", 0x0220, false)]
    [InlineData("A.1", 0xEFFFD, true)]
    [InlineData("D.1", 0x05BE, true)]
    [InlineData("D.1", 0xFEFC, true)]
    [InlineData("D.1", 0x0041, false)]
    [InlineData("D.2", 0x0041, true)]
    [InlineData("D.2", 0x10FFFD, true)]
    [InlineData("D.2", 0x05D0, false)]
    public void InTable_SampleCodePoint_ReturnsExpected(string table, int codePoint, bool expected)
    {
        Assert.Equal(expected, SaslPrep.InTable(SaslPrepTableCases.Get(table), codePoint));
    }

    private static bool LinearContains(ReadOnlySpan<int> ranges, int codePoint)
    {
        for (int i = 0; i < ranges.Length; i += 2)
        {
            if (codePoint >= ranges[i] && codePoint <= ranges[i + 1])
            {
                return true;
            }
        }

        return false;
    }
}
