using Handshake.Plugins.Ed25519.Internal;

namespace Handshake.Plugins.Ed25519.Tests;

/// <summary>How the package finds libsodium, and what a machine without it is told.</summary>
public sealed class SodiumTests
{
    [Fact]
    public void Load_NoCandidateExists_RequireThrowsPluginFailureSayingHowToInstall()
    {
        var result = Sodium.Load(["libsodium-not-here.so.99", "/nonexistent/libsodium.so"]);

        Assert.Null(result.Library);
        var ex = Assert.Throws<HandshakeException>(() => result.Require(Ed25519PluginNames.ClientEd25519, 1));
        Assert.Equal(AuthErrorCode.PluginFailure, ex.Code);
        Assert.Equal(Ed25519PluginNames.ClientEd25519, ex.PluginName);
        Assert.Equal(1, ex.FactorIndex);
        Assert.Contains("libsodium", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libsodium23", ex.Message, StringComparison.Ordinal);
        Assert.Contains("libsodium-not-here.so.99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LibraryWithoutTheEd25519Functions_SaysItIsTooOld()
    {
        // libcrypto.so.3 loads (the BCL uses it) but has no sodium_init: the candidate is reported, not used.
        var result = Sodium.Load(["libcrypto.so.3"]);

        Assert.Null(result.Library);
        Assert.Contains("libcrypto.so.3", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DefaultNames_FindsDebiansLibsodiumAndPassesTheSelfTest()
    {
        var result = Sodium.Load(["libsodium.so.23", "libsodium.so.26", "libsodium"]);

        Assert.NotNull(result.Library);
        Assert.Null(result.Failure);
        Assert.Same(result.Library, result.Require(null, 0));
    }
}
