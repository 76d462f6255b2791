using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>Imports a private key from PEM with the BCL, unlocking an encrypted PKCS#8 key with the factor's secret.</summary>
internal static class PemKeyLoader
{
    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";

    public static AsymmetricAlgorithm Load(string pem, AuthExchangeContext context)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw Unavailable(context, "The configured private key is not PEM.");
        }

        var label = pem[fields.Label];
        if (label == "ENCRYPTED PRIVATE KEY")
        {
            return LoadEncrypted(pem, context);
        }

        if (label == "PRIVATE KEY")
        {
            return LoadPkcs8(pem, fields, context);
        }

        if (label is "EC PRIVATE KEY" or "RSA PRIVATE KEY")
        {
            return Import(ec: label == "EC PRIVATE KEY", pem, context);
        }

        throw label == "OPENSSH PRIVATE KEY"
            ? Unavailable(context, "OpenSSH's own private key format is not read; convert the key to PKCS#8 with 'ssh-keygen -p -m PKCS8 -f KEY'.")
            : Unavailable(context, $"PEM label '{PeerText.Printable(label, 40)}' is not a private key; use PKCS#8 'PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY'.");
    }

    private static AsymmetricAlgorithm LoadPkcs8(string pem, PemFields fields, AuthExchangeContext context)
    {
        // PKCS#8 (RFC 5208 §5): SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, ... }.
        // Reading the algorithm OID first tells an unsupported key type (Ed25519, DSA) from a broken file.
        var der = new byte[fields.DecodedDataLength];
        try
        {
            if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out _))
            {
                throw Unavailable(context, "The configured private key's PEM body is not base64.");
            }

            string oid;
            try
            {
                var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
                _ = reader.ReadInteger();
                oid = reader.ReadSequence().ReadObjectIdentifier();
            }
            catch (AsnContentException)
            {
                throw Unavailable(context, "The configured private key is not a valid PKCS#8 structure.");
            }

            if (oid is not (EcOid or RsaOid))
            {
                throw new HandshakeException(
                    AuthErrorCode.PolicyViolation,
                    $"The configured private key is of type {oid}; key auth signs with ECDSA P-256/P-384 or RSA only.",
                    context.PluginName,
                    context.FactorIndex);
            }

            return Import(ec: oid == EcOid, pem, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static AsymmetricAlgorithm Import(bool ec, string pem, AuthExchangeContext context)
    {
        AsymmetricAlgorithm? key = ec ? ECDsa.Create() : RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            var imported = key;
            key = null;
            return imported;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw Unavailable(context, "The configured private key could not be imported: it is damaged or not the key type its header says.");
        }
        finally
        {
            key?.Dispose();
        }
    }

    private static AsymmetricAlgorithm LoadEncrypted(string pem, AuthExchangeContext context)
    {
        var secret = context.Secret ?? throw new HandshakeException(
            AuthErrorCode.MissingCredential,
            $"The private key for factor {context.FactorIndex} ({context.PluginName}) is encrypted, but no password was given for that factor to unlock it. Supply password{(context.FactorIndex == 1 ? string.Empty : context.FactorIndex)} in the credentials.",
            context.PluginName,
            context.FactorIndex);

        // The encrypted blob does not say which key type is inside; try ECDSA, then RSA.
        return TryImportEncrypted(ec: true, pem, secret)
            ?? TryImportEncrypted(ec: false, pem, secret)
            ?? throw Unavailable(context, $"The encrypted private key for factor {context.FactorIndex} could not be unlocked with that factor's password: the password is wrong, or the key is not ECDSA or RSA.");
    }

    private static AsymmetricAlgorithm? TryImportEncrypted(bool ec, string pem, AuthSecret secret)
    {
        AsymmetricAlgorithm? key = ec ? ECDsa.Create() : RSA.Create();
        try
        {
            if (!TryImportEncrypted(key, pem, secret))
            {
                return null;
            }

            var imported = key;
            key = null;
            return imported;
        }
        finally
        {
            key?.Dispose();
        }
    }

    private static bool TryImportEncrypted(AsymmetricAlgorithm key, string pem, AuthSecret secret)
    {
        try
        {
            if (secret.Kind == AuthSecretKind.Binary)
            {
                key.ImportFromEncryptedPem(pem, secret.Bytes);
                return true;
            }

            var chars = GC.AllocateArray<char>(secret.CharCount, pinned: true);
            try
            {
                secret.CopyChars(chars);
                key.ImportFromEncryptedPem(pem, chars);
                return true;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static HandshakeException Unavailable(AuthExchangeContext context, string message) =>
        new(AuthErrorCode.KeyUnavailable, message, context.PluginName, context.FactorIndex);
}
