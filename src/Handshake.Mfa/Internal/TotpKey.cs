using System.Globalization;
using System.Security.Cryptography;

namespace Handshake.Mfa.Internal;

/// <summary>A parsed TOTP secret and its parameters, held in a pinned buffer wiped on dispose.</summary>
internal sealed class TotpKey : IDisposable
{
    private const string UriPrefix = "otpauth://totp/";
    private readonly byte[] _key;

    private TotpKey(byte[] key, TotpParameters parameters)
    {
        _key = key;
        Parameters = parameters;
    }

    public ReadOnlySpan<byte> Key => _key;

    public TotpParameters Parameters { get; }

    public static TotpKey FromBytes(ReadOnlySpan<byte> key, TotpParameters parameters)
    {
        var copy = GC.AllocateArray<byte>(key.Length, pinned: true);
        key.CopyTo(copy);
        return new TotpKey(copy, parameters);
    }

    /// <summary>
    /// Parses (null when invalid, with <paramref name="error"/> set) a bare base32 secret (with <paramref name="defaults"/>) or an
    /// <c>otpauth://totp/LABEL?secret=...&amp;algorithm=...&amp;digits=...&amp;period=...</c> URI
    /// (the Key URI format authenticator apps read; missing parameters take the defaults).
    /// </summary>
    public static TotpKey? TryParse(ReadOnlySpan<char> text, TotpParameters defaults, out string error)
    {
        if (!text.StartsWith(UriPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryFromBase32(text, defaults, out error);
        }

        var query = text.IndexOf('?');
        if (query < 0)
        {
            error = "the otpauth URI has no query (no secret)";
            return null;
        }

        var parameters = defaults;
        var rest = text[(query + 1)..];
        ReadOnlySpan<char> secret = default;
        var hasSecret = false;
        foreach (var range in rest.Split('&'))
        {
            var pair = rest[range];
            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? [] : pair[(eq + 1)..];
            if (name.Equals("secret", StringComparison.OrdinalIgnoreCase))
            {
                secret = value;
                hasSecret = true;
            }
            else if (name.Equals("algorithm", StringComparison.OrdinalIgnoreCase))
            {
                TotpAlgorithm? algorithm =
                    value.Equals("SHA1", StringComparison.OrdinalIgnoreCase) ? TotpAlgorithm.Sha1
                    : value.Equals("SHA256", StringComparison.OrdinalIgnoreCase) ? TotpAlgorithm.Sha256
                    : value.Equals("SHA512", StringComparison.OrdinalIgnoreCase) ? TotpAlgorithm.Sha512
                    : null;
                if (algorithm is null)
                {
                    error = "the otpauth URI names an unsupported algorithm (SHA1, SHA256 or SHA512)";
                    return null;
                }

                parameters = parameters with { Algorithm = algorithm.Value };
            }
            else if (name.Equals("digits", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var digits) || digits is < TotpParameters.MinDigits or > TotpParameters.MaxDigits)
                {
                    error = "the otpauth URI's digits must be 6, 7 or 8";
                    return null;
                }

                parameters = parameters with { Digits = digits };
            }
            else if (name.Equals("period", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period is < 1 or > 3600)
                {
                    error = "the otpauth URI's period must be 1 to 3600 seconds";
                    return null;
                }

                parameters = parameters with { PeriodSeconds = period };
            }

            // issuer, image, ... carry no key material and are ignored.
        }

        if (!hasSecret)
        {
            error = "the otpauth URI has no secret parameter";
            return null;
        }

        // The secret may arrive percent-encoded (padding as %3D); unescape into a wiped buffer.
        var buffer = secret.Length <= 256 ? stackalloc char[secret.Length] : new char[secret.Length];
        try
        {
            if (!Uri.TryUnescapeDataString(secret, buffer, out var written))
            {
                error = "the otpauth URI's secret is not valid";
                return null;
            }

            return TryFromBase32(buffer[..written], parameters, out error);
        }
        finally
        {
            buffer.Clear();
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => "TotpKey(redacted)";

    private static TotpKey? TryFromBase32(ReadOnlySpan<char> text, TotpParameters parameters, out string error)
    {
        if (!Base32.TryDecode(text, out var bytes))
        {
            error = "the secret is not valid base32";
            return null;
        }

        try
        {
            if (bytes.Length == 0)
            {
                error = "the secret is empty";
                return null;
            }

            error = string.Empty;
            return FromBytes(bytes, parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
