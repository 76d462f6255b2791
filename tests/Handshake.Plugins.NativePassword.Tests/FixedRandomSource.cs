namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>Repeats fixed bytes, so a scramble can be pinned to a published vector.</summary>
internal sealed class FixedRandomSource(byte[] bytes) : IRandomSource
{
    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = bytes[i % bytes.Length];
        }
    }
}
