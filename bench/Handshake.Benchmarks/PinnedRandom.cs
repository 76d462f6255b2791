namespace Handshake.Benchmarks;

/// <summary>A random source that fills every buffer with one byte, so nonces (and so whole transcripts) are fixed.</summary>
internal sealed class PinnedRandom(byte value) : IRandomSource
{
    public void Fill(Span<byte> destination) => destination.Fill(value);
}
