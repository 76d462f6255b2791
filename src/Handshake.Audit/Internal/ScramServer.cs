using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram;

namespace Handshake.Audit.Internal;

/// <summary>The client-first message's parts (RFC 5802 §7: gs2-header, client-first-message-bare).</summary>
internal sealed record ScramClientFirst(string Gs2Header, char Flag, string? BindingType, string Bare, string Nonce);

/// <summary>The client-final message's parts (RFC 5802 §7).</summary>
internal sealed record ScramClientFinal(string WithoutProof, byte[] ChannelBinding, string Nonce, byte[] Proof);

/// <summary>
/// The honest server side of SCRAM-SHA-256 (RFC 5802 §3, RFC 7677) at the message level, over a
/// <see cref="ScramCredential"/> (StoredKey and ServerKey): the scenarios bend its output on purpose.
/// HMAC and SHA-256 come from the BCL.
/// </summary>
internal static class ScramServer
{
    public const int NonceBytes = 18;

    public static ScramClientFirst? ParseClientFirst(ReadOnlySpan<byte> data)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        var first = text.IndexOf(',', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(',', first + 1);
        if (first < 1 || second < 0)
        {
            return null;
        }

        var flagPart = text[..first];
        var flag = flagPart[0];
        string? bindingType = null;
        if (flag == 'p')
        {
            if (!flagPart.StartsWith("p=", StringComparison.Ordinal))
            {
                return null;
            }

            bindingType = flagPart[2..];
        }
        else if (flagPart.Length != 1 || flag is not ('n' or 'y'))
        {
            return null;
        }

        var bare = text[(second + 1)..];
        var nonce = Attribute(bare, 'r');
        return nonce is { Length: > 0 } ? new ScramClientFirst(text[..(second + 1)], flag, bindingType, bare, nonce) : null;
    }

    public static ScramClientFinal? ParseClientFinal(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return null;
        }

        var withoutProof = text[..proofAt];
        var binding = Base64(Attribute(withoutProof, 'c'));
        var nonce = Attribute(withoutProof, 'r');
        var proof = Base64(text[(proofAt + 3)..]);
        return binding is null || nonce is null || proof is null ? null : new ScramClientFinal(withoutProof, binding, nonce, proof);
    }

    public static string NewNonce()
    {
        Span<byte> random = stackalloc byte[NonceBytes];
        RandomNumberGenerator.Fill(random);
        return Convert.ToBase64String(random);
    }

    /// <summary>Checks the client's proof against StoredKey: H(ClientProof XOR HMAC(StoredKey, AuthMessage)) == StoredKey (RFC 5802 §3).</summary>
    public static bool VerifyProof(ScramCredential credential, string authMessage, ReadOnlySpan<byte> proof)
    {
        var storedKey = credential.StoredKey.Span;
        if (proof.Length != storedKey.Length)
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[32];
        Span<byte> clientKey = stackalloc byte[32];
        Span<byte> check = stackalloc byte[32];
        try
        {
            HMACSHA256.HashData(storedKey, Encoding.UTF8.GetBytes(authMessage), signature);
            for (var i = 0; i < clientKey.Length; i++)
            {
                clientKey[i] = (byte)(proof[i] ^ signature[i]);
            }

            SHA256.HashData(clientKey, check);
            return CryptographicOperations.FixedTimeEquals(check, storedKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clientKey);
        }
    }

    /// <summary>ServerSignature = HMAC(ServerKey, AuthMessage) (RFC 5802 §3).</summary>
    public static byte[] ServerSignature(ScramCredential credential, string authMessage) =>
        HMACSHA256.HashData(credential.ServerKey.Span, Encoding.UTF8.GetBytes(authMessage));

    public static string? Attribute(string message, char name)
    {
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[0] == name && part[1] == '=')
            {
                return part[2..];
            }
        }

        return null;
    }

    private static byte[]? Base64(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
