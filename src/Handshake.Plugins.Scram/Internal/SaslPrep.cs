using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// SASLprep (RFC 4013), the stringprep profile (RFC 3454) SCRAM applies to passwords (RFC 5802 §2.2).
/// </summary>
/// <remarks>
/// <para>
/// Two entry points, because the password path must hash exactly what PostgreSQL hashes, and PostgreSQL's
/// <c>pg_saslprep</c> departs from the RFC in ways a verifier stored by the server depends on:
/// </para>
/// <list type="bullet">
/// <item><description>pure ASCII input is returned unchanged, control characters included;</description></item>
/// <item><description>a non-ASCII input that maps to nothing (only B.1 characters) is refused;</description></item>
/// <item><description>the prohibited-output, unassigned and bidi checks run on the mapped string <em>before</em>
/// NFKC, not on the normalized output (so U+0340, prohibited by C.8, is refused although NFKC turns it into U+0300,
/// and a string ending in U+FB2A passes the bidi check although NFKC ends it with the point U+05C1);</description></item>
/// <item><description>every failure (invalid UTF-8 included) makes the caller hash the raw UTF-8 bytes instead.</description></item>
/// </list>
/// <para>
/// <see cref="PreparePassword"/> reproduces that; <see cref="TryPrepare"/> is RFC 4013 for stored strings, with the
/// checks on the normalized output as RFC 3454 §3 orders them. Working buffers hold the secret on the stack, or in a
/// pinned array when long, and are zeroed before returning. The one unavoidable string is TryPrepare's result.
/// </para>
/// </remarks>
internal static class SaslPrep
{
    /// <summary>Working buffers up to this many chars live on the stack, which the GC never copies.</summary>
    private const int StackChars = 256;

    /// <summary>
    /// Bytes PBKDF2 must hash for a password, exactly as PostgreSQL's pg_saslprep plus its fallback: the UTF-8 of
    /// SASLprep(password) when valid, else the raw UTF-8 bytes unchanged (also when the input is not valid UTF-8).
    /// </summary>
    /// <param name="utf8Password">The password as UTF-8 (or any bytes: invalid UTF-8 is returned as is).</param>
    /// <returns>A new pinned array; the caller owns and wipes it.</returns>
    public static byte[] PreparePassword(ReadOnlySpan<byte> utf8Password)
    {
        // pg_saslprep: "an ASCII string requires no further processing" (no control character check either);
        // invalid UTF-8 is SASLPREP_INVALID_UTF8, after which libpq and the server hash the raw bytes.
        if (Ascii.IsValid(utf8Password) || !Utf8.IsValid(utf8Password))
        {
            return CopyPinned(utf8Password);
        }

        char[]? mappedHeap = null;
        char[]? normalizedHeap = null;
        Span<char> mappedStack = stackalloc char[StackChars];
        Span<char> normalizedStack = stackalloc char[StackChars];
        try
        {
            // Valid UTF-8 never needs more UTF-16 chars than it has bytes.
            var mapped = Buffer(utf8Password.Length, mappedStack, ref mappedHeap);
            mapped = mapped[..Encoding.UTF8.GetChars(utf8Password, mapped)];
            mapped = mapped[..MapInPlace(mapped, out _)];

            // PostgreSQL refuses an empty result ("don't allow empty password") and runs the prohibit, unassigned
            // and bidi checks on the mapped string before normalization.
            if (mapped.IsEmpty || !PassesProhibitAndBidiChecks(mapped))
            {
                return CopyPinned(utf8Password);
            }

            var normalized = Normalize(mapped, normalizedStack, ref normalizedHeap);
            var result = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(normalized), pinned: true);
            _ = Encoding.UTF8.GetBytes(normalized, result);
            return result;
        }
        finally
        {
            Wipe(mappedStack, mappedHeap);
            Wipe(normalizedStack, normalizedHeap);
        }
    }

    /// <summary>
    /// SASLprep (RFC 4013) of a stored string: map (§2.1), NFKC (§2.2), prohibited output (§2.3), bidi (§2.4),
    /// unassigned code points of Unicode 3.2 prohibited (§2.5, RFC 3454 §7).
    /// </summary>
    /// <param name="input">The string to prepare.</param>
    /// <param name="prepared">The prepared string, or <see langword="null"/> when the input is refused.</param>
    /// <returns><see langword="false"/> when the input holds a prohibited or unassigned code point (a lone surrogate
    /// included) or breaks the bidi rule.</returns>
    public static bool TryPrepare(ReadOnlySpan<char> input, out string? prepared)
    {
        prepared = null;
        char[]? mappedHeap = null;
        char[]? normalizedHeap = null;
        Span<char> mappedStack = stackalloc char[StackChars];
        Span<char> normalizedStack = stackalloc char[StackChars];
        try
        {
            var mapped = Buffer(input.Length, mappedStack, ref mappedHeap);
            input.CopyTo(mapped);
            mapped = mapped[..MapInPlace(mapped, out var loneSurrogate)];

            // A lone surrogate is C.5; an unassigned code point is refused before NFKC, which (being today's
            // Unicode, not 3.2) could otherwise turn it into something assigned. Noncharacters (C.4) have no
            // decomposition, so refusing them here changes nothing, and .NET's normalizer throws on U+FFFE.
            if (loneSurrogate || ContainsUnassignedOrNoncharacter(mapped))
            {
                return false;
            }

            var normalized = Normalize(mapped, normalizedStack, ref normalizedHeap);
            if (!PassesProhibitAndBidiChecks(normalized))
            {
                return false;
            }

            prepared = new string(normalized);
            return true;
        }
        finally
        {
            Wipe(mappedStack, mappedHeap);
            Wipe(normalizedStack, normalizedHeap);
        }
    }

    /// <summary>Whether a code point is in a table of inclusive ranges flattened into start, end pairs.</summary>
    /// <param name="ranges">A table of <see cref="SaslPrepTables"/>.</param>
    /// <param name="codePoint">The code point.</param>
    /// <returns><see langword="true"/> when a range holds it.</returns>
    internal static bool InTable(ReadOnlySpan<int> ranges, int codePoint)
    {
        int low = 0;
        int high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            if (codePoint < ranges[2 * mid])
            {
                high = mid - 1;
            }
            else if (codePoint > ranges[(2 * mid) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// RFC 4013 §2.1 in place: C.1.2 (non-ASCII space) to U+0020, then B.1 to nothing. U+200B is in both tables;
    /// the space mapping wins, as in PostgreSQL. The output never outgrows the input (both tables are BMP-only).
    /// </summary>
    private static int MapInPlace(Span<char> text, out bool loneSurrogate)
    {
        loneSurrogate = false;
        int read = 0;
        int write = 0;
        while (read < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[read..], out var rune, out int consumed) != OperationStatus.Done)
            {
                // Keep the unit: the caller refuses the string, and the scan must go on to leave no gap unwiped.
                loneSurrogate = true;
                text[write++] = text[read++];
                continue;
            }

            if (InTable(SaslPrepTables.NonAsciiSpace, rune.Value))
            {
                text[write++] = ' ';
            }
            else if (!InTable(SaslPrepTables.MappedToNothing, rune.Value))
            {
                text.Slice(read, consumed).CopyTo(text[write..]);
                write += consumed;
            }

            read += consumed;
        }

        return write;
    }

    /// <summary>
    /// RFC 4013 §2.3 and §2.5 (prohibited and unassigned code points) and §2.4 (RFC 3454 §6: with any RandALCat
    /// character, no LCat character, and RandALCat first and last).
    /// </summary>
    private static bool PassesProhibitAndBidiChecks(ReadOnlySpan<char> text)
    {
        bool hasRandAL = false;
        bool hasL = false;
        bool firstIsRandAL = false;
        bool lastIsRandAL = false;
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[index..], out var rune, out int consumed) != OperationStatus.Done)
            {
                return false; // C.5
            }

            int value = rune.Value;
            if (InTable(SaslPrepTables.Prohibited, value) || InTable(SaslPrepTables.Unassigned, value))
            {
                return false;
            }

            bool isRandAL = InTable(SaslPrepTables.RandALCat, value);
            hasRandAL |= isRandAL;
            hasL |= !isRandAL && InTable(SaslPrepTables.LCat, value);
            firstIsRandAL = index == 0 ? isRandAL : firstIsRandAL;
            lastIsRandAL = isRandAL;
            index += consumed;
        }

        return !hasRandAL || (!hasL && firstIsRandAL && lastIsRandAL);
    }

    private static bool ContainsUnassignedOrNoncharacter(ReadOnlySpan<char> text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            int value = rune.Value;

            // Table C.4 is exactly U+FDD0..U+FDEF plus the last two code points of every plane.
            if (InTable(SaslPrepTables.Unassigned, value) || (value & 0xFFFE) == 0xFFFE || value is >= 0xFDD0 and <= 0xFDEF)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 4013 §2.2: Unicode normalization form KC, into a stack or pinned buffer.</summary>
    private static Span<char> Normalize(ReadOnlySpan<char> text, Span<char> stackBuffer, ref char[]? heap)
    {
        var destination = Buffer(text.GetNormalizedLength(NormalizationForm.FormKC), stackBuffer, ref heap);
        if (!text.TryNormalize(destination, out int written, NormalizationForm.FormKC))
        {
            throw new InvalidOperationException("NFKC normalization did not fit the length it reported.");
        }

        return destination[..written];
    }

    private static Span<char> Buffer(int length, Span<char> stackBuffer, ref char[]? heap)
    {
        if (length <= stackBuffer.Length)
        {
            return stackBuffer[..length];
        }

        heap = GC.AllocateArray<char>(length, pinned: true);
        return heap;
    }

    private static void Wipe(Span<char> stackBuffer, char[]? heap)
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(stackBuffer));
        if (heap is not null)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(heap.AsSpan()));
        }
    }

    private static byte[] CopyPinned(ReadOnlySpan<byte> bytes)
    {
        var copy = GC.AllocateArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(copy);
        return copy;
    }
}
