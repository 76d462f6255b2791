namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// Passwords given to a real PostgreSQL as oracle. <c>ExpectRaw</c> says whether pg_saslprep refuses the password so
/// that the server hashes its raw UTF-8 bytes; where it is true the prepared form would differ from the raw bytes,
/// so the server's verifier tells the two behaviours apart.
/// </summary>
internal static class SaslPrepOracleCases
{
    public static IReadOnlyList<SaslPrepOracleCase> All { get; } =
    [
        new("saslprep_ascii", "pure ASCII", "correct horse battery staple", ExpectRaw: true),
        new("saslprep_ascii_bel", "pure ASCII with U+0007 (fast path, no check)", "pass\u0007word", ExpectRaw: true),
        new("saslprep_soft_hyphen", "soft hyphen U+00AD (B.1)", "pass\u00ADword", ExpectRaw: false),
        new("saslprep_nbsp", "no-break space U+00A0 (C.1.2)", "pass\u00A0word", ExpectRaw: false),
        new("saslprep_zwsp", "zero width space U+200B (C.1.2 and B.1: space wins)", "pass\u200Bword", ExpectRaw: false),
        new("saslprep_ideographic_space", "ideographic space U+3000 (C.1.2)", "pass\u3000word\u00E9", ExpectRaw: false),
        new("saslprep_fullwidth", "fullwidth letters (NFKC)", "\uFF50\uFF41\uFF53\uFF53", ExpectRaw: false),
        new("saslprep_ligature", "ligature U+FB01 (NFKC)", "\uFB01sh", ExpectRaw: false),
        new("saslprep_roman_nine", "U+2168 ROMAN NUMERAL NINE (NFKC)", "\u2168pw", ExpectRaw: false),
        new("saslprep_combining", "e + U+0301 (NFKC composes)", "caf\u0065\u0301", ExpectRaw: false),
        new("saslprep_rtl_hebrew", "Hebrew with a soft hyphen (RandALCat first and last)", "\u05E9\u05DC\u00AD\u05D5\u05DD", ExpectRaw: false),
        new("saslprep_rtl_arabic_form", "Arabic presentation forms (RTL, NFKC)", "\uFE8D\uFE91\uFE8E", ExpectRaw: false),
        new("saslprep_arabic_ligature", "U+FDFA (18-fold NFKC expansion)", "\uFDFA", ExpectRaw: false),
        new("saslprep_control_bel", "U+0007 in non-ASCII text (C.2.1)", "\uFB01\u0007", ExpectRaw: true),
        new("saslprep_control_c1", "U+0085 (C.2.2)", "\uFB01\u0085", ExpectRaw: true),
        new("saslprep_private_use", "U+E000 (C.3)", "\uFB01\uE000", ExpectRaw: true),
        new("saslprep_noncharacter", "U+FDD0 (C.4)", "\uFB01\uFDD0", ExpectRaw: true),
        new("saslprep_replacement", "U+FFFD (C.6)", "\uFB01\uFFFD", ExpectRaw: true),
        new("saslprep_ideographic_description", "U+2FF0 (C.7)", "\uFB01\u2FF0", ExpectRaw: true),
        new("saslprep_lrm", "U+200E (C.8)", "\uFB01\u200E", ExpectRaw: true),
        new("saslprep_tag", "U+E0001 (C.9)", "\uFB01\U000E0001", ExpectRaw: true),
        new("saslprep_emoji", "emoji U+1F600 (A.1 unassigned in Unicode 3.2)", "\uFB01\U0001F600", ExpectRaw: true),
        new("saslprep_unassigned_bmp", "U+0221 (A.1)", "\uFB01\u0221", ExpectRaw: true),
        new("saslprep_bidi_mixed", "RandALCat with LCat (D.1 + D.2)", "\uFB01\u05D0", ExpectRaw: true),
        new("saslprep_bidi_not_last", "RandALCat not last (RFC 4013 example, presentation form)", "\uFE8D\u0031", ExpectRaw: true),
        new("saslprep_only_mapped", "only B.1 characters (empty after mapping)", "\u00AD\u00AD", ExpectRaw: true),
        new("saslprep_tone_mark", "U+0340 (C.8 before NFKC: PostgreSQL checks before normalizing)", "\u0061\u0340", ExpectRaw: true),
        new("saslprep_bidi_before_nfkc", "U+FB2A last (bidi checked before NFKC)", "\u05D0\uFB2A", ExpectRaw: false),
    ];

    /// <summary>
    /// Seeded random short passwords over an alphabet of characters each rule cares about, so that combinations
    /// nobody picked by hand (mapping next to bidi, NFKC next to prohibited) meet the oracle too.
    /// </summary>
    public static IReadOnlyList<SaslPrepOracleCase> Random { get; } = CreateRandom(count: 400, seed: 3454);

    public static IEnumerable<SaslPrepOracleCase> Everything => All.Concat(Random);

    private static SaslPrepOracleCase[] CreateRandom(int count, int seed)
    {
        string[] alphabet =
        [
            "a", "Z", "1", " ", "\u0007", "\u00E9", "e\u0301", "\u00AD", "\u00A0", "\u200B", "\u3000", "\uFEFF", "\uFB01", "\uFF21", "\u00AA",
            "\u2168", "\u0340", "\u05D0", "\u05E9", "\u05C1", "\uFB2A", "\u0627", "\uFE8D", "\u0661", "\uFDFA", "\U0001F600", "\u0221",
            "\uE000", "\u0085", "\u200E", "\U0001D173", "\U000E0041", "\u2FF0", "\uFFFD", "\u3042", "\u1100\u1161",
        ];
        var random = new System.Random(seed);
        var cases = new SaslPrepOracleCase[count];
        for (int i = 0; i < count; i++)
        {
            var password = new System.Text.StringBuilder();
            int length = random.Next(1, 6);
            for (int j = 0; j < length; j++)
            {
                password.Append(alphabet[random.Next(alphabet.Length)]);
            }

            cases[i] = new($"saslprep_random_{i:D3}", $"random #{i}", password.ToString(), ExpectRaw: null);
        }

        return cases;
    }
}

/// <summary>One oracle password.</summary>
/// <param name="Role">The role name (ASCII).</param>
/// <param name="Label">What the password exercises (printed instead of the password).</param>
/// <param name="Password">The password.</param>
/// <param name="ExpectRaw">Whether PostgreSQL hashes the raw UTF-8 bytes (SASLprep refused or did nothing); null: not asserted.</param>
internal sealed record SaslPrepOracleCase(string Role, string Label, string Password, bool? ExpectRaw);
