using System.Security.Cryptography;
using System.Text;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.Scram.Tests.Cryptography;

/// <summary>
/// The block-level digest (src/Shared/Cryptography, compiled into this plugin): libcrypto's path and the
/// BCL fallback against published vectors and against <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>.
/// </summary>
public sealed class DigestTests
{
    private static readonly HashAlgorithmName[] Algorithms = [HashAlgorithmName.SHA1, HashAlgorithmName.SHA256, HashAlgorithmName.SHA512];

    public static TheoryData<bool, string, string, string, int, string> PublishedPbkdf2Vectors
    {
        get
        {
            var data = new TheoryData<bool, string, string, string, int, string>();
            foreach (var native in new[] { true, false })
            {
                // RFC 6070 §2 (PBKDF2-HMAC-SHA1); the 16,777,216-iteration case is left out for time.
                data.Add(native, "SHA1", "password", "salt", 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6");
                data.Add(native, "SHA1", "password", "salt", 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
                data.Add(native, "SHA1", "password", "salt", 4096, "4b007901b765489abead49d926f721d065a429c1");
                data.Add(native, "SHA1", "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
                data.Add(native, "SHA1", "pass\0word", "sa\0lt", 4096, "56fa6aa75548099dcc37d7f03425e0c3");

                // RFC 7914 §11 (PBKDF2-HMAC-SHA256, two output blocks).
                data.Add(native, "SHA256", "passwd", "salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
                data.Add(native, "SHA256", "Password", "NaCl", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");

                // The RFC 6070 inputs under SHA-256 and SHA-512 (the widely used vectors; checked with Python's hashlib).
                data.Add(native, "SHA256", "password", "salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
                data.Add(native, "SHA256", "password", "salt", 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
                data.Add(native, "SHA512", "password", "salt", 1, "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
                data.Add(native, "SHA512", "password", "salt", 2, "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
                data.Add(native, "SHA512", "password", "salt", 4096, "d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PublishedPbkdf2Vectors))]
    public void Pbkdf2_PublishedVector_MatchesExpected(bool native, string algorithm, string password, string salt, int iterations, string expectedHex)
    {
        var digest = Backend(new HashAlgorithmName(algorithm), native);
        var expected = Convert.FromHexString(expectedHex);
        var output = new byte[expected.Length];
        digest.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, output);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Pbkdf2_RandomInputs_EqualsRfc2898DeriveBytes()
    {
        // 10,200 inputs over the three hashes: passwords 0-200 bytes (past both block sizes, 64 and 128,
        // so long keys are hashed first), salts 0-64 bytes, outputs 1-200 bytes (several blocks), and
        // iterations 1-10,000 weighted low so the run takes seconds.
        var random = new Random(20261201);
        var natives = Algorithms.Select(a => Backend(a, native: true)).ToArray();
        var fallbacks = Algorithms.Select(Digest.Bcl).ToArray();
        var longPasswords = 0;
        for (var n = 0; n < 10_200; n++)
        {
            var which = n % Algorithms.Length;
            var password = RandomBytes(random, random.Next(0, 201));
            var salt = RandomBytes(random, random.Next(0, 65));
            var iterations = random.Next(1000) switch
            {
                < 950 => random.Next(1, 65),
                < 995 => random.Next(65, 1001),
                _ => random.Next(1001, 10_001),
            };
            var length = random.Next(1, 201);
            longPasswords += password.Length > 128 ? 1 : 0;

            var expected = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, Algorithms[which], length);
            var ours = new byte[length];
            natives[which].Pbkdf2(password, salt, iterations, ours);
            var fallback = new byte[length];
            fallbacks[which].Pbkdf2(password, salt, iterations, fallback);
            Assert.True(expected.AsSpan().SequenceEqual(ours), $"native PBKDF2-HMAC-{Algorithms[which].Name} differs: password {password.Length} B, salt {salt.Length} B, c={iterations}, dkLen={length}");
            Assert.True(expected.AsSpan().SequenceEqual(fallback), $"fallback PBKDF2-HMAC-{Algorithms[which].Name} differs");
        }

        Assert.True(longPasswords > 1000, "the generator must cover passwords longer than SHA-512's block");
    }

    [Fact]
    public void HashAndHmac_RandomInputs_EqualBcl()
    {
        var random = new Random(7677);
        foreach (var algorithm in Algorithms)
        {
            foreach (var digest in new[] { Backend(algorithm, native: true), Digest.Bcl(algorithm) })
            {
                var expected = new byte[digest.HashSize];
                var ours = new byte[digest.HashSize];
                for (var n = 0; n < 500; n++)
                {
                    var data = RandomBytes(random, random.Next(0, 400));
                    var key = RandomBytes(random, random.Next(0, 300));
                    _ = CryptographicOperations.HashData(algorithm, data, expected);
                    digest.Hash(data, ours);
                    Assert.Equal(expected, ours);

                    _ = CryptographicOperations.HmacData(algorithm, key, data, expected);
                    digest.Hmac(key, data, ours);
                    Assert.Equal(expected, ours);
                    using var precomputed = digest.CreateHmacKey(key);
                    Array.Clear(ours);
                    precomputed.Compute(data, ours);
                    Assert.Equal(expected, ours);
                }
            }
        }
    }

    [Fact]
    public void Hash_InputLongerThanNativeLimit_EqualsBcl()
    {
        var data = RandomBytes(new Random(1), Digest.MaxNativeInput + 1);
        var digest = Backend(HashAlgorithmName.SHA256, native: true);
        var ours = new byte[32];
        digest.Hash(data, ours);
        Assert.Equal(SHA256.HashData(data), ours);
    }

    [Theory]
    [InlineData("SHA1", true)]
    [InlineData("SHA256", true)]
    [InlineData("SHA512", true)]
    [InlineData("SHA1", false)]
    [InlineData("SHA256", false)]
    [InlineData("SHA512", false)]
    public void SelfTest_EitherBackend_Passes(string algorithm, bool native)
    {
        Assert.True(DigestSelfTest.Passes(Backend(new HashAlgorithmName(algorithm), native)));
    }

    [Fact]
    public void Choose_SelfTestFails_FallsBackToBcl()
    {
        var native = Backend(HashAlgorithmName.SHA256, native: true);
        var bcl = Digest.Bcl(HashAlgorithmName.SHA256);
        Assert.Same(bcl, Digest.Choose(native, bcl, nativeDisabled: false, _ => false));
    }

    [Fact]
    public void Choose_Disabled_FallsBackToBclWithoutSelfTest()
    {
        var native = Backend(HashAlgorithmName.SHA256, native: true);
        var bcl = Digest.Bcl(HashAlgorithmName.SHA256);
        Assert.Same(bcl, Digest.Choose(native, bcl, nativeDisabled: true, _ => throw new InvalidOperationException("the self-test must not run when switched off")));
    }

    [Fact]
    public void Choose_NativeMissing_FallsBackToBcl()
    {
        var bcl = Digest.Bcl(HashAlgorithmName.SHA1);
        Assert.Same(bcl, Digest.Choose(null, bcl, nativeDisabled: false, DigestSelfTest.Passes));
    }

    [Fact]
    public void Choose_NativePassesSelfTest_UsesNative()
    {
        var native = Backend(HashAlgorithmName.SHA512, native: true);
        Assert.Same(native, Digest.Choose(native, Digest.Bcl(HashAlgorithmName.SHA512), nativeDisabled: false, DigestSelfTest.Passes));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", null, false)]
    [InlineData("0", null, false)]
    [InlineData("false", null, false)]
    [InlineData("1", null, true)]
    [InlineData(" true ", null, true)]
    [InlineData("TRUE", null, true)]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("0", true, true)]
    public void IsDisabledBy_EnvironmentAndAppContext_FollowsTheRule(string? environment, bool? appContext, bool expected)
    {
        Assert.Equal(expected, NativeCryptoSwitch.IsDisabledBy(environment, appContext));
    }

    [Fact]
    public void Default_ThisProcess_IsNativeOnLinuxUnlessSwitchedOff()
    {
        // Run the suite once with HANDSHAKE_DISABLE_NATIVE_CRYPTO=1 to run every SCRAM test on the BCL path.
        var expectNative = OperatingSystem.IsLinux() && !NativeCryptoSwitch.IsDisabled;
        Assert.All(Algorithms, a => Assert.Equal(expectNative, Digest.For(a).IsNative));
    }

    private static Digest Backend(HashAlgorithmName algorithm, bool native)
    {
        if (!native)
        {
            return Digest.Bcl(algorithm);
        }

        // This machine's Linux has OpenSSL 3 (the BCL's own libcrypto): a missing native path is a failure here.
        Assert.True(OperatingSystem.IsLinux(), "the native digest path exists on Linux only");
        return Digest.Native(algorithm) ?? throw new InvalidOperationException($"libcrypto's {algorithm.Name} functions did not resolve.");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
