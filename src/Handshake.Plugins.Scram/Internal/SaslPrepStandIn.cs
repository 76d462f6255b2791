namespace Handshake.Plugins.Scram.Internal;

/// <summary>Temporary stand-in for SASLprep (RFC 4013); the saslprep branch replaces this file.</summary>
internal static class SaslPrep
{
    /// <summary>Returns the bytes PBKDF2 hashes for a password; the caller wipes them.</summary>
    /// <param name="utf8Password">The password's UTF-8 bytes.</param>
    /// <returns>A copy of the bytes.</returns>
    public static byte[] PreparePassword(ReadOnlySpan<byte> utf8Password) => utf8Password.ToArray();
}
