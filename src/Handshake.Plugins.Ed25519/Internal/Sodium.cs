using System.Runtime.InteropServices;

namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>
/// The libsodium functions this package composes MariaDB's ed25519 from, bound once per process
/// through <see cref="NativeLibrary"/>. Only scalar and point primitives and the standard verifier
/// are called: no curve arithmetic lives in this package. A machine without a usable libsodium gets
/// one typed, actionable error (<see cref="Require"/>) instead of a <see cref="DllNotFoundException"/>.
/// </summary>
internal sealed unsafe class Sodium
{
    public const int ScalarLength = 32;
    public const int PointLength = 32;
    public const int WideScalarLength = 64;

    // The names libsodium goes by: the NuGet-style bare name (found next to the app or in runtimes/),
    // then the sonames of Debian 12 (1.0.18: .so.23) and later releases (1.0.19+: .so.26), macOS and Windows.
    private static readonly string[] DefaultCandidates =
    [
        "libsodium",
        "libsodium.so.23",
        "libsodium.so.26",
        "libsodium.so",
        "libsodium.26.dylib",
        "libsodium.23.dylib",
        "libsodium.dylib",
        "libsodium.dll",
    ];

    private static readonly Lazy<SodiumLoadResult> Shared = new(() => Load(DefaultCandidates), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int> _scalarMultBaseNoClamp;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, void> _scalarReduce;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, byte*, void> _scalarMul;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, byte*, void> _scalarAdd;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, ulong, byte*, int> _verifyDetached;

    private Sodium(nint handle, string name)
    {
        Name = name;
        _scalarMultBaseNoClamp = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)NativeLibrary.GetExport(handle, "crypto_scalarmult_ed25519_base_noclamp");
        _scalarReduce = (delegate* unmanaged[Cdecl]<byte*, byte*, void>)NativeLibrary.GetExport(handle, "crypto_core_ed25519_scalar_reduce");
        _scalarMul = (delegate* unmanaged[Cdecl]<byte*, byte*, byte*, void>)NativeLibrary.GetExport(handle, "crypto_core_ed25519_scalar_mul");
        _scalarAdd = (delegate* unmanaged[Cdecl]<byte*, byte*, byte*, void>)NativeLibrary.GetExport(handle, "crypto_core_ed25519_scalar_add");
        _verifyDetached = (delegate* unmanaged[Cdecl]<byte*, byte*, ulong, byte*, int>)NativeLibrary.GetExport(handle, "crypto_sign_ed25519_verify_detached");
    }

    /// <summary>Gets the library name that loaded.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether the process's libsodium loaded and passed its self-test.</summary>
    public static bool IsAvailable => Shared.Value.Library is not null;

    /// <summary>Returns the process's libsodium, or throws the typed error that says how to install it.</summary>
    /// <param name="pluginName">The plugin or verifier name for the exception.</param>
    /// <param name="factorIndex">The factor for the exception (0 when not in a handshake).</param>
    /// <returns>The library.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.PluginFailure"/>: libsodium is missing, too old, or failed its self-test.</exception>
    public static Sodium Require(string? pluginName = null, int factorIndex = 0) => Shared.Value.Require(pluginName, factorIndex);

    /// <summary>Loads the first candidate that resolves and binds every function; then runs the known-answer test.</summary>
    /// <param name="candidates">Library names or paths, tried in order.</param>
    /// <returns>The library, or why none could be used.</returns>
    public static SodiumLoadResult Load(IReadOnlyList<string> candidates)
    {
        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, typeof(Sodium).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out var handle)
                && !NativeLibrary.TryLoad(candidate, out handle))
            {
                continue;
            }

            var problem = TryBind(handle, candidate, out var sodium);
            if (sodium is not null)
            {
                return new SodiumLoadResult(sodium, null);
            }

            // Not ours to keep: drop this process's reference (the library stays if someone else holds it).
            NativeLibrary.Free(handle);
            problems.Add($"{candidate}: {problem}");
        }

        var tried = problems.Count == 0 ? $"none of {string.Join(", ", candidates)} could be loaded" : string.Join("; ", problems);
        return new SodiumLoadResult(
            null,
            $"MariaDB ed25519 authentication needs libsodium 1.0.17 or later, and no usable copy was found ({tried}). " +
            "Install it (Debian/Ubuntu: apt-get install libsodium23; Fedora/RHEL: dnf install libsodium; Alpine: apk add libsodium; macOS: brew install libsodium), " +
            "or ship the native library next to the application.");
    }

    private static string? TryBind(nint handle, string candidate, out Sodium? sodium)
    {
        sodium = null;
        try
        {
            // sodium_init: 0 = initialised now, 1 = already initialised, -1 = failure.
            var init = (delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(handle, "sodium_init");
            if (init() < 0)
            {
                return "sodium_init failed";
            }

            var bound = new Sodium(handle, candidate);
            if (!SodiumSelfTest.Passes(bound))
            {
                return "failed the known-answer test (MariaDB's published ed25519 key for 'secret')";
            }

            sodium = bound;
            return null;
        }
        catch (EntryPointNotFoundException ex)
        {
            // crypto_scalarmult_ed25519_base_noclamp and the scalar functions arrived in libsodium 1.0.17.
            return $"not libsodium 1.0.17 or later ({ex.Message.Split('\n')[0]})";
        }
    }

    /// <summary>q = n*B for a scalar n taken as is (no clamping); false when q would be the identity (n = 0 mod L).</summary>
    public bool ScalarMultBase(ReadOnlySpan<byte> scalar, Span<byte> point)
    {
        Check(scalar.Length == ScalarLength && point.Length == PointLength);
        fixed (byte* n = scalar)
        fixed (byte* q = point)
        {
            return _scalarMultBaseNoClamp(q, n) == 0;
        }
    }

    /// <summary>r = s mod L for a 64-byte little-endian s.</summary>
    public void ScalarReduce(ReadOnlySpan<byte> wide, Span<byte> scalar)
    {
        Check(wide.Length == WideScalarLength && scalar.Length == ScalarLength);
        fixed (byte* s = wide)
        fixed (byte* r = scalar)
        {
            _scalarReduce(r, s);
        }
    }

    /// <summary>z = x*y mod L.</summary>
    public void ScalarMul(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z) => ScalarOperation(_scalarMul, x, y, z);

    /// <summary>z = x+y mod L.</summary>
    public void ScalarAdd(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z) => ScalarOperation(_scalarAdd, x, y, z);

    /// <summary>Standard Ed25519 verification (RFC 8032 section 5.1.7) of a 64-byte signature.</summary>
    public bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        Check(signature.Length == 2 * ScalarLength && publicKey.Length == PointLength);
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* pk = publicKey)
        {
            return _verifyDetached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    private static void ScalarOperation(delegate* unmanaged[Cdecl]<byte*, byte*, byte*, void> operation, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z)
    {
        Check(x.Length == ScalarLength && y.Length == ScalarLength && z.Length == ScalarLength);
        fixed (byte* px = x)
        fixed (byte* py = y)
        fixed (byte* pz = z)
        {
            operation(pz, px, py);
        }
    }

    // The callers size every buffer; a wrong length here is a bug in this package, never peer input.
    private static void Check(bool lengthsRight)
    {
        if (!lengthsRight)
        {
            throw new InvalidOperationException("A libsodium buffer has the wrong length.");
        }
    }
}
