namespace Handshake.Internal.Cryptography;

/// <summary>
/// The switch that turns the libcrypto path off for the whole process, so the BCL path runs
/// everywhere: the environment variable <c>HANDSHAKE_DISABLE_NATIVE_CRYPTO=1</c>, or the AppContext
/// switch <c>Handshake.Cryptography.DisableNativeCrypto</c> (in a project:
/// <c>&lt;RuntimeHostConfigurationOption Include="Handshake.Cryptography.DisableNativeCrypto" Value="true" /&gt;</c>).
/// Read once, when a digest is first used.
/// </summary>
internal static class NativeCryptoSwitch
{
    /// <summary>The environment variable; "1" or "true" turns the native path off.</summary>
    public const string EnvironmentVariable = "HANDSHAKE_DISABLE_NATIVE_CRYPTO";

    /// <summary>The AppContext switch; true turns the native path off.</summary>
    public const string AppContextSwitch = "Handshake.Cryptography.DisableNativeCrypto";

    /// <summary>Gets whether this process turned the native path off.</summary>
    public static bool IsDisabled { get; } = IsDisabledBy(
        Environment.GetEnvironmentVariable(EnvironmentVariable),
        AppContext.TryGetSwitch(AppContextSwitch, out var value) ? value : null);

    /// <summary>The rule, apart for tests.</summary>
    internal static bool IsDisabledBy(string? environmentValue, bool? appContextValue) =>
        appContextValue == true
        || string.Equals(environmentValue?.Trim(), "1", StringComparison.Ordinal)
        || string.Equals(environmentValue?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
