using System.Runtime.InteropServices;

namespace Handshake.Internal.Cryptography;

/// <summary>
/// The digest functions of the platform's OpenSSL libcrypto, the library the BCL's own crypto shim
/// loads on Linux, resolved at run time (never shipped with Handshake). Only the public
/// <c>SHA*_Init/_Update/_Final/_Transform</c> functions of <c>openssl/sha.h</c> are used: deprecated in
/// OpenSSL 3.0 in favour of EVP, still exported, and free of EVP's per-call setup.
/// </summary>
internal static class LibCrypto
{
    /// <summary>
    /// Bytes reserved for one context: OpenSSL 3 declares SHA_CTX as 96 bytes, SHA256_CTX as 112 and
    /// SHA512_CTX as 216; twice the largest leaves room for any layout change that keeps h[] first.
    /// </summary>
    public const int ContextSize = 512;

    /// <summary>Extra bytes a stack buffer needs so an aligned context fits inside it.</summary>
    public const int ContextAlignment = 64;

    /// <summary>The soname of OpenSSL 3's libcrypto, the one .NET 10 prefers on Linux.</summary>
    private const string LibraryName = "libcrypto.so.3";

    private static readonly Lazy<nint> Library = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Resolves the four functions of one digest (<paramref name="prefix"/> is "SHA1", "SHA256" or "SHA512"), or null when the library or a symbol is missing.</summary>
    public static NativeDigestFunctions? Resolve(string prefix)
    {
        var library = Library.Value;
        if (library == 0)
        {
            return null;
        }

        return NativeLibrary.TryGetExport(library, prefix + "_Init", out var init)
            && NativeLibrary.TryGetExport(library, prefix + "_Update", out var update)
            && NativeLibrary.TryGetExport(library, prefix + "_Final", out var final)
            && NativeLibrary.TryGetExport(library, prefix + "_Transform", out var transform)
            ? new NativeDigestFunctions(init, update, final, transform)
            : null;
    }

    private static nint Load()
    {
        // Only Linux: Windows' BCL uses CNG and macOS' uses CommonCrypto, so a libcrypto found there
        // would be a different library from the one the process already trusts.
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        return NativeLibrary.TryLoad(LibraryName, out var handle) ? handle : 0;
    }
}
