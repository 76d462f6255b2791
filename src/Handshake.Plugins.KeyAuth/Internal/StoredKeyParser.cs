using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>
/// Reads a user's public keys from the stored credential: lines that are either a PEM
/// SubjectPublicKeyInfo block (<c>-----BEGIN PUBLIC KEY-----</c>) or an OpenSSH authorized_keys
/// line <c>type base64-blob [comment]</c> (sshd(8) AUTHORIZED_KEYS FILE FORMAT, without options).
/// Blank lines and lines starting with '#' are skipped. Anything else is an error, never skipped:
/// an operator who stored a key expects it to be used.
/// </summary>
internal static class StoredKeyParser
{
    /// <summary>Largest stored credential read, in chars.</summary>
    public const int MaxCredentialLength = 64 * 1024;

    private const string PemBegin = "-----BEGIN PUBLIC KEY-----";
    private const string PemEnd = "-----END PUBLIC KEY-----";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";

    /// <exception cref="FormatException">A line is malformed or unsupported; the message names the line, never key bytes.</exception>
    public static List<StoredKey> Parse(string credential, int minimumRsaBits)
    {
        if (credential.Length > MaxCredentialLength)
        {
            throw new FormatException($"the stored credential is longer than {MaxCredentialLength} characters");
        }

        var keys = new List<StoredKey>();
        try
        {
            var lines = credential.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var lineNumber = i + 1;
                StoredKey key;
                if (line.StartsWith("-----", StringComparison.Ordinal))
                {
                    if (!string.Equals(line, PemBegin, StringComparison.Ordinal))
                    {
                        throw new FormatException($"line {lineNumber}: only '{PemBegin}' PEM blocks (SubjectPublicKeyInfo) are read");
                    }

                    var body = new System.Text.StringBuilder();
                    var end = i + 1;
                    while (end < lines.Length && !string.Equals(lines[end].Trim(), PemEnd, StringComparison.Ordinal))
                    {
                        body.Append(lines[end].Trim());
                        end++;
                    }

                    if (end == lines.Length)
                    {
                        throw new FormatException($"line {lineNumber}: the PEM block has no '{PemEnd}' line");
                    }

                    key = ParseSubjectPublicKeyInfo(body.ToString(), lineNumber, minimumRsaBits);
                    i = end;
                }
                else
                {
                    key = ParseAuthorizedKey(line, lineNumber, minimumRsaBits);
                }

                keys.Add(key);
                if (keys.Count > KeyAuthMessages.MaxKeys)
                {
                    throw new FormatException($"the user has more than {KeyAuthMessages.MaxKeys} keys");
                }
            }

            if (keys.Count == 0)
            {
                throw new FormatException("the stored credential holds no key");
            }

            return keys;
        }
        catch
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }

            throw;
        }
    }

    private static StoredKey ParseAuthorizedKey(string line, int lineNumber, int minimumRsaBits)
    {
        var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        var type = parts[0];
        if (type is not (SshKeyBlob.EcdsaP256 or SshKeyBlob.EcdsaP384 or SshKeyBlob.Rsa))
        {
            throw new FormatException($"line {lineNumber}: key type '{PeerText.Printable(type, 40)}' is not supported (use {SshKeyBlob.EcdsaP256}, {SshKeyBlob.EcdsaP384} or {SshKeyBlob.Rsa}; authorized_keys options are not read)");
        }

        if (parts.Length < 2)
        {
            throw new FormatException($"line {lineNumber}: the key's base64 field is missing");
        }

        var base64 = parts[1];
        if (base64.Length > ((SshKeyBlob.MaxBlobLength + 2) / 3 * 4))
        {
            throw new FormatException($"line {lineNumber}: the key is longer than {SshKeyBlob.MaxBlobLength} bytes");
        }

        var blob = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64String(base64, blob, out var written))
        {
            throw new FormatException($"line {lineNumber}: the key's base64 field is not base64");
        }

        var fingerprint = KeyAuthFingerprint.FromSshPublicKeyBlob(blob.AsSpan(0, written));
        AsymmetricAlgorithm? key = null;
        try
        {
            key = SshKeyBlob.Decode(blob.AsSpan(0, written), type);
            var stored = Classify(key, fingerprint, lineNumber, minimumRsaBits);
            key = null;
            return stored;
        }
        catch (FormatException ex) when (!ex.Message.StartsWith("line ", StringComparison.Ordinal))
        {
            throw new FormatException($"line {lineNumber}: {ex.Message}");
        }
        finally
        {
            key?.Dispose();
        }
    }

    private static StoredKey ParseSubjectPublicKeyInfo(string base64, int lineNumber, int minimumRsaBits)
    {
        if (base64.Length > ((SshKeyBlob.MaxBlobLength + 2) / 3 * 4))
        {
            throw new FormatException($"line {lineNumber}: the PEM key is longer than {SshKeyBlob.MaxBlobLength} bytes");
        }

        var der = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64String(base64, der, out var written))
        {
            throw new FormatException($"line {lineNumber}: the PEM body is not base64");
        }

        AsymmetricAlgorithm? key;
        try
        {
            var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(der.AsSpan(0, written), out var read);
            if (read != written)
            {
                throw new FormatException($"line {lineNumber}: the PEM key has trailing bytes");
            }

            key = publicKey.Oid.Value switch
            {
                EcOid => publicKey.GetECDsaPublicKey(),
                RsaOid => publicKey.GetRSAPublicKey(),
                _ => throw new FormatException($"line {lineNumber}: public key algorithm {publicKey.Oid.Value} is not supported (use ECDSA P-256/P-384 or RSA)"),
            };
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // An EC key naming a curve OpenSSL does not know (e.g. a corrupted id-ecPublicKey parameter) throws
            // PlatformNotSupportedException, not CryptographicException: both are a malformed stored key.
            throw new FormatException($"line {lineNumber}: the PEM block is not a valid SubjectPublicKeyInfo");
        }

        if (key is null)
        {
            throw new FormatException($"line {lineNumber}: the PEM public key could not be imported");
        }

        try
        {
            KeyAuthFingerprint fingerprint;
            try
            {
                fingerprint = KeyAuthFingerprint.FromPublicKey(key);
            }
            catch (ArgumentException)
            {
                throw new FormatException($"line {lineNumber}: the PEM public key is on a curve other than P-256 or P-384");
            }

            var stored = Classify(key, fingerprint, lineNumber, minimumRsaBits);
            key = null;
            return stored;
        }
        finally
        {
            key?.Dispose();
        }
    }

    private static StoredKey Classify(AsymmetricAlgorithm key, KeyAuthFingerprint fingerprint, int lineNumber, int minimumRsaBits)
    {
        var algorithm = KeyTypes.AlgorithmOf(key, minimumRsaBits);
        if (algorithm == KeyAuthAlgorithm.None)
        {
            throw new FormatException($"line {lineNumber}: the key ({key.KeySize} bits) is not supported; RSA keys need {minimumRsaBits} to {SshKeyBlob.MaxRsaBits} bits");
        }

        return new StoredKey(fingerprint, algorithm, key);
    }
}
