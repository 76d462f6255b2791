using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>
/// The SSH public key wire format: RFC 4253 §6.6 (<c>ssh-rsa</c>: string "ssh-rsa", mpint e, mpint n)
/// and RFC 5656 §3.1 (string "ecdsa-sha2-nistp256", string "nistp256", string Q with Q the
/// uncompressed point 0x04 || X || Y). Strings and mpints are u32 big-endian length-prefixed (RFC 4251 §5).
/// </summary>
internal static class SshKeyBlob
{
    public const string EcdsaP256 = "ecdsa-sha2-nistp256";
    public const string EcdsaP384 = "ecdsa-sha2-nistp384";
    public const string Rsa = "ssh-rsa";

    /// <summary>Largest blob accepted: an RSA-16384 key is about 2 KiB.</summary>
    public const int MaxBlobLength = 4096;

    /// <summary>Largest RSA modulus accepted, in bits; bounds verification cost a stored key can cause.</summary>
    public const int MaxRsaBits = 16384;

    public static byte[] Encode(AsymmetricAlgorithm key)
    {
        switch (key)
        {
            case ECDsa ec:
                {
                    var p = ec.ExportParameters(includePrivateParameters: false);
                    var (type, curve) = KeyTypes.CurveOf(p.Curve) switch
                    {
                        KeyAuthAlgorithm.EcdsaP256Sha256 => (EcdsaP256, "nistp256"),
                        KeyAuthAlgorithm.EcdsaP384Sha384 => (EcdsaP384, "nistp384"),
                        _ => throw new ArgumentException("Only ECDSA P-256 and P-384 keys are supported.", nameof(key)),
                    };
                    var q = new byte[1 + p.Q.X!.Length + p.Q.Y!.Length];
                    q[0] = 0x04;
                    p.Q.X.CopyTo(q, 1);
                    p.Q.Y.CopyTo(q, 1 + p.Q.X.Length);
                    var writer = new Writer();
                    writer.String(Encoding.ASCII.GetBytes(type));
                    writer.String(Encoding.ASCII.GetBytes(curve));
                    writer.String(q);
                    return writer.ToArray();
                }

            case RSA rsa:
                {
                    var p = rsa.ExportParameters(includePrivateParameters: false);
                    var writer = new Writer();
                    writer.String(Encoding.ASCII.GetBytes(Rsa));
                    writer.MPInt(p.Exponent!);
                    writer.MPInt(p.Modulus!);
                    return writer.ToArray();
                }

            default:
                throw new ArgumentException($"Key type {key.GetType().Name} is not supported: use ECDSA P-256/P-384 or RSA.", nameof(key));
        }
    }

    /// <summary>Decodes a blob into a public key. Every length is checked against what remains; nothing is sized by the blob.</summary>
    /// <exception cref="FormatException">The blob is malformed or of an unsupported type; the message names the problem, never key material.</exception>
    public static AsymmetricAlgorithm Decode(ReadOnlySpan<byte> blob, string expectedType)
    {
        if (blob.Length > MaxBlobLength)
        {
            throw new FormatException($"the key blob is longer than {MaxBlobLength} bytes");
        }

        var reader = new Reader(blob);
        var type = Encoding.ASCII.GetString(reader.String(64));
        if (!string.Equals(type, expectedType, StringComparison.Ordinal))
        {
            throw new FormatException("the key type inside the blob differs from the one in front of it");
        }

        AsymmetricAlgorithm key;
        if (type is EcdsaP256 or EcdsaP384)
        {
            var (curveName, curve, size) = type == EcdsaP256 ? ("nistp256", ECCurve.NamedCurves.nistP256, 32) : ("nistp384", ECCurve.NamedCurves.nistP384, 48);
            var curveId = Encoding.ASCII.GetString(reader.String(64));
            if (!string.Equals(curveId, curveName, StringComparison.Ordinal))
            {
                throw new FormatException($"the curve identifier does not match {type}");
            }

            var q = reader.String(1 + (2 * size));
            if (q.Length != 1 + (2 * size) || q[0] != 0x04)
            {
                throw new FormatException("the public point is not an uncompressed point of the curve (RFC 5656 §3.1, SEC1 §2.3.3)");
            }

            reader.End();
            var parameters = new ECParameters { Curve = curve, Q = new ECPoint { X = q.Slice(1, size).ToArray(), Y = q.Slice(1 + size, size).ToArray() } };
            var ec = ECDsa.Create();
            try
            {
                // ImportParameters checks that the point lies on the curve.
                ec.ImportParameters(parameters);
            }
            catch (CryptographicException)
            {
                ec.Dispose();
                throw new FormatException("the public point is not on the curve");
            }

            key = ec;
        }
        else if (type == Rsa)
        {
            var e = reader.PositiveMPInt(8);
            var n = reader.PositiveMPInt((MaxRsaBits / 8) + 1);
            reader.End();
            if (e.Length == 0 || (e[^1] & 1) == 0 || (e.Length == 1 && e[0] < 3))
            {
                throw new FormatException("the RSA public exponent is not an odd number of at least 3");
            }

            if (n.Length == 0 || (n[^1] & 1) == 0)
            {
                throw new FormatException("the RSA modulus is not odd");
            }

            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(new RSAParameters { Exponent = e.ToArray(), Modulus = n.ToArray() });
            }
            catch (CryptographicException)
            {
                rsa.Dispose();
                throw new FormatException("the RSA key could not be imported");
            }

            key = rsa;
        }
        else
        {
            throw new FormatException($"key type '{PeerText.Printable(type, 40)}' is not supported (use {EcdsaP256}, {EcdsaP384} or {Rsa})");
        }

        return key;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public ReadOnlySpan<byte> String(int maxLength)
        {
            if (_rest.Length < 4)
            {
                throw new FormatException("the key blob is truncated");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(_rest);
            if (length > (uint)maxLength || length > (uint)(_rest.Length - 4))
            {
                throw new FormatException("a length field in the key blob is out of bounds");
            }

            var value = _rest.Slice(4, (int)length);
            _rest = _rest[(4 + (int)length)..];
            return value;
        }

        /// <summary>An mpint (RFC 4251 §5) that must be positive and minimally encoded; returns its magnitude.</summary>
        public ReadOnlySpan<byte> PositiveMPInt(int maxLength)
        {
            var value = String(maxLength);
            if (value.Length > 0 && (value[0] & 0x80) != 0)
            {
                throw new FormatException("an mpint in the key blob is negative");
            }

            if (value.Length > 1 && value[0] == 0 && (value[1] & 0x80) == 0)
            {
                throw new FormatException("an mpint in the key blob has a superfluous leading zero");
            }

            return value.Length > 0 && value[0] == 0 ? value[1..] : value;
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new FormatException("the key blob has trailing bytes");
            }
        }
    }

    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public void String(ReadOnlySpan<byte> value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), (uint)value.Length);
            _buffer.Advance(4);
            _buffer.Write(value);
        }

        public void MPInt(ReadOnlySpan<byte> unsignedBigEndian)
        {
            var trimmed = unsignedBigEndian.TrimStart((byte)0);
            if (trimmed.Length > 0 && (trimmed[0] & 0x80) != 0)
            {
                var padded = new byte[trimmed.Length + 1];
                trimmed.CopyTo(padded.AsSpan(1));
                String(padded);
            }
            else
            {
                String(trimmed);
            }
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }
}
