using System.Buffers.Binary;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>
/// The messages of key auth, version 1. Every message starts with the version byte 0x01 and a type byte.
/// Server to client: Challenge (0x01), KeyList (0x02), KeysOffer (0x03). Client to server: Response (0x01), KeyQuery (0x02).
/// The layouts are documented on <see cref="KeyAuthPlugin"/>.
/// </summary>
internal static class KeyAuthMessages
{
    public const byte Version = 1;
    public const byte ServerChallenge = 1;
    public const byte ServerKeyList = 2;
    public const byte ServerKeysOffer = 3;
    public const byte ClientResponse = 1;
    public const byte ClientKeyQuery = 2;

    /// <summary>Most fingerprints a key list may carry; also the most keys a user may have.</summary>
    public const int MaxKeys = 32;

    /// <summary>Largest signature accepted: an RSA-16384 signature.</summary>
    public const int MaxSignatureLength = SshKeyBlob.MaxRsaBits / 8;

    public static byte[] Challenge(ReadOnlySpan<byte> challenge)
    {
        var message = new byte[3 + challenge.Length];
        message[0] = Version;
        message[1] = ServerChallenge;
        message[2] = (byte)challenge.Length;
        challenge.CopyTo(message.AsSpan(3));
        return message;
    }

    public static byte[] KeysOffer() => [Version, ServerKeysOffer];

    public static byte[] KeyQuery() => [Version, ClientKeyQuery];

    public static byte[] KeyList(IReadOnlyList<KeyAuthFingerprint> keys, ReadOnlySpan<byte> challenge)
    {
        var message = new byte[3 + (keys.Count * KeyAuthFingerprint.Length) + 1 + challenge.Length];
        message[0] = Version;
        message[1] = ServerKeyList;
        message[2] = (byte)keys.Count;
        var at = 3;
        foreach (var key in keys)
        {
            key.Hash.CopyTo(message.AsSpan(at));
            at += KeyAuthFingerprint.Length;
        }

        message[at++] = (byte)challenge.Length;
        challenge.CopyTo(message.AsSpan(at));
        return message;
    }

    public static byte[] Response(KeyAuthFingerprint key, KeyAuthAlgorithm algorithm, ReadOnlySpan<byte> signature)
    {
        var message = new byte[2 + KeyAuthFingerprint.Length + 1 + 2 + signature.Length];
        message[0] = Version;
        message[1] = ClientResponse;
        key.Hash.CopyTo(message.AsSpan(2));
        var at = 2 + KeyAuthFingerprint.Length;
        message[at++] = (byte)algorithm;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), (ushort)signature.Length);
        signature.CopyTo(message.AsSpan(at + 2));
        return message;
    }

    /// <summary>Reads the version and type; anything else is a protocol violation.</summary>
    public static byte ReadType(ReadOnlySpan<byte> message, string pluginName, int factorIndex, string who)
    {
        if (message.Length < 2)
        {
            throw Violation($"The {who}'s key auth message is {message.Length} bytes, too short to hold a version and a type.", pluginName, factorIndex);
        }

        if (message[0] != Version)
        {
            throw Violation($"The {who} speaks key auth message version {message[0]}; this side speaks version {Version}.", pluginName, factorIndex);
        }

        return message[1];
    }

    public static byte[] ParseChallenge(ReadOnlySpan<byte> message, string pluginName, int factorIndex)
    {
        var body = message[2..];
        if (body.Length < 1 || body[0] != body.Length - 1)
        {
            throw Violation("The server's key auth challenge message is malformed: its length byte does not match.", pluginName, factorIndex);
        }

        return CheckChallenge(body[1..], pluginName, factorIndex);
    }

    public static (KeyAuthFingerprint[] Keys, byte[] Challenge) ParseKeyList(ReadOnlySpan<byte> message, string pluginName, int factorIndex)
    {
        var body = message[2..];
        if (body.Length < 1 || body[0] > MaxKeys)
        {
            throw Violation($"The server's key list is malformed or lists more than {MaxKeys} keys.", pluginName, factorIndex);
        }

        var count = body[0];
        var keysLength = count * KeyAuthFingerprint.Length;
        if (body.Length < 1 + keysLength + 1)
        {
            throw Violation("The server's key list is truncated.", pluginName, factorIndex);
        }

        var keys = new KeyAuthFingerprint[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = KeyAuthFingerprint.FromHash(body.Slice(1 + (i * KeyAuthFingerprint.Length), KeyAuthFingerprint.Length));
        }

        var rest = body[(1 + keysLength)..];
        if (rest[0] != rest.Length - 1)
        {
            throw Violation("The server's key list is malformed: the challenge length byte does not match.", pluginName, factorIndex);
        }

        return (keys, CheckChallenge(rest[1..], pluginName, factorIndex));
    }

    public static (KeyAuthFingerprint Key, KeyAuthAlgorithm Algorithm, byte[] Signature) ParseResponse(ReadOnlySpan<byte> message, string pluginName, int factorIndex)
    {
        var body = message[2..];
        if (body.Length < KeyAuthFingerprint.Length + 1 + 2)
        {
            throw Violation("The client's key auth response is truncated.", pluginName, factorIndex);
        }

        var key = KeyAuthFingerprint.FromHash(body[..KeyAuthFingerprint.Length]);
        var algorithm = (KeyAuthAlgorithm)body[KeyAuthFingerprint.Length];
        if (algorithm is not (KeyAuthAlgorithm.EcdsaP256Sha256 or KeyAuthAlgorithm.EcdsaP384Sha384 or KeyAuthAlgorithm.RsaPssSha256))
        {
            throw Violation($"The client's key auth response names unknown algorithm id {(byte)algorithm}.", pluginName, factorIndex);
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(body[(KeyAuthFingerprint.Length + 1)..]);
        var signature = body[(KeyAuthFingerprint.Length + 3)..];
        if (length > MaxSignatureLength || signature.Length != length)
        {
            throw Violation("The client's key auth response is malformed: the signature length does not match.", pluginName, factorIndex);
        }

        return (key, algorithm, signature.ToArray());
    }

    public static HandshakeException Violation(string message, string pluginName, int factorIndex) =>
        new(AuthErrorCode.ProtocolViolation, message, pluginName, factorIndex);

    private static byte[] CheckChallenge(ReadOnlySpan<byte> challenge, string pluginName, int factorIndex) =>
        challenge.Length is < KeyAuthSignedData.MinChallengeLength or > KeyAuthSignedData.MaxChallengeLength
            ? throw Violation($"The server's challenge is {challenge.Length} bytes; key auth accepts {KeyAuthSignedData.MinChallengeLength} to {KeyAuthSignedData.MaxChallengeLength}.", pluginName, factorIndex)
            : challenge.ToArray();
}
