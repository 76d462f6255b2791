namespace Handshake.Fuzz;

/// <summary>One fuzz case: which message of a conversation is replaced (0 for single-shot parsers) and the bytes.</summary>
internal readonly record struct FuzzInput(int Step, byte[] Data)
{
    public string Hex => Convert.ToHexString(Data);
}
