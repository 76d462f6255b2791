namespace Handshake;

/// <summary>
/// Where nonces, salts and challenges come from. The default is the operating system's CSPRNG;
/// tests inject a fixed source to reproduce published transcripts byte for byte.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    /// <param name="destination">The buffer to fill.</param>
    void Fill(Span<byte> destination);
}
