namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>
/// Key auth's server messages (a challenge, a key list, a keys offer) are public and shown. Of the
/// client's Response (<c>01 01 | fingerprint | algorithm | u16 length | signature</c>) the key's
/// fingerprint and the algorithm are shown and the signature hidden; a KeyQuery (<c>01 02</c>) is named;
/// anything else from the client is hidden entirely.
/// </summary>
internal sealed class KeyAuthPayloadRedactor : IPayloadRedactor
{
    public static readonly KeyAuthPayloadRedactor Instance = new();

    private const int FingerprintLength = 32;

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (direction == PayloadDirection.ServerToClient)
        {
            return PayloadRedaction.Show(data);
        }

        if (data is [KeyAuthMessages.Version, KeyAuthMessages.ClientKeyQuery])
        {
            return "0x0102 (key query)";
        }

        const int Header = 2 + FingerprintLength + 1 + 2;
        if (data.Length < Header || data[0] != KeyAuthMessages.Version || data[1] != KeyAuthMessages.ClientResponse)
        {
            return PayloadRedaction.Hidden(data);
        }

        var fingerprint = Convert.ToHexStringLower(data.Slice(2, FingerprintLength));
        return $"response: key 0x{fingerprint}, algorithm {data[2 + FingerprintLength]}, signature <{data.Length - Header} bytes redacted>";
    }
}
