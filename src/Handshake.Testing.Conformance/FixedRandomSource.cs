namespace Handshake.Testing.Conformance;

/// <summary>Repeats fixed bytes, so a plugin's scramble or nonce can be pinned to a published vector.</summary>
/// <param name="bytes">The bytes to repeat.</param>
public sealed class FixedRandomSource(byte[] bytes) : IRandomSource
{
    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = bytes[i % bytes.Length];
        }
    }
}
