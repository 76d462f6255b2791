using System.Text;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// The OAUTHBEARER client message (RFC 7628 §3.1): a GS2 header (RFC 5801 §4) without channel binding,
/// then key=value pairs each ended by 0x01, then a final 0x01. One home for its encoding and parsing,
/// used by the client plugin and the verifier.
/// </summary>
internal static class OAuthBearerMessage
{
    public const byte Separator = 0x01;
    public const string BearerScheme = "Bearer";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".</summary>
    public static bool IsB64Token(ReadOnlySpan<byte> token)
    {
        var i = 0;
        while (i < token.Length && token[i] is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'+' or (byte)'/')
        {
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        while (i < token.Length && token[i] == (byte)'=')
        {
            i++;
        }

        return i == token.Length;
    }

    /// <summary>RFC 5802 §5.1's saslname: ',' and '=' escaped as =2C and =3D (RFC 5801 §4 uses the same form for gs2-authzid).</summary>
    public static string EscapeSaslName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    /// <summary>Builds the client's initial response around the token; the result holds the token and must be wiped.</summary>
    public static byte[] Build(string? authzid, string? host, int? port, ReadOnlySpan<byte> token)
    {
        var head = new StringBuilder("n,");
        if (!string.IsNullOrEmpty(authzid))
        {
            head.Append("a=").Append(EscapeSaslName(authzid));
        }

        head.Append(',').Append((char)Separator);
        if (!string.IsNullOrEmpty(host))
        {
            head.Append("host=").Append(host).Append((char)Separator);
        }

        if (port is { } p)
        {
            head.Append("port=").Append(p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append((char)Separator);
        }

        head.Append("auth=").Append(BearerScheme).Append(' ');
        var prefix = Encoding.UTF8.GetBytes(head.ToString());
        var message = GC.AllocateArray<byte>(prefix.Length + token.Length + 2, pinned: true);
        prefix.CopyTo(message, 0);
        token.CopyTo(message.AsSpan(prefix.Length));
        message[^2] = Separator;
        message[^1] = Separator;
        return message;
    }

    /// <summary>Parses a client's initial response. The token is returned as a range into <paramref name="message"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out ParsedMessage parsed, out string problem)
    {
        parsed = default;
        if (message.Length > OAuthBearerMechanism.MaxMessageLength)
        {
            problem = $"the OAUTHBEARER message is longer than {OAuthBearerMechanism.MaxMessageLength} octets";
            return false;
        }

        // gs2-header = gs2-cb-flag "," [ gs2-authzid ] "," (RFC 5801 §4). OAUTHBEARER has no channel
        // binding (RFC 7628 §3.1): 'n' or 'y' only; 'p=' names a binding this mechanism cannot carry.
        if (message.Length < 3 || message[0] is not ((byte)'n' or (byte)'y') || message[1] != (byte)',')
        {
            problem = "the OAUTHBEARER message does not start with a GS2 header 'n,' or 'y,' (RFC 7628 §3.1)";
            return false;
        }

        var rest = message[2..];
        var comma = rest.IndexOf((byte)',');
        if (comma < 0)
        {
            problem = "the OAUTHBEARER GS2 header is not terminated by ','";
            return false;
        }

        var authzidField = rest[..comma];
        string authzid = string.Empty;
        if (authzidField.Length > 0)
        {
            if (!authzidField.StartsWith("a="u8) || !TryUnescapeSaslName(authzidField[2..], out authzid))
            {
                problem = "the OAUTHBEARER GS2 authorization identity is not a=saslname (RFC 5801 §4)";
                return false;
            }
        }

        var offset = 2 + comma + 1;
        var pairs = message[offset..];
        if (pairs.IsEmpty || pairs[0] != Separator)
        {
            problem = "the OAUTHBEARER GS2 header is not followed by 0x01 (RFC 7628 §3.1)";
            return false;
        }

        pairs = pairs[1..];
        offset++;
        string? host = null;
        string? port = null;
        Range? token = null;
        while (true)
        {
            var end = pairs.IndexOf(Separator);
            if (end < 0)
            {
                problem = "the OAUTHBEARER message does not end with 0x01 0x01 (RFC 7628 §3.1)";
                return false;
            }

            if (end == 0)
            {
                // The empty pair: the message's terminator, which must be its last byte.
                if (pairs.Length != 1)
                {
                    problem = "the OAUTHBEARER message has data after its terminating 0x01";
                    return false;
                }

                break;
            }

            var pair = pairs[..end];
            var equals = pair.IndexOf((byte)'=');
            if (equals <= 0 || !IsAlpha(pair[..equals]) || !IsValue(pair[(equals + 1)..]))
            {
                problem = "an OAUTHBEARER key=value pair is malformed (RFC 7628 §3.1: key is ALPHA, value is VCHAR / SP / HTAB / CR / LF)";
                return false;
            }

            var key = pair[..equals];
            var value = pair[(equals + 1)..];
            if (key.SequenceEqual("auth"u8))
            {
                if (token is not null)
                {
                    problem = "the OAUTHBEARER message has more than one auth= pair";
                    return false;
                }

                // auth-value = "Bearer" 1*SP b64token (RFC 6750 §2.1; the scheme is case-insensitive, RFC 7235 §2.1).
                var space = value.IndexOf((byte)' ');
                if (space < 0 || !Ascii.EqualsIgnoreCase(value[..space], "Bearer"u8))
                {
                    problem = "the OAUTHBEARER auth= value is not 'Bearer <token>' (RFC 7628 §3.1)";
                    return false;
                }

                var start = space;
                while (start < value.Length && value[start] == (byte)' ')
                {
                    start++;
                }

                if (!IsB64Token(value[start..]))
                {
                    problem = "the OAUTHBEARER bearer token is not a b64token (RFC 6750 §2.1)";
                    return false;
                }

                var tokenStart = offset + equals + 1 + start;
                token = tokenStart..(offset + end);
            }
            else if (key.SequenceEqual("host"u8))
            {
                host = Encoding.ASCII.GetString(value);
            }
            else if (key.SequenceEqual("port"u8))
            {
                port = Encoding.ASCII.GetString(value);
            }

            pairs = pairs[(end + 1)..];
            offset += end + 1;
        }

        if (token is null)
        {
            problem = "the OAUTHBEARER message has no auth= pair";
            return false;
        }

        parsed = new ParsedMessage(authzid, host, port, token.Value);
        problem = string.Empty;
        return true;
    }

    private static bool TryUnescapeSaslName(ReadOnlySpan<byte> value, out string name)
    {
        name = string.Empty;
        if (value.IsEmpty)
        {
            return false;
        }

        var builder = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == (byte)'=')
            {
                if (i + 2 >= value.Length)
                {
                    return false;
                }

                var escape = value.Slice(i, 3);
                if (escape.SequenceEqual("=2C"u8))
                {
                    builder.Add((byte)',');
                }
                else if (escape.SequenceEqual("=3D"u8))
                {
                    builder.Add((byte)'=');
                }
                else
                {
                    return false;
                }

                i += 2;
            }
            else if (value[i] is 0 or (byte)',')
            {
                return false;
            }
            else
            {
                builder.Add(value[i]);
            }
        }

        try
        {
            name = StrictUtf8.GetString([.. builder]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return true;
    }

    private static bool IsAlpha(ReadOnlySpan<byte> key)
    {
        foreach (var b in key)
        {
            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is not ((>= 0x21 and <= 0x7E) or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
