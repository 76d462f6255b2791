using System.Security.Cryptography;

namespace Handshake.Internal.Cryptography;

/// <summary>
/// The known-answer test a libcrypto digest must pass before it is used: H("abc") (FIPS 180-2
/// appendices), HMAC with a key longer than a block (RFC 2202 §3 case 6, RFC 4231 §4.7), and PBKDF2 at
/// c = 2, which runs the two-compression loop (RFC 6070 §2 for SHA-1; the widely used
/// "password"/"salt" vectors for SHA-256 and SHA-512, which the BCL reproduces), through both the
/// one-shot and the precomputed-key HMAC.
/// </summary>
internal static class DigestSelfTest
{
    private static readonly byte[] Abc = "abc"u8.ToArray();
    private static readonly byte[] LongKeyMessage = "Test Using Larger Than Block-Size Key - Hash Key First"u8.ToArray();
    private static readonly byte[] Password = "password"u8.ToArray();
    private static readonly byte[] Salt = "salt"u8.ToArray();

    /// <summary>Runs the known answers; any exception or mismatch is a failure.</summary>
    public static bool Passes(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        try
        {
            var (hash, hmacKeyLength, hmac, pbkdf2) = Expected(digest.Algorithm);
            var output = new byte[digest.HashSize];
            digest.Hash(Abc, output);
            if (!output.AsSpan().SequenceEqual(hash))
            {
                return false;
            }

            var key = new byte[hmacKeyLength];
            key.AsSpan().Fill(0xAA);
            digest.Hmac(key, LongKeyMessage, output);
            if (!output.AsSpan().SequenceEqual(hmac))
            {
                return false;
            }

            using (var precomputed = digest.CreateHmacKey(key))
            {
                Array.Clear(output);
                precomputed.Compute(LongKeyMessage, output);
                if (!output.AsSpan().SequenceEqual(hmac))
                {
                    return false;
                }
            }

            digest.Pbkdf2(Password, Salt, 2, output);
            return output.AsSpan().SequenceEqual(pbkdf2);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private static (byte[] Hash, int HmacKeyLength, byte[] Hmac, byte[] Pbkdf2) Expected(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA1
            ? (Convert.FromHexString("a9993e364706816aba3e25717850c26c9cd0d89d"), 80, Convert.FromHexString("aa4ae5e15272d00e95705637ce8a3b55ed402112"), Convert.FromHexString("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"))
            : algorithm == HashAlgorithmName.SHA256
                ? (Convert.FromHexString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), 131, Convert.FromHexString("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"), Convert.FromHexString("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"))
                : (Convert.FromHexString("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"), 131, Convert.FromHexString("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"), Convert.FromHexString("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e"));
}
