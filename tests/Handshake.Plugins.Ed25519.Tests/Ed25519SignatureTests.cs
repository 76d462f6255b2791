using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Ed25519.Tests;

/// <summary>The composed arithmetic against MariaDB's own answers.</summary>
public sealed class Ed25519SignatureTests
{
    [Fact]
    public void IsAvailable_LibsodiumInstalled_IsTrue()
    {
        // tests/setup.d installs libsodium23; without it every test here would fail with the typed error.
        Assert.True(Ed25519Signature.IsAvailable);
        Ed25519Signature.EnsureAvailable();
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.StoredKeys), MemberType = typeof(MariaDbEd25519Vectors))]
    public void DerivePublicKey_PublishedPassword_GivesMariaDbsStoredKey(string password, string stored)
    {
        var publicKey = new byte[Ed25519Signature.PublicKeyLength];
        Ed25519Signature.DerivePublicKey(Encoding.UTF8.GetBytes(password), publicKey);
        Assert.Equal(stored, Convert.ToBase64String(publicKey).TrimEnd('='));
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public void Sign_LibMariaDbVector_GivesTheSameBytes(string password, string scrambleHex, string signatureHex)
    {
        var signature = new byte[Ed25519Signature.SignatureLength];
        Ed25519Signature.Sign(Encoding.UTF8.GetBytes(password), Convert.FromHexString(scrambleHex), signature);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public void SignWithExpandedKey_Sha512OfPassword_GivesTheSameBytes(string password, string scrambleHex, string signatureHex)
    {
        var signature = new byte[Ed25519Signature.SignatureLength];
        Ed25519Signature.SignWithExpandedKey(SHA512.HashData(Encoding.UTF8.GetBytes(password)), Convert.FromHexString(scrambleHex), signature);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public void Verify_LibMariaDbVector_IsAStandardEd25519Signature(string password, string scrambleHex, string signatureHex)
    {
        var publicKey = new byte[Ed25519Signature.PublicKeyLength];
        Ed25519Signature.DerivePublicKey(Encoding.UTF8.GetBytes(password), publicKey);
        Assert.True(Ed25519Signature.Verify(publicKey, Convert.FromHexString(scrambleHex), Convert.FromHexString(signatureHex)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(63)]
    public void Verify_OneBitFlippedInSignature_IsFalse(int index)
    {
        var (publicKey, scramble, signature) = SignedSample();
        signature[index] ^= 0x04;
        Assert.False(Ed25519Signature.Verify(publicKey, scramble, signature));
    }

    [Fact]
    public void Verify_OtherScramble_IsFalse()
    {
        var (publicKey, scramble, signature) = SignedSample();
        scramble[7] ^= 1;
        Assert.False(Ed25519Signature.Verify(publicKey, scramble, signature));
    }

    [Fact]
    public void Verify_OtherPasswordsKey_IsFalse()
    {
        var (_, scramble, signature) = SignedSample();
        var other = new byte[Ed25519Signature.PublicKeyLength];
        Ed25519Signature.DerivePublicKey("not-the-password"u8, other);
        Assert.False(Ed25519Signature.Verify(other, scramble, signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public void Verify_SignatureOfWrongLength_IsFalse(int length)
    {
        var (publicKey, scramble, _) = SignedSample();
        Assert.False(Ed25519Signature.Verify(publicKey, scramble, new byte[length]));
    }

    [Fact]
    public void Verify_SignatureWithNonCanonicalS_IsFalse()
    {
        // S + L is the same scalar mod L; RFC 8032 section 5.1.7 requires S < L, so it must not verify.
        var (publicKey, scramble, signature) = SignedSample();
        var l = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        var carry = 0;
        for (var i = 0; i < 32; i++)
        {
            var sum = signature[32 + i] + l[i] + carry;
            signature[32 + i] = (byte)sum;
            carry = sum >> 8;
        }

        Assert.False(Ed25519Signature.Verify(publicKey, scramble, signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(33)]
    public void Sign_ScrambleOfWrongLength_ThrowsArgumentException(int length)
    {
        var signature = new byte[Ed25519Signature.SignatureLength];
        Assert.Throws<ArgumentException>(() => Ed25519Signature.Sign("pw"u8, new byte[length], signature));
    }

    [Fact]
    public void Sign_DestinationTooSmall_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Ed25519Signature.Sign("pw"u8, new byte[32], new byte[63]));
    }

    [Fact]
    public void SignWithExpandedKey_WrongKeyLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Ed25519Signature.SignWithExpandedKey(new byte[32], new byte[32], new byte[64]));
    }

    [Fact]
    public void Verify_PublicKeyOfWrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Ed25519Signature.Verify(new byte[31], new byte[32], new byte[64]));
    }

    private static (byte[] PublicKey, byte[] Scramble, byte[] Signature) SignedSample()
    {
        var publicKey = new byte[Ed25519Signature.PublicKeyLength];
        Ed25519Signature.DerivePublicKey("sample-password"u8, publicKey);
        var scramble = RandomNumberGenerator.GetBytes(Ed25519Signature.ScrambleLength);
        var signature = new byte[Ed25519Signature.SignatureLength];
        Ed25519Signature.Sign("sample-password"u8, scramble, signature);
        Assert.True(Ed25519Signature.Verify(publicKey, scramble, signature));
        return (publicKey, scramble, signature);
    }
}
