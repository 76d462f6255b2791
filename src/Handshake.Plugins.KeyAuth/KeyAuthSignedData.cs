using System.Buffers.Binary;
using System.Text;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Builds the exact bytes a key auth client signs. Binding every piece of context into the signed
/// bytes is what stops a signature made for one server, plugin, user, factor or TLS channel from
/// being replayed at another.
/// </summary>
/// <remarks>
/// <para>Layout, version 1 (all lengths unsigned big-endian; text is UTF-8):</para>
/// <code>
/// u8   version                 = 0x01
/// u8   domain length           = 18, then "handshake-key-auth"
/// u16  plugin name length      , then the mechanism name in use (e.g. "ssh-key-auth"), 1..255 bytes
/// u16  user name length        , then the user name, 0..1024 bytes
/// u8   factor index            (1..3)
/// u16  challenge length        , then the server's challenge, 16..255 bytes (the server sends 32)
/// u8   channel-binding type    0 = none, 1 = tls-server-end-point (RFC 5929 §4)
/// u16  channel-binding length  , then the data: for type 1, the transport's tls-server-end-point
///                                binding (<see cref="TransportSecurity.GetTlsServerEndPointBinding"/>:
///                                the hash of the server certificate's DER with its signature hash,
///                                SHA-256 for MD5/SHA-1, the PSS parameters' hash for RSA-PSS); empty for type 0
/// </code>
/// <para>
/// Type 1 is used exactly when the transport has a server certificate (the client sees its
/// peer's, the server its own); a certificate whose signature hash cannot be determined fails with
/// <see cref="AuthErrorCode.ChannelBindingFailure"/>. A change of layout gets a new version byte.
/// </para>
/// </remarks>
public static class KeyAuthSignedData
{
    /// <summary>The layout version, the first byte.</summary>
    public const byte Version = 1;

    /// <summary>The domain-separation string.</summary>
    public const string Domain = "handshake-key-auth";

    /// <summary>Largest user name accepted, in UTF-8 bytes.</summary>
    public const int MaxUserNameBytes = 1024;

    /// <summary>Largest plugin name accepted, in UTF-8 bytes.</summary>
    public const int MaxPluginNameBytes = 255;

    /// <summary>Smallest challenge accepted, in bytes.</summary>
    public const int MinChallengeLength = 16;

    /// <summary>Largest challenge accepted, in bytes.</summary>
    public const int MaxChallengeLength = 255;

    /// <summary>Builds the bytes to sign.</summary>
    /// <param name="pluginName">The mechanism name in use.</param>
    /// <param name="userName">The user name.</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="challenge">The server's challenge.</param>
    /// <param name="transport">The transport; its server certificate, when it has one, is bound (type 1).</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="HandshakeException">A field is out of bounds (<see cref="AuthErrorCode.ProtocolViolation"/>) or the certificate's hash cannot be determined (<see cref="AuthErrorCode.ChannelBindingFailure"/>).</exception>
    public static byte[] Build(string pluginName, string userName, int factorIndex, ReadOnlySpan<byte> challenge, TransportSecurity transport)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginName);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(transport);
        var plugin = Encoding.UTF8.GetBytes(pluginName);
        var user = Encoding.UTF8.GetBytes(userName);
        if (plugin.Length > MaxPluginNameBytes)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The plugin name is longer than {MaxPluginNameBytes} bytes.", pluginName, factorIndex);
        }

        if (user.Length > MaxUserNameBytes)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The user name is longer than {MaxUserNameBytes} bytes; key auth cannot sign for it.", pluginName, factorIndex);
        }

        if (factorIndex is < 1 or > AuthCredentials.MaxFactors)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"Factor index {factorIndex} is outside 1..3.", pluginName, factorIndex);
        }

        if (challenge.Length is < MinChallengeLength or > MaxChallengeLength)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server's challenge is {challenge.Length} bytes; key auth accepts {MinChallengeLength} to {MaxChallengeLength}.", pluginName, factorIndex);
        }

        var serverCertificate = transport.ServerCertificate;
        var binding = serverCertificate is null ? [] : transport.GetTlsServerEndPointBinding()
            ?? throw new HandshakeException(
                AuthErrorCode.ChannelBindingFailure,
                $"The server certificate's signature algorithm ({serverCertificate.SignatureAlgorithm.FriendlyName ?? serverCertificate.SignatureAlgorithm.Value}) has no single hash, so tls-server-end-point channel binding is undefined for it (RFC 5929 §4.1). Use a certificate signed with RSA or ECDSA.",
                pluginName,
                factorIndex);
        var domain = Encoding.ASCII.GetBytes(Domain);
        var total = 1 + 1 + domain.Length + 2 + plugin.Length + 2 + user.Length + 1 + 2 + challenge.Length + 1 + 2 + binding.Length;
        var buffer = new byte[total];
        var span = buffer.AsSpan();
        span[0] = Version;
        span[1] = (byte)domain.Length;
        var at = 2;
        domain.CopyTo(span[at..]);
        at += domain.Length;
        at = WriteU16Prefixed(span, at, plugin);
        at = WriteU16Prefixed(span, at, user);
        span[at++] = (byte)factorIndex;
        at = WriteU16Prefixed(span, at, challenge);
        span[at++] = serverCertificate is null ? (byte)0 : (byte)1;
        at = WriteU16Prefixed(span, at, binding);
        System.Diagnostics.Debug.Assert(at == total, "layout arithmetic");
        return buffer;
    }

    private static int WriteU16Prefixed(Span<byte> span, int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)value.Length);
        value.CopyTo(span[(at + 2)..]);
        return at + 2 + value.Length;
    }
}
