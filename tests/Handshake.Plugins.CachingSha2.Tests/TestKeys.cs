using System.Security.Cryptography;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>RSA keys generated once per test run (generation is slow), as PEM.</summary>
internal static class TestKeys
{
    private static readonly Lazy<(string Private, string Public)> Server = new(() => Create(2048));
    private static readonly Lazy<(string Private, string Public)> Weak = new(() => Create(1024));

    public static string ServerPrivatePem => Server.Value.Private;

    public static string ServerPublicPem => Server.Value.Public;

    public static string WeakPublicPem => Weak.Value.Public;

    public static string WeakPrivatePem => Weak.Value.Private;

    private static (string, string) Create(int bits)
    {
        using var rsa = RSA.Create(bits);
        return (rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem());
    }
}
